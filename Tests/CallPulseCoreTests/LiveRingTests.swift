import CallPulseTestSupport
import CallPulseCore
import Testing

/// What a live view reads while a call rings and is answered (`CallAnalyzer.ringSoFar`):
/// rings heard so far, and the answer at the end of the last burst as soon as the agent
/// speaks — before the ring tracker has judged that last ring.
@Suite struct LiveRingTests {
    @Test("ringing, then answered right after the last ring", arguments: ["NL", "UK", "US"])
    func liveRingsAndAnswer(planPrefix: String) {
        let plan = TonePlan.named(planPrefix)
        let rate = 8000
        let rings = 3
        let firstOnsetS = 0.5
        let lastBurstEndS = firstOnsetS + Double(rings - 1) * plan.periodS + plan.periodS - plan.cadenceS.last!
        let greetingS = lastBurstEndS + 0.6
        var line = SignalBuilder(sampleRateHz: rate, durationS: greetingS + 4)
        line.addRings(plan, count: rings, firstOnsetS: firstOnsetS, peakDbfs: -15)
        var agent = SignalBuilder(sampleRateHz: rate, durationS: greetingS + 4)
        var rng = SeededGenerator(seed: 5)
        agent.addSpeech(from: greetingS, to: greetingS + 3, rmsDbfs: -20, rng: &rng)

        var analyzer = CallAnalyzer(sampleRateHz: rate, layout: .agentCustomer)
        let frame = rate / 100
        var stereo = [Float](repeating: 0, count: 2 * frame)
        var ringingSeen = 0
        var answeredLive: RingSummary?
        for start in stride(from: 0, to: line.samples.count - frame, by: frame) {
            for i in 0..<frame {
                stereo[2 * i] = agent.samples[start + i]
                stereo[2 * i + 1] = line.samples[start + i]
            }
            stereo.withUnsafeBufferPointer { analyzer.process(interleaved: $0) }
            guard let ring = analyzer.ringSoFar else { continue }
            if ring.answered {
                if answeredLive == nil { answeredLive = ring }
            } else {
                ringingSeen = max(ringingSeen, ring.rings)
            }
        }
        #expect(ringingSeen == rings, "\(plan.name): RINGING \(ringingSeen) shown before the answer")
        let live = try? #require(answeredLive)
        #expect(live?.rings == rings)
        #expect(abs((live?.answeredS ?? 0) - lastBurstEndS) <= 0.1, "\(plan.name): answered live at \(String(describing: live?.answeredS)), last burst ended \(lastBurstEndS)")
        let final = analyzer.finish().ring
        #expect(final?.answeredS == live?.answeredS)
        #expect(final?.rings == rings)
    }
}

/// A recording that stops while the phone still rings (the recorder was stopped mid-burst).
@Suite struct RingAtEndTests {
    @Test("a ring burst still sounding when the audio ends is not speech")
    func ringingAtTheEnd() {
        let plan = TonePlan.named("US")
        let rate = 8000
        // Two full rings and the third cut by the end of the file 0.35 s into its burst: the
        // voice detector's candidate from the burst's first frames is still open at the end.
        let endS = 0.5 + 2 * plan.periodS + 0.35
        var line = SignalBuilder(sampleRateHz: rate, durationS: endS)
        line.addRings(plan, count: 3, firstOnsetS: 0.5, peakDbfs: -15)
        // Noise 20 dB under the tone: the tone no longer predicts as a pure sine, so only the
        // tone detector tells it from a voice.
        var rng = SeededGenerator(seed: 9)
        line.addNoise(.pink, rmsDbfs: -38, rng: &rng)
        var agentSide = SignalBuilder(sampleRateHz: rate, durationS: endS)
        agentSide.addNoise(.pink, rmsDbfs: -60, rng: &rng)
        let agent = agentSide.samples
        var stereo = [Float](repeating: 0, count: 2 * line.samples.count)
        for i in line.samples.indices { stereo[2 * i] = agent[i]; stereo[2 * i + 1] = line.samples[i] }
        var analyzer = CallAnalyzer(sampleRateHz: rate, layout: .agentCustomer)
        stereo.withUnsafeBufferPointer { analyzer.process(interleaved: $0) }
        let analysis = analyzer.finish()
        #expect(analysis.segments.isEmpty, "tone taken for speech: \(analysis.segments.map { ($0.startS, $0.endS) })")
        #expect(analysis.ring?.answered == false)
    }
}
