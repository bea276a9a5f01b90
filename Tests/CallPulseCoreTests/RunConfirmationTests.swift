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

    /// Background with syllable-like bursts: 100 ms at -40 dBFS every second, -50 dBFS
    /// between, unvoiced. Its 85th percentile (frame levels) stays near -50, so the onset
    /// bars (3-10 dB over it) let a voice at -45 start; its peak (the smoothed level's 97th
    /// percentile) lies near the bursts, about -41.5, and counts as -44 (6 dB over the
    /// 85th percentile).
    static let burstyBackground: [Observation] = (0..<1000).map {
        frame($0 % 100 >= 50 && $0 % 100 < 60 ? -40 : -50, voicing: 0.2)
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
        // The party speaks once at -30 dBFS: a voice down to -50 is within its onset range.
        #expect(Self.segments(&detector, &segmenter, Self.burstyBackground + Self.run(-30)).count == 1)
        _ = Self.segments(&detector, &segmenter, Self.burstyBackground)
        // 5 dB over the 85th percentile (over the 3 dB onset margin), under the bursts' peak;
        // 15 dB over the floor (onsets need 9).
        let quiet = Self.segments(&detector, &segmenter, Self.run(-45, floorDbfs: -60))
        #expect(quiet.isEmpty, "a run that never passes the background's peak: \(quiet)")
        let voice = Self.segments(&detector, &segmenter, Self.run(-30))
        #expect(voice.count == 1)
        #expect(voice.first.map { $0.lengthFrames >= 40 } == true)
    }

    @Test("a click of one to three frames is no segment, however loud; four frames of voice are one, and a short word stays when its vowel sounds like a tone starting")
    func clicks() {
        // A quiet line, then key presses 30 dB over it (periodic enough to pass the onset's
        // voicing bar: a click's ringing can be), each followed by the line: the hangover
        // stretches each to 100 ms, the shortest segment SPEC keeps.
        let quiet = Array(repeating: Self.frame(-50, voicing: 0.2), count: 300)
        for clickFrames in 1...3 {
            var detector = VoiceActivityDetector()
            var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .agent)
            var frames = quiet
            for _ in 0..<5 { frames += Array(repeating: Self.frame(-20, voicing: 0.8), count: clickFrames) + quiet }
            let found = Self.segments(&detector, &segmenter, frames)
            #expect(found.isEmpty, "\(clickFrames)-frame clicks: \(found)")
        }
        // A short voiced sound ("mm", 40 ms over the bar) after the same line still counts.
        var detector = VoiceActivityDetector()
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .agent)
        let found = Self.segments(&detector, &segmenter, quiet + Array(repeating: Self.frame(-20, voicing: 0.8), count: 4) + quiet)
        #expect(found.count == 1)
        // A short word whose steady vowel the tone detector hears as a tone starting 11 frames
        // after the word's onset, more than the look-back after the word passed its bar: the
        // word stays, though it confirms only at its fourth frame (its confirmation dates from
        // the frame that passed the bar).
        var wordDetector = VoiceActivityDetector()
        var wordSegmenter = SpeechSegmenter(config: SegmentationConfig(), party: .agent)
        let word = (0..<16).map { i in
            Observation(levelDbfs: -20, snrDb: 30, explainedByLeak: false, predictionResidual: 0.5,
                        voicing: 0.8, pendingToneDbfs: i >= 11 ? -20 : nil)
        }
        #expect(Self.segments(&wordDetector, &wordSegmenter, quiet + word + quiet).count == 1)
        // With the bar switched off, the clicks were segments.
        var config = VoiceActivityDetector.Config()
        config.minConfirmFrames = 1
        var before = VoiceActivityDetector(config: config)
        var beforeSegmenter = SpeechSegmenter(config: SegmentationConfig(), party: .agent)
        var frames = quiet
        for _ in 0..<5 { frames += [Self.frame(-20, voicing: 0.8), Self.frame(-20, voicing: 0.8)] + quiet }
        #expect(!Self.segments(&before, &beforeSegmenter, frames).isEmpty)
    }

    @Test("before the party has spoken, a run must pass the peak by 4 dB, and it teaches no voice level until it does")
    func firstRun() {
        let config = VoiceActivityDetector.Config()
        var detector = VoiceActivityDetector(config: config)
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .agent)
        _ = Self.segments(&detector, &segmenter, Self.burstyBackground)
        // Syllables at -38 and -46 dBFS by turns, 14-22 dB over the floor: the louder ones pass
        // the first-onset bar (4 dB plus three spreads over the 85th percentile, about -40) and
        // set a voice level, but smoothed over a syllable the run stays near -40.4, under the
        // peak as counted (-44) plus 4 dB.
        #expect(config.firstConfirmOverPeakDb > 3)
        let syllables = (0..<40).map { Self.frame($0 % 2 == 0 ? -38 : -46, floorDbfs: -60, voicing: 0.8) }
        let faint = Self.segments(&detector, &segmenter, syllables)
        #expect(faint.isEmpty, "an unconfirmed first run: \(faint)")
        #expect(detector.speechLevelDbfs == -.infinity, "the unconfirmed run's voice level was put back")
        let word = Self.segments(&detector, &segmenter, Self.run(-30))
        #expect(word.count == 1)
        #expect(detector.speechLevelDbfs > -31)
    }

    @Test("a loud stretch of noise does not keep a quiet voice out for long: the peak counts at most 6 dB over the background")
    func burstDoesNotLiftTheBarForLong() {
        let config = VoiceActivityDetector.Config()
        var detector = VoiceActivityDetector(config: config)
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .customer)
        let steady = Array(repeating: Self.frame(-50, voicing: 0.2), count: 300)
        // 1.5 s of unvoiced noise 12 dB over the line (not speech: no periodicity), learned as
        // background like the rest; then the party speaks once (-25 dBFS: a voice at -43 is
        // within its onset range).
        let burst = Array(repeating: Self.frame(-38, voicing: 0.2), count: 150)
        _ = Self.segments(&detector, &segmenter, steady + burst + steady + Self.run(-25) + steady + steady)
        // Six seconds after the burst its 97th percentile is still within a few dB of it;
        // the background's 85th percentile is back at the line (-50). A voice at -43 stands
        // 7 dB over the line: over the capped peak (-44), under the uncapped one.
        #expect(config.peakOverBackgroundCapDb < 7)
        let voice = Self.segments(&detector, &segmenter, Self.run(-43, floorDbfs: -55))
        #expect(voice.count == 1, "a quiet voice after a loud burst: \(voice)")
    }

    /// A ring tone starting `toneOnset` frames into nothing but noise: loud (-20 dBFS) and
    /// periodic. Its first tone block comes 6 frames after its onset (`pendingToneDbfs`), and the
    /// tone is known from 25 frames on (`toneAgeFrames`), as the analyser reports them.
    static func tone(frames: Int = 60, pending: Bool = true) -> [Observation] {
        (0..<frames).map { age in
            .init(levelDbfs: -20, snrDb: 30, explainedByLeak: false, predictionResidual: 0.5,
                  toneAgeFrames: age >= 25 ? age : nil, voicing: 0.8, pendingToneDbfs: pending && age >= 6 ? -20 : nil)
        }
    }

    @Test("a ring tone that begins inside a run of babble does not confirm it; a word confirmed before the tone stays")
    func toneOnsetConfirmsNoRun() {
        let syllables = (0..<40).map { Self.frame($0 % 2 == 0 ? -38 : -46, floorDbfs: -60, voicing: 0.8) }
        // Babble-like syllables under the first-word bar (as in `firstRun`), then the ring:
        // its onset lifts the level over every bar before the tone detector knows it.
        for pending in [true, false] {
            var detector = VoiceActivityDetector()
            var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .customer)
            _ = Self.segments(&detector, &segmenter, Self.burstyBackground)
            let found = Self.segments(&detector, &segmenter, syllables + Self.tone(pending: pending))
            if pending {
                #expect(found.isEmpty, "the tone's onset confirmed the run: \(found)")
                #expect(detector.speechLevelDbfs == -.infinity, "the unconfirmed run's voice level was put back")
            } else {
                // Without the tone detector's early word the onset does confirm it: what the test guards.
                #expect(found.count == 1)
            }
        }
        // A word confirmed well before the tone (more than the look-back) keeps its segment.
        var detector = VoiceActivityDetector()
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .customer)
        _ = Self.segments(&detector, &segmenter, Self.burstyBackground)
        let word = Self.segments(&detector, &segmenter, Self.run(-30) + Self.tone())
        #expect(word.count == 1, "a confirmed word before the ring: \(word)")
        #expect(word.first.map { $0.lengthFrames >= 40 } == true)
    }

    @Test("a tone in the background (a hum harmonic the tone detector hears in every pause) withholds no confirmation")
    func backgroundToneConfirmsAsBefore() {
        var detector = VoiceActivityDetector()
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .agent)
        _ = Self.segments(&detector, &segmenter, Self.burstyBackground)
        // The tone detector hears a tone at the line's level (-50 dBFS) all through the word.
        let word = Self.run(-30).map { frame -> Observation in
            var frame = frame
            frame.pendingToneDbfs = -50
            return frame
        }
        #expect(Self.segments(&detector, &segmenter, word).count == 1)
    }

    @Test("a ring's onset that confirmed a run and then lost it leaves no voice level behind, even when the run ended first")
    func retractedRunTeachesNoVoice() {
        var detector = VoiceActivityDetector()
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .customer)
        _ = Self.segments(&detector, &segmenter, Self.burstyBackground)
        // The ring's first two frames start and confirm a run; one frame that predicts to a
        // pure tone ends it; the tone detector's first block comes after that.
        var ring = Self.tone()
        ring[2].predictionResidual = 0.01
        let found = Self.segments(&detector, &segmenter, ring)
        #expect(found.isEmpty, "the ring's onset: \(found)")
        #expect(detector.speechLevelDbfs == -.infinity, "the ring taught a voice level of \(detector.speechLevelDbfs) dBFS")
        // Babble after the ring (syllables 6-8 dB over the line) is then judged as before anyone
        // spoke: no segment.
        let babble = (0..<200).map { Self.frame($0 % 20 < 12 ? -42 : -47, voicing: 0.6) }
        let after = Self.segments(&detector, &segmenter, babble)
        #expect(after.isEmpty, "babble after the ring: \(after)")
    }

    @Test("the answer right after a ring burst starts where the voice starts, not at the burst's onset")
    func answerRightAfterABurst() {
        var detector = VoiceActivityDetector()
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .customer)
        _ = Self.segments(&detector, &segmenter, Self.burstyBackground)
        // A 0.4 s burst (known from its 25th frame), then the voice 10 frames after the
        // detector last called the burst's frames speech: closer than the 200 ms the
        // segmenter bridges.
        let burst = Array(Self.tone(frames: 40))
        let found = Self.segments(&detector, &segmenter, burst + Self.run(-25, frames: 60))
        #expect(found.count == 1)
        // The voice begins at frame 40 of these; the look-back may add 8 frames before it.
        let start = (found.first?.startFrame ?? 0) - Self.burstyBackground.count - 80
        #expect(start >= 40 - 8, "the segment starts at frame \(start) of the burst")
    }

    @Test("inside speech, one loud frame that predicts like a tone (a vowel's steady cycle) is speech; two in a row are a tone")
    func residualBlipInsideSpeech() {
        func decisions(lowResidualFrames: [Int]) -> [Bool] {
            var detector = VoiceActivityDetector()
            var out: [Bool] = []
            var frames = Self.burstyBackground + Self.run(-30, frames: 60)
            for index in lowResidualFrames { frames[Self.burstyBackground.count + index].predictionResidual = 0.01 }
            for observation in frames + Array(repeating: Self.frame(-50, voicing: 0.2), count: 20) {
                if let decision = detector.process(observation) { out.append(decision.isSpeech) }
            }
            return Array(out[Self.burstyBackground.count..<(Self.burstyBackground.count + 60)])
        }
        // The voice stands 20 dB over the background: one such frame in the middle of the word.
        #expect(decisions(lowResidualFrames: [30])[30], "a single tone-like frame ended the word")
        let twice = decisions(lowResidualFrames: [30, 31])
        #expect(!twice[31], "two tone-like frames in a row are a tone")
    }
}
