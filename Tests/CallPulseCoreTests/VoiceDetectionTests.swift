import CallPulseTestSupport
import CallPulseCore
import Testing

/// The frame pipeline's voice detection on generated signals with known truth
/// (issue 2: levels, steady noise, hum and tones, noise at a set SNR, level steps,
/// leakage of the other party, background voices).
@Suite struct VoiceDetectionTests {
    /// Utterances placed in a 30 s mono call: (start s, length s).
    static let placements: [(Double, Double)] = [(1.0, 2.4), (5.2, 1.1), (8.0, 3.6), (14.5, 0.6), (17.0, 4.2), (24.0, 2.0)]

    static func placedCall(
        rate: Int, speechDbfs: Double, noise: (inout SignalGenerator, Double) -> [Float], seconds: Double = 30
    ) -> (samples: [Float], truth: [Segment]) {
        var generator = SignalGenerator(sampleRateHz: rate)
        var track = SignalBuilder(sampleRateHz: rate, durationS: seconds)
        track.add(noise(&generator, seconds), at: 0)
        var truth: [Segment] = []
        for (start, length) in placements {
            track.add(generator.utterance(seconds: length, dbfs: speechDbfs), at: start)
            truth.append(Segment(party: .agent, startS: start, endS: start + length))
        }
        return (track.samples, truth)
    }

    @Test("speech is found from -35 to -8 dBFS at 8, 16 and 48 kHz", arguments: [-35.0, -20.0, -8.0], [8000, 16000, 48000])
    func speechAtLevels(speechDbfs: Double, rate: Int) {
        let call = Self.placedCall(rate: rate, speechDbfs: speechDbfs) { generator, seconds in
            generator.whiteNoise(seconds: seconds, dbfs: -75)
        }
        let analysis = analyze([call.samples], sampleRateHz: rate, layout: .agentOnly)
        let score = SpeechScore(detected: analysis.segments, truth: call.truth, party: .agent, frames: 3000)
        #expect(score.f1 >= 0.95, "F1 \(score.f1) precision \(score.precision) recall \(score.recall)")
        let speechLevel = analysis.levels[0].speechDbfs ?? -200
        #expect(abs(speechLevel - speechDbfs) < 1.5, "speech level \(speechLevel) dBFS for speech placed at \(speechDbfs)")
    }

    @Test("speech in white and pink noise at 20 and 12 dB SNR", arguments: [20.0, 12.0], [false, true])
    func speechInNoise(snrDb: Double, pink: Bool) {
        let speechDbfs = -20.0
        let call = Self.placedCall(rate: 8000, speechDbfs: speechDbfs) { generator, seconds in
            pink ? generator.pinkNoise(seconds: seconds, dbfs: speechDbfs - snrDb)
                : generator.whiteNoise(seconds: seconds, dbfs: speechDbfs - snrDb)
        }
        let analysis = analyze([call.samples], sampleRateHz: 8000, layout: .agentOnly)
        let score = SpeechScore(detected: analysis.segments, truth: call.truth, party: .agent, frames: 3000)
        #expect(score.f1 >= (snrDb >= 20 ? 0.95 : 0.9), "F1 \(score.f1) precision \(score.precision) recall \(score.recall)")
        // SPEC's noise level is the 10th-percentile frame: at the mean for steady white
        // noise, a few dB under it for pink noise, whose frame levels spread wider.
        let noise = analysis.levels[0].noiseDbfs ?? 0
        let placed = speechDbfs - snrDb
        #expect(noise <= placed + 1 && noise >= placed - (pink ? 6 : 2), "noise floor \(noise) dBFS, placed at \(placed)")
    }

    enum Steady: String, CaseIterable, CustomTestStringConvertible {
        case whiteNoise, pinkNoise, hum50, hum60, dialTone425, dialTone350And440, ringback425, ringback440And480, busyTone

        var testDescription: String { rawValue }

        func signal(_ generator: inout SignalGenerator, seconds: Double) -> [Float] {
            let rate = generator.sampleRateHz
            func cadence(_ tone: [Float], on: Double, off: Double) -> [Float] {
                let period = generator.sampleCount(on + off)
                let onSamples = generator.sampleCount(on)
                return tone.enumerated().map { $0.offset % period < onSamples ? $0.element : 0 }
            }
            switch self {
            case .whiteNoise: return generator.whiteNoise(seconds: seconds, dbfs: -30)
            case .pinkNoise: return generator.pinkNoise(seconds: seconds, dbfs: -30)
            case .hum50: return generator.hum(seconds: seconds, dbfs: -20)
            case .hum60: return generator.hum(seconds: seconds, dbfs: -20, mainsHz: 60)
            case .dialTone425: return generator.tones([425], seconds: seconds, dbfs: -15)
            case .dialTone350And440: return generator.tones([350, 440], seconds: seconds, dbfs: -15)
            case .ringback425: return cadence(generator.tones([425], seconds: seconds, dbfs: -15), on: 1, off: 4)
            case .ringback440And480: return cadence(generator.tones([440, 480], seconds: seconds, dbfs: -15), on: 2, off: 4)
            case .busyTone: return cadence(generator.tones([425], seconds: seconds, dbfs: -15), on: 0.5, off: 0.5)
            }
            _ = rate
        }
    }

