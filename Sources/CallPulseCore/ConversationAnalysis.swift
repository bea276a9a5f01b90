/// Conversation figures of SPEC "Definitions" computed from speech segments.
public struct ConversationFigures: Equatable, Sendable {
    public var talk: Summary.Talk
    public var greetingLatencyS: Double?
    public var pauses: [Pause]
    public var interruptions: [Interruption]
    public var backchannels: Summary.Backchannels
    public var turns: Summary.Turns
    public var responseLatency: Summary.ResponseLatency
    public var switchesPerMin: Double?

    public init(
        talk: Summary.Talk, greetingLatencyS: Double?, pauses: [Pause], interruptions: [Interruption],
        backchannels: Summary.Backchannels, turns: Summary.Turns, responseLatency: Summary.ResponseLatency,
        switchesPerMin: Double?
    ) {
        self.talk = talk
        self.greetingLatencyS = greetingLatencyS
        self.pauses = pauses
        self.interruptions = interruptions
        self.backchannels = backchannels
        self.turns = turns
        self.responseLatency = responseLatency
        self.switchesPerMin = switchesPerMin
    }
}

/// The conversation figures of SPEC "Definitions" and "Edge cases", from the speech segments
/// of a whole call. All arithmetic is on whole 10 ms frames, so every boundary decision is exact
/// (a 0.99 s silence is 99 frames); the thresholds of `ConversationConfig` are rounded to frames.
///
/// Decisions the SPEC leaves open, taken here:
/// - **Input.** Segments may come in any order; only the parties of `layout` are used (others are
///   ignored). Segments are clipped to the conversation window (speech before the answer does
///   not count; a segment running across the answer counts from the answer on). Overlapping or
///   touching segments of one party are merged.
/// - **Window.** From `windowStartFrame` to the end of the last (clipped) speech segment; with no
///   speech in it the window is empty: talk times 0, ratios `nil`, no pauses.
/// - **Abandoned call** (`answered == false`): analysed as an empty window: talk times 0,
///   `agent_share`/`agent_pct`/`customer_pct` `nil`, no pauses, no interruptions, backchannel
///   counts 0 (for the parties the layout hears), no turns, no response latency, switches `nil`.
/// - **Backchannel.** "A speaking at B's first and last frame" need not be one segment of A: a
///   short "mm" across A's own short pause is a backchannel too.
/// - **Turns.** Only segments that are not backchannels take part. They are taken in onset order
///   (ties: the one that ends first comes first, then agent before customer); a segment of the
///   party holding the floor extends its turn, a segment of the other party ends it and starts a
///   new turn. A turn runs from its first onset to the latest end of its segments, so the turn
///   of an interrupted party includes the speech it went on with under the interruption.
///   `turns.count` counts the turns of both parties; a party without any turn has a `nil`
///   longest monologue.
/// - **Response latency.** Every change of turn from customer to agent is a hand-over, an
///   interruption by the agent included: its latency is then negative (agent onset before the
///   customer's turn end). Median and p90 by `Percentile.linear` (linear interpolation between
///   closest ranks), rounded to 2 decimals.
/// - **Switches per minute.** Floor changes = turns − 1; per minute of the window; `nil` for an
///   empty window.
/// - **Pause parties.** When both parties stop on the pause's first frame, `before` is the one
///   holding the floor: the one whose segment is not a backchannel, else the later onset, else
///   the agent. When both start on its last frame, `after` is the one that is not a backchannel,
///   else the one that speaks longer, else the agent.
/// - **Interruption.** The interrupted party's current segment must itself not be a backchannel.
///   "Within A's last 0.5 s" covers A's last `handOverS` of frames, onset frame included: an onset
///   exactly 0.5 s before A's end is a smooth hand-over. "Simultaneous start" means B's onset less
///   than `simultaneousStartS` after A's onset, where A's segment began after a mutual silence
///   (or at the window start). `taken_floor`: A's segment ends at most `takenFloorS` after B's onset
///   and B's segment goes on past that end.
///   With the SPEC defaults these rules make the effective minimum overlap 0.51 s: an overlap of
///   exactly 0.50 s ending with A's segment is a smooth hand-over, and one ending with B's segment
///   inside A's is a backchannel (shorter than 1.0 s).
/// - **Layout `agent`** (headset microphone only): customer figures, `overlap_s`, `agent_share`,
///   `customer_pct`, interruptions, backchannels (neither party's can be known), turns, response
///   latency and switches are unknown (`nil`, empty or 0). `agent_s`, `agent_pct` (agent talk over
///   the window), `silence_s` (no agent speech), greeting latency and pauses (before and after
///   `agent`, kind `pause`) are computed.
/// - **Layout `mixed`**: `silence_s` and pauses (kind `pause`, parties `mixed`, dead air as usual)
///   only; every per-party figure is `nil`, empty or 0.
public enum ConversationAnalysis {
    public static func analyze(
        segments: [Segment], windowStartFrame: Int, layout: ChannelLayout, answered: Bool,
        config: ConversationConfig
    ) -> ConversationFigures {
        let limits = FrameLimits(config)
        let used = answered ? segments : []
        let parties = layout.parties
        var tracks: [Party: [Segment]] = [:]
        for party in parties {
            tracks[party] = prepared(used.filter { $0.party == party }, windowStartFrame: windowStartFrame)
        }
        let allSegments = parties.flatMap { tracks[$0] ?? [] }
        let windowEndFrame = allSegments.map(\.endFrame).max() ?? windowStartFrame
        let windowFrames = windowEndFrame - windowStartFrame

        let speech = union(of: allSegments)
        let speechFrames = speech.reduce(0) { $0 + $1.count }
        let silenceS = seconds(windowFrames - speechFrames)

        switch layout {
        case .mixed:
            return ConversationFigures(
                talk: Summary.Talk(
                    agentS: nil, customerS: nil, overlapS: nil, silenceS: silenceS,
                    agentShare: nil, agentPct: nil, customerPct: nil),
                greetingLatencyS: nil,
                pauses: pauses(in: speech, limits: limits, before: { _ in .mixed }, after: { _ in .mixed }),
                interruptions: [],
                backchannels: Summary.Backchannels(agent: nil, customer: nil),
                turns: Summary.Turns(count: 0, agentLongestMonologueS: nil, customerLongestMonologueS: nil),
                responseLatency: Summary.ResponseLatency(medianS: nil, p90S: nil, count: 0),
                switchesPerMin: nil
            )

        case .agentOnly:
            let agent = tracks[.agent] ?? []
            let agentFrames = agent.reduce(0) { $0 + $1.lengthFrames }
            return ConversationFigures(
                talk: Summary.Talk(
                    agentS: seconds(agentFrames), customerS: nil, overlapS: nil, silenceS: silenceS,
                    agentShare: nil, agentPct: ratio(agentFrames, windowFrames), customerPct: nil),
                greetingLatencyS: agent.first.map { seconds($0.startFrame - windowStartFrame) },
                pauses: pauses(in: speech, limits: limits, before: { _ in .agent }, after: { _ in .agent }),
                interruptions: [],
                backchannels: Summary.Backchannels(agent: nil, customer: nil),
                turns: Summary.Turns(count: 0, agentLongestMonologueS: nil, customerLongestMonologueS: nil),
                responseLatency: Summary.ResponseLatency(medianS: nil, p90S: nil, count: 0),
                switchesPerMin: nil
            )

        case .agentCustomer, .customerAgent:
            let call = TwoPartyCall(
                agent: tracks[.agent] ?? [], customer: tracks[.customer] ?? [],
                windowStartFrame: windowStartFrame, limits: limits)
            return call.figures(speech: speech, windowFrames: windowFrames, silenceS: silenceS)
        }
    }

