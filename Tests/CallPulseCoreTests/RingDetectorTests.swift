import Testing
@testable import CallPulseCore

/// A ringing call: `rings` rings of `plan` from `firstOnsetS`, then the callee speaks
/// `speechDelayS` after the last burst; returns the signal and the truth.
struct RingingCall {
    var samples: [Float]
    var ringOnsetsS: [Double]
    var lastBurstEndS: Double
    var speechOnsetS: Double

    init(
        plan: TonePlan, rings: Int, sampleRateHz: Int = 8000, firstOnsetS: Double = 0.73, peakDbfs: Double = -12,
        speechDelayS: Double = 0.8, seed: UInt64 = 1, noise: SignalBuilder.NoiseColour? = nil, snrDb: Double = 20
    ) {
        var rng = SeededGenerator(seed: seed)
        let lastOnset = firstOnsetS + Double(rings - 1) * plan.periodS
        let lastRingOnS = plan.cadenceS.enumerated().dropLast().map(\.element).reduce(0, +)
        let lastEnd = lastOnset + lastRingOnS
        let speechOnset = lastEnd + speechDelayS
        var builder = SignalBuilder(sampleRateHz: sampleRateHz, durationS: speechOnset + 4)
        let truth = builder.addRings(plan, count: rings, firstOnsetS: firstOnsetS, peakDbfs: peakDbfs)
        builder.addSpeech(from: speechOnset, to: speechOnset + 3.5, rmsDbfs: peakDbfs - 6, rng: &rng)
        if let noise {
            // SNR against the tone's RMS (peak - 3 dB for the sum of the components, near enough).
            builder.addNoise(noise, rmsDbfs: peakDbfs - 3 - snrDb, rng: &rng)
        }
        builder.clip()
        samples = builder.samples
        ringOnsetsS = truth.onsetsS
        lastBurstEndS = truth.burstEndsS.last!
        speechOnsetS = speechOnset
        precondition(abs(lastBurstEndS - lastEnd) < 1e-9)
    }
}

@Suite("Ring detector")
struct RingDetectorTests {
    @Test("national ringing cadences: 3 rings, then speech", arguments: TonePlan.ringing)
    func nationalCadence(plan: TonePlan) {
        let call = RingingCall(plan: plan, rings: 3)
        let run = runRingDetector(call.samples, sampleRateHz: 8000)
        let summary = run.summary(firstSpeechOnsetS: call.speechOnsetS)
        print(plan.name, run.detector.toneBursts.map { ($0.startS, $0.endS, $0.frequenciesHz) }, run.detector.rings.count, run.events, run.detector.toneHz, run.detector.cadenceS)
        #expect(summary?.rings == 3)
    }
}