    @Test("steady noise, hum and tones are not speech", arguments: Steady.allCases)
    func steadySignalsAreNotSpeech(kind: Steady) {
        var generator = SignalGenerator(sampleRateHz: 8000)
        var track = SignalBuilder(sampleRateHz: 8000, durationS: 20)
        track.add(generator.whiteNoise(seconds: 20, dbfs: -70), at: 0)
        track.add(kind.signal(&generator, seconds: 18), at: 1)
        let analysis = analyze([track.samples], sampleRateHz: 8000, layout: .agentOnly)
        let speechS = analysis.segments.reduce(0.0) { $0 + $1.durationS }
        // A steady signal that starts is allowed one onset blip while the floor settles: at
        // most the steadiness window plus its smoothing and the hangover (0.63 s).
        let settleS = Double(NoiseFloorTracker.steadyFrames + NoiseFloorTracker.steadySmoothingFrames
            + VoiceActivityDetector.Config().hangoverFrames) / 100
        #expect(analysis.segments.count <= 1 && speechS <= settleS, "\(kind): \(speechS) s called speech: \(analysis.segments.map { ($0.startS, $0.endS) })")
    }

    @Test("speech over a steady tone in the ringing band (a hum harmonic the tone detector holds) is found",
          arguments: [400.0, 450.0], [10.0, 14.0])
    func speechOverAToneHeldAllThrough(toneHz: Double, underDb: Double) {
        // The tone sounds through the whole call, `underDb` under the speech (the generated
        // calls' hum at 10-14 dB SNR puts one harmonic in the ringing band). The tone detector
        // holds it between the words and through the softer ones: frames that stand 6 dB over
        // the tone's own level are the voice, and their segments are no tone.
        let speechDbfs = -22.0
        let call = Self.placedCall(rate: 8000, speechDbfs: speechDbfs) { generator, seconds in
            let tone = generator.tones([toneHz], seconds: seconds, dbfs: speechDbfs - underDb)
            let hiss = generator.whiteNoise(seconds: seconds, dbfs: -70)
            return zip(tone, hiss).map { $0 + $1 }
        }
        let analysis = analyze([call.samples], sampleRateHz: 8000, layout: .agentOnly)
        let score = SpeechScore(detected: analysis.segments, truth: call.truth, party: .agent, frames: 3000)
        #expect(score.f1 >= 0.9, "F1 \(score.f1) precision \(score.precision) recall \(score.recall)")
    }

    @Test("a 30 dB step in the background noise is not speech for long")
    func noiseStep() {
        var generator = SignalGenerator(sampleRateHz: 8000)
        var track = SignalBuilder(sampleRateHz: 8000, durationS: 20)
        track.add(generator.pinkNoise(seconds: 20, dbfs: -70), at: 0)
        track.add(generator.pinkNoise(seconds: 12, dbfs: -40), at: 6)
        let analysis = analyze([track.samples], sampleRateHz: 8000, layout: .agentOnly)
        let speechS = analysis.segments.reduce(0.0) { $0 + $1.durationS }
        let settleS = Double(NoiseFloorTracker.steadyFrames + NoiseFloorTracker.steadySmoothingFrames
            + VoiceActivityDetector.Config().hangoverFrames) / 100
        #expect(analysis.segments.count <= 1 && speechS <= settleS, "\(speechS) s of the noise step called speech")
    }

