/// Something that happened during a live session (SPEC "Live output": an event line for
/// each ring, answer, pause, dead air, interruption and alert). `atS` is when it was
/// reported, in seconds of audio from the session's start.
public enum LiveEvent: Equatable, Sendable {
    case ring(atS: Double, rings: Int)
    case answer(atS: Double, answeredS: Double)
    /// A pause that has ended.
    case pause(atS: Double, Pause)
    /// The current silence has just become dead air; it started at `startS`.
    case deadAir(atS: Double, startS: Double)
    case interruption(atS: Double, Interruption)
    case alert(atS: Double, Alert)
    /// The capture lost about `lostS` seconds (overrun or suspend), counted as silence.
    case gap(atS: Double, lostS: Double)

    public var atS: Double {
        switch self {
        case .ring(let at, _), .answer(let at, _), .pause(let at, _), .deadAir(let at, _),
             .interruption(let at, _), .alert(let at, _), .gap(let at, _):
            at
        }
    }
}

/// Turns successive snapshots of a live session into events, each reported once, when it
/// can no longer change: a pause once the speech after it is certain, an interruption once
/// its `taken_floor` is known, an alert when its rule is first broken.
public struct EventTracker: Sendable {
    /// Frames to wait after a pause ends before reporting it: the segmenter's bridging
    /// delay, after which the speech that ended the pause cannot vanish as a short burst.
    let settleFrames: Int
    /// Frames after an interruption's onset by which `taken_floor` is decided (SPEC: 2 s),
    /// plus `settleFrames`.
    let interruptionSettleFrames: Int
    let deadAirMinFrames: Int

    private var reportedPauses = Set<Int>()
    private var reportedInterruptions = Set<Int>()
    private var reportedAlerts = Set<String>()
    private var deadAirReportedFor: Int?
    private var ringsReported = 0
    private var answerReported = false

    public init(conversation: ConversationConfig = ConversationConfig(), segmentation: SegmentationConfig = SegmentationConfig()) {
        settleFrames = max(1, FrameClock.frames(segmentation.bridgeGapS))
        interruptionSettleFrames = FrameClock.frames(conversation.takenFloorS) + settleFrames
        deadAirMinFrames = FrameClock.frames(conversation.deadAirMinS)
    }

    /// The events that became certain since the last update, in time order.
    public mutating func update(_ snapshot: LiveSnapshot) -> [LiveEvent] {
        let now = snapshot.decidedFrame
        let atS = FrameClock.seconds(now)
        let summary = snapshot.summary
        var events: [LiveEvent] = []
        if let ring = summary.ring {
            if ring.rings > ringsReported {
                ringsReported = ring.rings
                events.append(.ring(atS: atS, rings: ring.rings))
            }
            if let answered = ring.answeredS, !answerReported {
                answerReported = true
                events.append(.answer(atS: atS, answeredS: answered))
            }
        }
        if let start = snapshot.silenceStartFrame, now - start >= deadAirMinFrames, deadAirReportedFor != start,
           summary.segments.contains(where: { $0.endFrame <= start }) {
            // Only a silence after speech can be dead air (SPEC: silence before the first
            // speech is not a pause).
            deadAirReportedFor = start
            events.append(.deadAir(atS: atS, startS: FrameClock.seconds(start)))
        }
        for pause in summary.pauses where pause.endFrame + settleFrames <= now && !reportedPauses.contains(pause.startFrame) {
            reportedPauses.insert(pause.startFrame)
            events.append(.pause(atS: atS, pause))
        }
        for interruption in summary.interruptions
        where interruption.atFrame + interruptionSettleFrames <= now && !reportedInterruptions.contains(interruption.atFrame) {
            reportedInterruptions.insert(interruption.atFrame)
            events.append(.interruption(atS: atS, interruption))
        }
        // An alert that counts interruptions waits until those interruptions have been
        // reported, so that a reader never sees "interrupted 2 times" after only one event.
        let interruptionsPending = summary.interruptions.contains { !reportedInterruptions.contains($0.atFrame) }
        for alert in summary.alerts where !reportedAlerts.contains(Self.key(alert)) {
            if alert.rule == .agentInterruptions && interruptionsPending { continue }
            reportedAlerts.insert(Self.key(alert))
            events.append(.alert(atS: atS, alert))
        }
        return events
    }

    /// One alert per rule, except the per-channel rules, which are reported per channel.
    static func key(_ alert: Alert) -> String {
        alert.rule.rawValue + (alert.party.map { ":" + $0.rawValue } ?? "")
    }
}