    // MARK: - Shared steps

    /// Thresholds of `ConversationConfig` in whole frames.
    struct FrameLimits {
        let pauseMin: Int
        let deadAirMin: Int
        let backchannelMax: Int
        let interruptionMinOverlap: Int
        let interruptionMinHeld: Int
        let handOver: Int
        let takenFloor: Int
        let simultaneousStart: Int

        init(_ config: ConversationConfig) {
            pauseMin = FrameClock.frames(config.pauseMinS)
            deadAirMin = FrameClock.frames(config.deadAirMinS)
            backchannelMax = FrameClock.frames(config.backchannelMaxS)
            interruptionMinOverlap = FrameClock.frames(config.interruptionMinOverlapS)
            interruptionMinHeld = FrameClock.frames(config.interruptionMinHeldS)
            handOver = FrameClock.frames(config.handOverS)
            takenFloor = FrameClock.frames(config.takenFloorS)
            simultaneousStart = FrameClock.frames(config.simultaneousStartS)
        }
    }

    /// One party's segments clipped to the window, sorted, with overlapping or touching ones merged.
    static func prepared(_ segments: [Segment], windowStartFrame: Int) -> [Segment] {
        var result: [Segment] = []
        for segment in segments.sorted(by: { $0.startFrame < $1.startFrame }) where segment.endFrame > windowStartFrame {
            var clipped = segment
            clipped.startFrame = max(segment.startFrame, windowStartFrame)
            if let last = result.last, clipped.startFrame <= last.endFrame {
                result[result.count - 1].endFrame = max(last.endFrame, clipped.endFrame)
            } else {
                result.append(clipped)
            }
        }
        return result
    }

