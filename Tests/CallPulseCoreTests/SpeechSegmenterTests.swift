import Testing
@testable import CallPulseCore

/// SPEC "Speech segment" and "Edge cases": bridge gaps < 200 ms, then drop bursts < 100 ms,
/// each decision made exactly 20 frames after the last speech frame.
struct SpeechSegmenterTests {
    /// A frame pattern: runs of (isSpeech, frameCount).
    static func pattern(_ runs: [(Bool, Int)]) -> [Bool] {
        runs.flatMap { Array(repeating: $0.0, count: $0.1) }
    }

    /// Feeds `frames`, then finishes; returns each segment with the index of the frame whose
    /// `process` call returned it (`nil` when `finish` returned it).
    static func run(_ frames: [Bool], party: Party = .agent) -> [(segment: Segment, emittedAt: Int?)] {
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: party)
        var result: [(segment: Segment, emittedAt: Int?)] = []
        for (index, isSpeech) in frames.enumerated() {
            if let segment = segmenter.process(isSpeech: isSpeech) { result.append((segment, index)) }
        }
        if let segment = segmenter.finish() { result.append((segment, nil)) }
        return result
    }

    @Test func specSettingsInFrames() {
        let segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .customer)
        #expect(segmenter.bridgeGapFrames == 20)
        #expect(segmenter.minBurstFrames == 10)
        #expect(segmenter.settleDelayFrames == 20)
    }

    @Test func gapOf19FramesIsBridged() {
        let frames = Self.pattern([(true, 15), (false, 19), (true, 15), (false, 30)])
        let segments = Self.run(frames).map(\.segment)
        #expect(segments == [Segment(party: .agent, startFrame: 0, endFrame: 49)])
    }

    @Test func gapOf20FramesSplits() {
        let frames = Self.pattern([(true, 15), (false, 20), (true, 15), (false, 30)])
        let segments = Self.run(frames).map(\.segment)
        #expect(segments == [
            Segment(party: .agent, startFrame: 0, endFrame: 15),
            Segment(party: .agent, startFrame: 35, endFrame: 50),
        ])
    }

    @Test(arguments: [(9, false), (10, true)])
    func burstLength(frames burstFrames: Int, kept: Bool) {
        let frames = Self.pattern([(false, 5), (true, burstFrames), (false, 30)])
        let segments = Self.run(frames, party: .customer).map(\.segment)
        #expect(segments == (kept ? [Segment(party: .customer, startFrame: 5, endFrame: 5 + burstFrames)] : []))
    }

    @Test func bridgingComesBeforeDropping() {
        // Two 6-frame bursts (each too short alone) 5 frames apart: one 17-frame segment.
        let frames = Self.pattern([(false, 3), (true, 6), (false, 5), (true, 6), (false, 40)])
        let segments = Self.run(frames).map(\.segment)
        #expect(segments == [Segment(party: .agent, startFrame: 3, endFrame: 20)])
    }

    @Test func segmentIsEmittedOnTheTwentiethSilentFrame() {
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .agent)
        for _ in 0..<10 { #expect(segmenter.process(isSpeech: true) == nil) }
        // Frames 10…28 are the first 19 silent frames: the gap could still be bridged.
        for _ in 10..<29 { #expect(segmenter.process(isSpeech: false) == nil) }
        #expect(segmenter.nextFrame == 29)
        let segment = segmenter.process(isSpeech: false)
        #expect(segment == Segment(party: .agent, startFrame: 0, endFrame: 10))
        // Emitted for frame endFrame + settleDelayFrames - 1.
        #expect(segmenter.nextFrame - 1 == 10 + segmenter.settleDelayFrames - 1)
        #expect(segmenter.finish() == nil)
    }

    @Test func emissionFrameForSeveralSegments() {
        // Segments end at frames 12 and 67; each is returned 19 frames after its end frame.
        let frames = Self.pattern([(true, 12), (false, 25), (true, 30), (false, 20)])
        let emitted = Self.run(frames)
        #expect(emitted.count == 2)
        #expect(emitted.map(\.emittedAt) == [12 + 19, 67 + 19])
    }

    @Test func finishFlushesTheOpenSegment() {
        let frames = Self.pattern([(false, 4), (true, 12), (false, 5)])
        let emitted = Self.run(frames)
        #expect(emitted.count == 1)
        #expect(emitted.first?.segment == Segment(party: .agent, startFrame: 4, endFrame: 16))
        #expect(emitted.first?.emittedAt == nil)
    }

    @Test func finishDropsAShortBurstAndIsIdempotent() {
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .agent)
        for _ in 0..<9 { _ = segmenter.process(isSpeech: true) }
        #expect(segmenter.finish() == nil)
        #expect(segmenter.finish() == nil)
        #expect(segmenter.openSegmentStart == nil)
    }

    @Test func openSegmentStartFollowsTheCandidate() {
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .agent)
        for _ in 0..<3 { _ = segmenter.process(isSpeech: false) }
        #expect(segmenter.openSegmentStart == nil)
        for _ in 0..<15 { _ = segmenter.process(isSpeech: true) }
        #expect(segmenter.openSegmentStart == 3)
        for _ in 0..<19 { _ = segmenter.process(isSpeech: false) }
        #expect(segmenter.openSegmentStart == 3)
        _ = segmenter.process(isSpeech: false)
        #expect(segmenter.openSegmentStart == nil)
    }
}