    @Test("the other party's leak is not speech", arguments: [-15.0, -25.0, -35.0], [0.0, 0.02, 0.06])
    func leakageIsNotSpeech(leakDb: Double, delayS: Double) {
        let rate = 8000
        let seconds = 40.0
        var generator = SignalGenerator(sampleRateHz: rate, seed: 7)
        var agentVoice = SignalBuilder(sampleRateHz: rate, durationS: seconds)
        var customerVoice = SignalBuilder(sampleRateHz: rate, durationS: seconds)
        var truth: [Segment] = []
        // Turns alternate with gaps; the agent talks first and most.
        let turns: [(Party, Double, Double)] = [
            (.agent, 0.5, 4.0), (.customer, 5.2, 2.5), (.agent, 8.4, 6.0), (.customer, 15.1, 3.0),
            (.agent, 19.0, 5.0), (.customer, 24.6, 1.5), (.agent, 27.0, 7.5), (.customer, 35.0, 3.5),
        ]
        for (party, start, length) in turns {
            let voice = generator.utterance(seconds: length, dbfs: -18, pitchHz: party == .agent ? 170...260 : 90...150)
            if party == .agent { agentVoice.add(voice, at: start) } else { customerVoice.add(voice, at: start) }
            truth.append(Segment(party: party, startS: start, endS: start + length))
        }
        let gain = Float(Double.exp10(leakDb / 20))
        var agentChannel = SignalBuilder(sampleRateHz: rate, durationS: seconds)
        var customerChannel = SignalBuilder(sampleRateHz: rate, durationS: seconds)
        agentChannel.add(generator.whiteNoise(seconds: seconds, dbfs: -68), at: 0)
        customerChannel.add(generator.whiteNoise(seconds: seconds, dbfs: -68), at: 0)
        agentChannel.add(agentVoice.samples, at: 0)
        agentChannel.add(customerVoice.samples, at: delayS, gain: gain)
        customerChannel.add(customerVoice.samples, at: 0)
        customerChannel.add(agentVoice.samples, at: delayS, gain: gain)
        let analysis = analyze([agentChannel.samples, customerChannel.samples], sampleRateHz: rate, layout: .agentCustomer)
        for party in [Party.agent, .customer] {
            let score = SpeechScore(detected: analysis.segments, truth: truth, party: party, frames: 4000)
            #expect(score.f1 >= 0.95, "\(party) F1 \(score.f1) precision \(score.precision) recall \(score.recall), leak \(leakDb) dB, delay \(delayS) s")
        }
    }

    @Test("a voice at the next desk, 25 dB down, is noise")
    func backgroundVoiceIsNoise() {
        let rate = 8000
        var generator = SignalGenerator(sampleRateHz: rate, seed: 11)
        var track = SignalBuilder(sampleRateHz: rate, durationS: 30)
        track.add(generator.whiteNoise(seconds: 30, dbfs: -70), at: 0)
        var truth: [Segment] = []
        for (start, length) in [(1.0, 3.0), (9.0, 2.5), (18.0, 4.0), (26.0, 2.0)] {
            track.add(generator.utterance(seconds: length, dbfs: -18), at: start)
            truth.append(Segment(party: .agent, startS: start, endS: start + length))
        }
        // The colleague talks in the agent's pauses.
        for (start, length) in [(4.8, 3.5), (12.5, 4.5), (23.0, 2.5)] {
            track.add(generator.utterance(seconds: length, dbfs: -43, pitchHz: 190...280), at: start)
        }
        let analysis = analyze([track.samples], sampleRateHz: rate, layout: .agentOnly)
        let score = SpeechScore(detected: analysis.segments, truth: truth, party: .agent, frames: 3000)
        #expect(score.f1 >= 0.95, "F1 \(score.f1) precision \(score.precision) recall \(score.recall)")
    }

    @Test("clipping is counted per channel")
    func clipping() {
        let rate = 8000
        let generator = SignalGenerator(sampleRateHz: rate)
        // A full-scale sine with 2x gain: it sits at ±1 for a third of each period.
        let loud = generator.tones([300], seconds: 2, dbfs: 3).map { max(-1, min(1, $0)) }
        let clippedFraction = Double(loud.filter { abs($0) >= 0.999 }.count) / Double(loud.count)
        let analysis = analyze([loud], sampleRateHz: rate, layout: .agentOnly)
        #expect(abs(analysis.levels[0].clippedRatio - clippedFraction) < 1e-5)
        #expect(clippedFraction > 0.2)
    }

    @Test("samples so large their energy overflows do not trap the analysis")
    func overflowingSamples() {
        let huge = (0..<8000).map { Float($0 % 2 == 0 ? 1e30 : -1e30) }
        let analysis = analyze([huge], sampleRateHz: 8000, layout: .agentOnly)
        #expect(analysis.levels.count == 1)
        #expect(analysis.levels[0].clippedRatio == 1)
    }

    @Test("digital silence (padding, a muted line) does not count as the noise floor")
    func digitalSilenceIsNotNoise() {
        var generator = SignalGenerator(sampleRateHz: 8000, seed: 3)
        var track = SignalBuilder(sampleRateHz: 8000, durationS: 30)
        // 10 s of a call with noise at -60 dBFS, then 20 s of exact zeros.
        track.add(generator.whiteNoise(seconds: 10, dbfs: -60), at: 0)
        track.add(generator.utterance(seconds: 3, dbfs: -20), at: 2)
        let analysis = analyze([track.samples], sampleRateHz: 8000, layout: .agentOnly)
        let noise = analysis.levels[0].noiseDbfs ?? 0
        #expect(abs(noise - -60) < 2, "noise \(noise) dBFS; the placed noise is -60 dBFS")
    }
}