    /// Frames in which anybody speaks, as merged `start..<end` intervals in time order.
    static func union(of segments: [Segment]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for segment in segments.sorted(by: { $0.startFrame < $1.startFrame }) where segment.lengthFrames > 0 {
            if let last = result.last, segment.startFrame <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, segment.endFrame)
            } else {
                result.append(segment.startFrame..<segment.endFrame)
            }
        }
        return result
    }

    /// SPEC "Silence pause": mutual silences between speech of at least `pauseMin` frames. The
    /// silence before the first speech has no previous speaker and is not a pause.
    static func pauses(
        in speech: [Range<Int>], limits: FrameLimits,
        before: (_ silenceStartFrame: Int) -> Party, after: (_ silenceEndFrame: Int) -> Party
    ) -> [Pause] {
        guard speech.count > 1 else { return [] }
        var result: [Pause] = []
        for index in 1..<speech.count {
            let start = speech[index - 1].upperBound
            let end = speech[index].lowerBound
            guard end - start >= limits.pauseMin else { continue }
            let beforeParty = before(start)
            let afterParty = after(end)
            result.append(Pause(
                startFrame: start, endFrame: end, kind: beforeParty == afterParty ? .pause : .gap,
                before: beforeParty, after: afterParty, deadAir: end - start >= limits.deadAirMin))
        }
        return result
    }

    /// Index of the segment of `sorted` (ascending, non-overlapping) that contains `frame`.
    static func index(containing frame: Int, in sorted: [Segment]) -> Int? {
        var low = 0
        var high = sorted.count
        // First segment that starts after `frame`.
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle].startFrame <= frame { low = middle + 1 } else { high = middle }
        }
        guard low > 0, sorted[low - 1].contains(frame: frame) else { return nil }
        return low - 1
    }

    static func seconds(_ frames: Int) -> Double {
        roundedToHundredths(FrameClock.seconds(frames))
    }

    static func ratio(_ part: Int, _ whole: Int) -> Double? {
        whole > 0 ? roundedToHundredths(Double(part) / Double(whole)) : nil
    }
}

/// The figures that compare the two parties of a two-channel call.
private struct TwoPartyCall {
    /// A segment that does not take the floor: short, and inside the other party's speech.
    struct Labelled {
        var segment: Segment
        var isBackchannel: Bool
    }

    struct Turn {
        var party: Party
        var startFrame: Int
        var endFrame: Int
    }

    let agent: [Labelled]
    let customer: [Labelled]
    /// The same segments without labels, for the binary searches.
    let agentSegments: [Segment]
    let customerSegments: [Segment]
    let windowStartFrame: Int
    let limits: ConversationAnalysis.FrameLimits

