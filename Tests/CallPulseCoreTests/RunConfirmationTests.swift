import CallPulseCore
import Testing

/// A run of speech frames becomes a segment only once it reaches the background's own peak
/// (issue 8, `confirmOverPeakDb`): babble's voiced peaks start runs over the background's
/// 85th percentile, but rarely pass its loudest syllables; a close voice does.
@Suite struct RunConfirmationTests {
    typealias Observation = VoiceActivityDetector.Observation

    static func frame(_ levelDbfs: Double, floorDbfs: Double = -50, voicing: Double) -> Observation {
        .init(levelDbfs: levelDbfs, snrDb: levelDbfs - floorDbfs, explainedByLeak: false, predictionResidual: 0.5, voicing: voicing)
    }

    /// Background with syllable-like bursts: 100 ms at -36 dBFS every second, -50 dBFS
    /// between, unvoiced. Its 85th percentile (frame levels) stays near -50, so the onset
    /// bars (3-10 dB over it) let a voice at -40 start; its peak (the smoothed level's 97th
    /// percentile) lies near the bursts, about -38.
    static let burstyBackground: [Observation] = (0..<1000).map {
        frame($0 % 100 >= 50 && $0 % 100 < 60 ? -36 : -50, voicing: 0.2)
    }

    /// A voiced run of `frames` frames at `levelDbfs`.
    static func run(_ levelDbfs: Double, frames: Int = 40, floorDbfs: Double = -50) -> [Observation] {
        Array(repeating: frame(levelDbfs, floorDbfs: floorDbfs, voicing: 0.8), count: frames)
    }

    /// Feeds `frames` through a detector and a segmenter as the analyser does; returns the
    /// segments settled (the pending decisions flushed with 80 frames at the floor: hangover, delay and the 200 ms a gap needs to settle).
    static func segments(_ detector: inout VoiceActivityDetector, _ segmenter: inout SpeechSegmenter, _ frames: [Observation]) -> [Segment] {
        var settled: [Segment] = []
        for observation in frames + Array(repeating: frame(-50, voicing: 0.2), count: 80) {
            if let decision = detector.process(observation),
               let segment = segmenter.process(isSpeech: decision.isSpeech, confirms: decision.confirms) {
                settled.append(segment)
            }
        }
        return settled
    }

    @Test("after the party has spoken, a voiced run under the background's peak is no segment; over it, one")
    func laterRuns() {
        var detector = VoiceActivityDetector()
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .agent)
        #expect(Self.segments(&detector, &segmenter, Self.burstyBackground + Self.run(-20)).count == 1)
        _ = Self.segments(&detector, &segmenter, Self.burstyBackground)
        // 10 dB over the 85th percentile (over the 3 dB onset margin), 2 dB under the bursts.
        let quiet = Self.segments(&detector, &segmenter, Self.run(-40))
        #expect(quiet.isEmpty, "a run that never passes the background's peak: \(quiet)")
        let voice = Self.segments(&detector, &segmenter, Self.run(-30))
        #expect(voice.count == 1)
        #expect(voice.first.map { $0.lengthFrames >= 40 } == true)
    }

    @Test("before the party has spoken, a run must pass the peak by 4 dB, and it teaches no voice level until it does")
    func firstRun() {
        let config = VoiceActivityDetector.Config()
        var detector = VoiceActivityDetector(config: config)
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .agent)
        _ = Self.segments(&detector, &segmenter, Self.burstyBackground)
        // Just over the bursts (-35, about 3 dB over the peak), 16 dB over the floor: strong
        // enough to set a voice level, not enough to confirm a first word.
        #expect(config.firstConfirmOverPeakDb > 3)
        let faint = Self.segments(&detector, &segmenter, Self.run(-35, floorDbfs: -51))
        #expect(faint.isEmpty, "an unconfirmed first run: \(faint)")
        #expect(detector.speechLevelDbfs == -.infinity, "the unconfirmed run's voice level was put back")
        let word = Self.segments(&detector, &segmenter, Self.run(-28))
        #expect(word.count == 1)
        #expect(detector.speechLevelDbfs > -29)
    }
}
