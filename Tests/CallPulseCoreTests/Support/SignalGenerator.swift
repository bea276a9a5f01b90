import CallPulseCore
import CallPulseTestSupport
import RealModule

/// A channel being assembled: `SignalBuilder` (TonePlanFixtures.swift), the one signal
/// builder of the tests, with any signal added at a given time.
extension SignalBuilder {
    mutating func add(_ signal: [Float], at seconds: Double, gain: Float = 1) {
        let offset = Int((seconds * Double(sampleRateHz)).rounded())
        for (i, value) in signal.enumerated() where offset + i < samples.count && offset + i >= 0 {
            samples[offset + i] += gain * value
        }
    }
}

/// Runs the frame pipeline on channels (one per party of `layout`).
func analyze(_ channels: [[Float]], sampleRateHz: Int, layout: ChannelLayout, blockFrames: Int = 1000) -> CallAnalysis {
    var analyzer = CallAnalyzer(sampleRateHz: sampleRateHz, layout: layout)
    let count = channels.map(\.count).min() ?? 0
    var interleaved = [Float](repeating: 0, count: count * channels.count)
    for (c, channel) in channels.enumerated() {
        for i in 0..<count { interleaved[i * channels.count + c] = channel[i] }
    }
    var start = 0
    while start < count {
        let end = min(count, start + blockFrames)
        interleaved[(start * channels.count)..<(end * channels.count)].withUnsafeBufferPointer { analyzer.process(interleaved: $0) }
        start = end
    }
    return analyzer.finish()
}
