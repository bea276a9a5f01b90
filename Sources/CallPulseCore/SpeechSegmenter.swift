// TEMPORARY stand-in until the conv branch lands (same API).
public struct SpeechSegmenter: Sendable {
    public let party: Party
    let bridge: Int
    let minBurst: Int
    var frame = 0
    var start: Int?
    var lastSpeech = -1
    public var settleDelayFrames: Int { bridge }
    public var openSegmentStart: Int? { start }
    public init(config: SegmentationConfig, party: Party) {
        self.party = party
        bridge = FrameClock.frames(config.bridgeGapS)
        minBurst = FrameClock.frames(config.minBurstS)
    }
    public mutating func process(isSpeech: Bool) -> Segment? {
        defer { frame += 1 }
        if isSpeech {
            if start == nil { start = frame }
            lastSpeech = frame
            return nil
        }
        if let s = start, frame - lastSpeech >= bridge {
            start = nil
            if lastSpeech + 1 - s >= minBurst { return Segment(party: party, startFrame: s, endFrame: lastSpeech + 1) }
        }
        return nil
    }
    public mutating func finish() -> Segment? {
        guard let s = start else { return nil }
        start = nil
        return lastSpeech + 1 - s >= minBurst ? Segment(party: party, startFrame: s, endFrame: lastSpeech + 1) : nil
    }
}