    init(agent: [Segment], customer: [Segment], windowStartFrame: Int, limits: ConversationAnalysis.FrameLimits) {
        self.windowStartFrame = windowStartFrame
        self.limits = limits
        func label(_ own: [Segment], against other: [Segment]) -> [Labelled] {
            own.map { segment in
                let inside = segment.lengthFrames < limits.backchannelMax
                    && ConversationAnalysis.index(containing: segment.startFrame, in: other) != nil
                    && ConversationAnalysis.index(containing: segment.endFrame - 1, in: other) != nil
                return Labelled(segment: segment, isBackchannel: inside)
            }
        }
        self.agent = label(agent, against: customer)
        self.customer = label(customer, against: agent)
        self.agentSegments = agent
        self.customerSegments = customer
    }

    func track(_ party: Party) -> [Labelled] { party == .agent ? agent : customer }
    func segments(_ party: Party) -> [Segment] { party == .agent ? agentSegments : customerSegments }

    func figures(speech: [Range<Int>], windowFrames: Int, silenceS: Double) -> ConversationFigures {
        let agentFrames = agent.reduce(0) { $0 + $1.segment.lengthFrames }
        let customerFrames = customer.reduce(0) { $0 + $1.segment.lengthFrames }
        let overlapFrames = overlap()
        let talk = Summary.Talk(
            agentS: ConversationAnalysis.seconds(agentFrames),
            customerS: ConversationAnalysis.seconds(customerFrames),
            overlapS: ConversationAnalysis.seconds(overlapFrames),
            silenceS: silenceS,
            agentShare: ConversationAnalysis.ratio(agentFrames, agentFrames + customerFrames),
            agentPct: ConversationAnalysis.ratio(agentFrames, windowFrames),
            customerPct: ConversationAnalysis.ratio(customerFrames, windowFrames)
        )
        let turns = self.turns()
        var longest: [Party: Int] = [:]
        for turn in turns {
            longest[turn.party] = max(longest[turn.party] ?? 0, turn.endFrame - turn.startFrame)
        }
        var latencies: [Double] = []
        for index in turns.indices.dropFirst() where turns[index - 1].party == .customer && turns[index].party == .agent {
            latencies.append(Double(turns[index].startFrame - turns[index - 1].endFrame))
        }
        latencies.sort()
        func latency(_ fraction: Double) -> Double? {
            Percentile.linear(sortedValues: latencies, fraction: fraction).map {
                roundedToHundredths($0 / Double(FrameClock.framesPerSecond))
            }
        }
        let switches: Double? = windowFrames > 0
            ? roundedToHundredths(Double(max(0, turns.count - 1)) * Double(FrameClock.framesPerSecond * 60) / Double(windowFrames))
            : nil

        return ConversationFigures(
            talk: talk,
            greetingLatencyS: agent.first.map { ConversationAnalysis.seconds($0.segment.startFrame - windowStartFrame) },
            pauses: ConversationAnalysis.pauses(in: speech, limits: limits, before: lastSpeaker, after: nextSpeaker),
            interruptions: interruptions(),
            backchannels: Summary.Backchannels(
                agent: agent.filter(\.isBackchannel).count, customer: customer.filter(\.isBackchannel).count),
            turns: Summary.Turns(
                count: turns.count,
                agentLongestMonologueS: longest[.agent].map(ConversationAnalysis.seconds),
                customerLongestMonologueS: longest[.customer].map(ConversationAnalysis.seconds)),
            responseLatency: Summary.ResponseLatency(medianS: latency(0.5), p90S: latency(0.9), count: latencies.count),
            switchesPerMin: switches
        )
    }

    /// Frames in which both parties speak (both tracks are sorted and non-overlapping).
    func overlap() -> Int {
        var total = 0
        var a = 0
        var c = 0
        while a < agent.count && c < customer.count {
            let x = agent[a].segment
            let y = customer[c].segment
            total += max(0, min(x.endFrame, y.endFrame) - max(x.startFrame, y.startFrame))
            if x.endFrame <= y.endFrame { a += 1 } else { c += 1 }
        }
        return total
    }

