import CallPulseCore
import Testing

/// The party's first word needs a vowel's start, four voiced frames in a row; the voiced
/// peaks of babble on a line nobody has spoken on yet come and go sooner (issue 8).
@Suite struct FirstOnsetVoicedRunTests {
    static let noise = VoiceActivityDetector.Observation(levelDbfs: -50, snrDb: 0, explainedByLeak: false, predictionResidual: 0.5, voicing: 0)

    static func voiced(_ dbfs: Double) -> VoiceActivityDetector.Observation {
        VoiceActivityDetector.Observation(levelDbfs: dbfs, snrDb: dbfs + 50, explainedByLeak: false, predictionResidual: 0.3, voicing: 0.8)
    }

    /// Decisions (frame order) for: a second of line noise, ten voiced peaks of `peakFrames`
    /// frames 12 dB over it, then a word of 30 voiced frames at -30 dBFS, then noise.
    static func decisions(peakFrames: Int, config: VoiceActivityDetector.Config = .init()) -> (peaks: [Bool], word: [Bool]) {
        var detector = VoiceActivityDetector(config: config)
        var observations: [VoiceActivityDetector.Observation] = Array(repeating: noise, count: 100)
        for _ in 0..<10 {
            observations += Array(repeating: voiced(-38), count: peakFrames) + Array(repeating: noise, count: 20)
        }
        let wordStart = observations.count
        observations += Array(repeating: voiced(-30), count: 30) + Array(repeating: noise, count: 50)
        var out: [Bool] = []
        for observation in observations {
            if let decision = detector.process(observation) { out.append(decision) }
        }
        out += detector.flush()
        return (Array(out[100..<wordStart]), Array(out[wordStart..<(wordStart + 30)]))
    }

    @Test("voiced peaks of three frames on a silent line do not start speech; a word does, from its first frame")
    func shortPeaksAreNotAFirstWord() {
        let result = Self.decisions(peakFrames: 3)
        #expect(!result.peaks.contains(true))
        #expect(result.word.allSatisfy { $0 }, "\(result.word)")
    }

    @Test("the same peaks did start speech when one voiced frame was enough")
    func oneFrameWasEnough() {
        var config = VoiceActivityDetector.Config()
        config.firstOnsetVoicedFrames = 1
        #expect(Self.decisions(peakFrames: 3, config: config).peaks.contains(true))
    }

    @Test("peaks of four voiced frames do start speech")
    func fourFramesStart() {
        #expect(Self.decisions(peakFrames: 4).peaks.contains(true))
    }
}
