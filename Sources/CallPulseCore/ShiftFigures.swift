/// The shift figures of SPEC "Calls in a shift", from the calls' summaries: the one place
/// they are worked out (live `shift` line, `analyze --split-calls`). Keeps a few numbers per
/// call, not the summaries, so a long shift costs a few bytes a call.
public struct ShiftFigures: Equatable, Sendable {
    public var calls = 0
    public var answered = 0
    public var abandoned = 0
    /// Answered calls with at most `maxRings` rings (no ring: 0).
    public var answeredWithinRings = 0
    public var agentTalkS = 0.0
    public var customerTalkS = 0.0
    public var deadAirSilences = 0
    public var agentInterruptions = 0
    public var callsWithAlerts = 0
    /// Time in calls, s.
    public var inCallS = 0.0
    /// Length of the capture so far, s.
    public var shiftS = 0.0
    private var ringToAnswerS: [Double] = []
    private var agentShares: [Double] = []

    public init() {}

    /// Counts one call.
    public mutating func add(_ summary: Summary, maxRings: Int) {
        calls += 1
        let isAnswered = summary.ring?.answered ?? !summary.segments.isEmpty
        if isAnswered {
            answered += 1
            if (summary.ring?.rings ?? 0) <= maxRings { answeredWithinRings += 1 }
        } else {
            abandoned += 1
        }
        if let seconds = summary.ring?.ringToAnswerS { ringToAnswerS.append(seconds) }
        if let share = summary.talk.agentShare { agentShares.append(share) }
        agentTalkS += summary.talk.agentS ?? 0
        customerTalkS += summary.talk.customerS ?? 0
        deadAirSilences += summary.deadAirCount
        agentInterruptions += summary.interruptionCount(by: .agent)
        if !summary.alerts.isEmpty { callsWithAlerts += 1 }
        inCallS += summary.session.durationS
    }

    public var ringToAnswerMedianS: Double? { Percentile.linear(values: ringToAnswerS, fraction: 0.5) }
    public var ringToAnswerP90S: Double? { Percentile.linear(values: ringToAnswerS, fraction: 0.9) }
    public var agentShareMedian: Double? { Percentile.linear(values: agentShares, fraction: 0.5) }
    /// Share of answered calls answered within the ring limit; `nil` before any answer.
    public var answeredWithinRingsShare: Double? { answered > 0 ? Double(answeredWithinRings) / Double(answered) : nil }
    /// Time in calls / shift length; `nil` before any audio.
    public var occupancy: Double? { shiftS > 0 ? min(1, inCallS / shiftS) : nil }

    /// The figures as the `shift` object of an event line or of `--split-calls --json`.
    public var json: JSONValue {
        func number(_ value: Double?) -> JSONValue {
            guard let value, value.isFinite else { return .null }
            return .number(roundedToHundredths(value).description)
        }
        func integer(_ value: Int) -> JSONValue { .number(String(value)) }
        return .object([
            ("calls", integer(calls)), ("answered", integer(answered)), ("abandoned", integer(abandoned)),
            ("answered_within_rings", number(answeredWithinRingsShare)),
            ("ring_to_answer_median_s", number(ringToAnswerMedianS)), ("ring_to_answer_p90_s", number(ringToAnswerP90S)),
            ("agent_talk_s", number(agentTalkS)), ("customer_talk_s", number(customerTalkS)),
            ("agent_share_median", number(agentShareMedian)), ("dead_air_silences", integer(deadAirSilences)),
            ("agent_interruptions", integer(agentInterruptions)), ("calls_with_alerts", integer(callsWithAlerts)),
            ("in_call_s", number(inCallS)), ("shift_s", number(shiftS)), ("occupancy", number(occupancy)),
        ])
    }
}
