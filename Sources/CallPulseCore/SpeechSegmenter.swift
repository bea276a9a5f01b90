/// Turns one party's per-frame speech decisions into speech segments (SPEC "Speech segment"
/// and "Edge cases": bridge gaps shorter than 200 ms first, then drop bursts shorter than
/// 100 ms), streaming, one 10 ms frame at a time.
///
/// Runs of speech frames and the gaps shorter than `bridgeGapFrames` between them form one
/// *candidate*. When a gap reaches `bridgeGapFrames` silent frames the candidate closes; it
/// becomes a segment when it spans at least `minBurstFrames` frames from its first to its last
/// speech frame (bridged gaps included). Because bridging comes first, two 60 ms bursts 50 ms
/// apart form one 170 ms segment instead of being dropped one by one.
///
/// Frames are numbered from 0 in call order. The state is a handful of integers: nothing is
/// allocated per frame.
public struct SpeechSegmenter: Sendable {
    /// The party whose segments this segmenter emits.
    public let party: Party
    /// Gaps shorter than this many frames are bridged (SPEC 200 ms = 20 frames).
    public let bridgeGapFrames: Int
    /// Candidates shorter than this many frames are dropped (SPEC 100 ms = 10 frames).
    public let minBurstFrames: Int

    /// Index of the next frame `process` will see.
    public private(set) var nextFrame = 0
    /// First speech frame of the open candidate, if any.
    private var candidateStart: Int?
    /// Last speech frame of the open candidate.
    private var lastSpeechFrame = -1
    /// The open candidate has a frame that confirms it (`VoiceActivityDetector.Decision.confirms`).
    private var candidateConfirmed = false

    public init(config: SegmentationConfig, party: Party) {
        precondition(config.bridgeGapS >= 0 && config.minBurstS >= 0, "segmentation times cannot be negative")
        self.party = party
        // A gap of one frame can always end a segment: with no bridging, any silence does.
        self.bridgeGapFrames = max(1, FrameClock.frames(config.bridgeGapS))
        self.minBurstFrames = FrameClock.frames(config.minBurstS)
    }

    /// Bounded decision delay, in frames: a segment is returned by the `process` call for its
    /// `settleDelayFrames`-th silent frame, that is for frame `segment.endFrame + settleDelayFrames - 1`
    /// (20 frames = 200 ms with the SPEC settings). Until then a gap could still be bridged.
    public var settleDelayFrames: Int { bridgeGapFrames }

    /// First frame of the candidate still open (speech heard, its end not yet settled), for a
    /// live view. It may still turn out to be a burst shorter than `minBurstFrames` and be dropped.
    /// Unconfirmed candidates are not shown.
    public var openSegmentStart: Int? { candidateConfirmed ? candidateStart : nil }

    /// Feeds the detector's decision for the next frame; returns a segment once it is final.
    /// A candidate becomes a segment only if one of its speech frames `confirms` it.
    public mutating func process(isSpeech: Bool, confirms: Bool = true) -> Segment? {
        let frame = nextFrame
        nextFrame += 1
        if isSpeech {
            if candidateStart == nil { candidateStart = frame }
            lastSpeechFrame = frame
            if confirms { candidateConfirmed = true }
            return nil
        }
        guard candidateStart != nil, frame - lastSpeechFrame >= bridgeGapFrames else { return nil }
        return closeCandidate()
    }

    /// Ends the stream: returns the open candidate if it is long enough to be speech.
    /// Frame numbering is not reset; further `process` calls continue after the last frame.
    public mutating func finish() -> Segment? {
        closeCandidate()
    }

    private mutating func closeCandidate() -> Segment? {
        guard let start = candidateStart else { return nil }
        candidateStart = nil
        let confirmed = candidateConfirmed
        candidateConfirmed = false
        let endFrame = lastSpeechFrame + 1
        guard endFrame - start >= minBurstFrames, confirmed else { return nil }
        return Segment(party: party, startFrame: start, endFrame: endFrame)
    }
}
