import CallPulseCore
import Testing

/// The voice detector's background rules (issue 8), on observations made by hand: what a
/// frame needs before the party has spoken, and after.
@Suite struct FirstOnsetTests {
    /// A non-speech frame at `levelDbfs` over a floor at `floorDbfs`, unvoiced.
    static func background(_ levelDbfs: Double, floorDbfs: Double = -50) -> VoiceActivityDetector.Observation {
        .init(levelDbfs: levelDbfs, snrDb: levelDbfs - floorDbfs, explainedByLeak: false, predictionResidual: 0.5, voicing: 0.2)
    }

    /// A voiced frame (periodicity 0.8) at `levelDbfs`.
    static func voiced(_ levelDbfs: Double, floorDbfs: Double = -50) -> VoiceActivityDetector.Observation {
        .init(levelDbfs: levelDbfs, snrDb: levelDbfs - floorDbfs, explainedByLeak: false, predictionResidual: 0.5, voicing: 0.8)
    }

    /// Feeds `frames` and returns how many came out as speech (decisions of the pending
    /// frames included: the detector is flushed with quiet frames at the floor).
    static func speechFrames(_ detector: inout VoiceActivityDetector, _ frames: [VoiceActivityDetector.Observation]) -> Int {
        var count = 0
        for frame in frames where detector.process(frame)?.isSpeech == true { count += 1 }
        for _ in 0..<detector.delayFrames where detector.process(background(-50))?.isSpeech == true { count += 1 }
        return count
    }

    /// Babble-like background: levels swinging between -50 and -42 dBFS every 200 ms, at the
    /// pace of syllables, so its 85th percentile sits near -42 and its spread (measured on
    /// levels smoothed over 100 ms) is several dB, counted as `firstOnsetSpreadCapDb`.
    static let swingingBackground: [VoiceActivityDetector.Observation] = (0..<600).map { background(($0 / 20) % 2 == 0 ? -50 : -42) }

    /// Steady noise: frame levels alternating -47 and -45 dBFS (a 10 ms frame of noise
    /// varies), which smoothed over 100 ms hold within a fraction of a dB: no spread.
    static let steadyBackground: [VoiceActivityDetector.Observation] = (0..<600).map { background($0 % 2 == 0 ? -47 : -45) }

    @Test("before the party has spoken, a voiced peak 6 dB over a swinging background is not speech")
    func firstOnsetNeedsMoreThanTheBackgroundSwing() {
        let config = VoiceActivityDetector.Config()
        var detector = VoiceActivityDetector(config: config)
        _ = Self.speechFrames(&detector, Self.swingingBackground)
        // 6 dB over the 85th percentile: over the later-onset margin (3 dB), under the first
        // one (4 dB + 3 x 2 dB of spread = 10 dB). SNR 14 dB over the floor, two frames in a row.
        let peak = Array(repeating: Self.voiced(-36), count: 20)
        #expect(config.backgroundMarginDb < 6)
        #expect(config.firstOnsetMarginDb + config.firstOnsetSpreadFactor * config.firstOnsetSpreadCapDb > 6)
        #expect(Self.speechFrames(&detector, peak) == 0)
    }

    @Test("before the party has spoken, a voice well over a swinging background is speech")
    func firstOnsetOverTheBar() {
        var detector = VoiceActivityDetector()
        _ = Self.speechFrames(&detector, Self.swingingBackground)
        // 14 dB over the 85th percentile, 4 dB over the first-onset bar.
        let word = Array(repeating: Self.voiced(-28), count: 20)
        #expect(Self.speechFrames(&detector, word) >= 20)
    }

    @Test("before the party has spoken, steady noise asks only the first-onset margin")
    func steadyNoiseHasNoSpread() {
        let config = VoiceActivityDetector.Config()
        var detector = VoiceActivityDetector(config: config)
        _ = Self.speechFrames(&detector, Self.steadyBackground)
        // 6 dB over the 85th percentile (about -45): over 4 dB, under 4 + 3 x 2 dB.
        #expect(config.firstOnsetMarginDb < 6)
        #expect(Self.speechFrames(&detector, Array(repeating: Self.voiced(-39), count: 20)) >= 20)
    }

    @Test("once the party has spoken, the same peak starts speech again")
    func laterOnsetNeedsOnlyTheMargin() {
        var detector = VoiceActivityDetector()
        _ = Self.speechFrames(&detector, Self.swingingBackground)
        // A loud word sets the speech level (-20 dBFS, 30 dB over the floor) ...
        #expect(Self.speechFrames(&detector, Array(repeating: Self.voiced(-20), count: 30)) >= 30)
        _ = Self.speechFrames(&detector, Self.swingingBackground)
        // ... after which 6 dB over the background (and within 20 dB of the voice) is enough.
        #expect(Self.speechFrames(&detector, Array(repeating: Self.voiced(-36), count: 20)) >= 20)
    }

    @Test("speech from the first frame is not learned as background")
    func speechFromTheStart() {
        var detector = VoiceActivityDetector()
        // A voice at -38 dBFS, 12 dB over the floor (under the strong-onset SNR on its own,
        // over the onset SNR two frames in a row), from the very first frame, with quiet
        // unvoiced gaps at the floor between words.
        var frames: [VoiceActivityDetector.Observation] = []
        for _ in 0..<10 {
            frames += Array(repeating: Self.voiced(-38), count: 40)
            frames += Array(repeating: Self.background(-50), count: 20)
        }
        #expect(Self.speechFrames(&detector, frames) >= 9 * 40)
    }
}