/// Run confirmation (issue 8): a candidate becomes a segment only if one of its speech frames
/// confirms it; bridged runs share the confirmation, and the live view does not show an
/// unconfirmed candidate.
struct SpeechSegmenterConfirmationTests {
    static func run(_ frames: [(isSpeech: Bool, confirms: Bool)]) -> (segments: [Segment], openStarts: [Int?]) {
        var segmenter = SpeechSegmenter(config: SegmentationConfig(), party: .agent)
        var segments: [Segment] = []
        var openStarts: [Int?] = []
        for frame in frames {
            if let segment = segmenter.process(isSpeech: frame.isSpeech, confirms: frame.confirms) { segments.append(segment) }
            openStarts.append(segmenter.openSegmentStart)
        }
        if let segment = segmenter.finish() { segments.append(segment) }
        return (segments, openStarts)
    }

    static func frames(_ count: Int, speech: Bool, confirms: Bool = false) -> [(isSpeech: Bool, confirms: Bool)] {
        Array(repeating: (speech, confirms), count: count)
    }

    @Test func unconfirmedCandidateIsDropped() {
        let result = Self.run(Self.frames(50, speech: true) + Self.frames(30, speech: false))
        #expect(result.segments.isEmpty)
        #expect(result.openStarts.allSatisfy { $0 == nil })
    }

    @Test func oneConfirmingFrameKeepsTheBridgedCandidate() {
        // Run 1 unconfirmed, a 10-frame gap (bridged), run 2 confirmed on its 5th frame.
        let frames = Self.frames(20, speech: true) + Self.frames(10, speech: false)
            + Self.frames(4, speech: true) + Self.frames(1, speech: true, confirms: true) + Self.frames(15, speech: true)
            + Self.frames(30, speech: false)
        let result = Self.run(frames)
        #expect(result.segments == [Segment(party: .agent, startFrame: 0, endFrame: 50)])
        #expect(result.openStarts[33] == nil)
        #expect(result.openStarts[34] == 0)
    }

    @Test func confirmationDoesNotCarryToTheNextCandidate() {
        let frames = Self.frames(20, speech: true, confirms: true) + Self.frames(25, speech: false)
            + Self.frames(20, speech: true) + Self.frames(25, speech: false)
        #expect(Self.run(frames).segments == [Segment(party: .agent, startFrame: 0, endFrame: 20)])
    }
}
