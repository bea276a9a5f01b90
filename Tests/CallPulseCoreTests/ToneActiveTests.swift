import Testing
@testable import CallPulseCore

@Suite("Ring detector: tone activity for the voice detector")
struct ToneActiveTests {
    @Test("toneActive covers each ring burst, with at most 0.2 s of delay at each edge", arguments: [8000, 48000])
    func toneActive(sampleRateHz: Int) {
        let plan = TonePlan.named("NL")
        var builder = SignalBuilder(sampleRateHz: sampleRateHz, durationS: 12)
        builder.addRings(plan, count: 2, firstOnsetS: 1.0, peakDbfs: -20)
        var detector = RingDetector(sampleRateHz: sampleRateHz)
        var active: [Bool] = []
        builder.samples.withUnsafeBufferPointer { all in
            let frameLength = sampleRateHz / 100
            for f in 0..<(all.count / frameLength) {
                _ = detector.process(frame: UnsafeBufferPointer(rebasing: all[(f * frameLength)..<((f + 1) * frameLength)]))
                active.append(detector.toneActive)
            }
        }
        // Bursts 1.0-2.0 s and 6.0-7.0 s: active in the middle, inactive well away from them.
        for frame in [130, 180, 630, 680] { #expect(active[frame]) }
        for frame in [50, 250, 400, 550, 750, 1_100] { #expect(!active[frame]) }
        #expect(detector.framesProcessed == active.count)
        detector.finish()
        #expect(detector.toneBursts.count == 2)
        #expect(detector.bursts.map(\.startFrame).allSatisfy { [100, 600].contains($0) || [101, 601].contains($0) })
    }
}