    /// SPEC "Turn": see `ConversationAnalysis` for the ordering of simultaneous onsets.
    func turns() -> [Turn] {
        let floorTaking = (agent + customer).filter { !$0.isBackchannel }.map(\.segment).sorted {
            ($0.startFrame, $0.endFrame, $0.party) < ($1.startFrame, $1.endFrame, $1.party)
        }
        var turns: [Turn] = []
        for segment in floorTaking {
            if let last = turns.last, last.party == segment.party {
                turns[turns.count - 1].endFrame = max(last.endFrame, segment.endFrame)
            } else {
                turns.append(Turn(party: segment.party, startFrame: segment.startFrame, endFrame: segment.endFrame))
            }
        }
        return turns
    }

    /// The party that spoke last before a silence starting at `frame` (see the tie rule).
    func lastSpeaker(silenceStartFrame frame: Int) -> Party {
        let candidates = [Party.agent, .customer].compactMap { party -> (Party, Labelled)? in
            let own = track(party)
            guard let index = ConversationAnalysis.index(containing: frame - 1, in: segments(party)),
                  own[index].segment.endFrame == frame else { return nil }
            return (party, own[index])
        }
        return candidates.min { lhs, rhs in
            (lhs.1.isBackchannel ? 1 : 0, -lhs.1.segment.startFrame, lhs.0) < (rhs.1.isBackchannel ? 1 : 0, -rhs.1.segment.startFrame, rhs.0)
        }?.0 ?? .agent
    }

    /// The party that speaks first after a silence ending at `frame` (see the tie rule).
    func nextSpeaker(silenceEndFrame frame: Int) -> Party {
        let candidates = [Party.agent, .customer].compactMap { party -> (Party, Labelled)? in
            let own = track(party)
            guard let index = ConversationAnalysis.index(containing: frame, in: segments(party)),
                  own[index].segment.startFrame == frame else { return nil }
            return (party, own[index])
        }
        return candidates.min { lhs, rhs in
            (lhs.1.isBackchannel ? 1 : 0, -lhs.1.segment.endFrame, lhs.0) < (rhs.1.isBackchannel ? 1 : 0, -rhs.1.segment.endFrame, rhs.0)
        }?.0 ?? .agent
    }

    /// SPEC "Interruption", for both directions, in onset order.
    func interruptions() -> [Interruption] {
        var result: [Interruption] = []
        for party in [Party.agent, .customer] {
            let other = track(party.other)
            let otherSegments = segments(party.other)
            let ownSegments = segments(party)
            for labelled in track(party) where !labelled.isBackchannel {
                let b = labelled.segment
                guard let index = ConversationAnalysis.index(containing: b.startFrame, in: otherSegments),
                      !other[index].isBackchannel else { continue }
                let a = other[index].segment
                let heldFrames = b.startFrame - a.startFrame
                guard heldFrames >= limits.interruptionMinHeld else { continue }
                // Smooth hand-over: B's onset falls in A's last `handOver` frames.
                guard b.startFrame < a.endFrame - limits.handOver else { continue }
                let overlapFrames = min(a.endFrame, b.endFrame) - b.startFrame
                guard overlapFrames >= limits.interruptionMinOverlap else { continue }
                // Simultaneous start: A began after a mutual silence, B less than 0.3 s later.
                let aFollowsSilence = a.startFrame == windowStartFrame
                    || ConversationAnalysis.index(containing: a.startFrame - 1, in: ownSegments) == nil
                if aFollowsSilence && heldFrames < limits.simultaneousStart { continue }
                let takenFloor = a.endFrame - b.startFrame <= limits.takenFloor && b.endFrame > a.endFrame
                result.append(Interruption(
                    atFrame: b.startFrame, by: party, overlapFrames: overlapFrames, takenFloor: takenFloor))
            }
        }
        return result.sorted { ($0.atFrame, $0.by) < ($1.atFrame, $1.by) }
    }
}
