/// A supervisor's review of stored sessions: figures per agent over a period and the calls
/// most in need of a listen. Values only; `ReportTextRenderer` and `HTMLReportRenderer` draw it.
public struct Report: Equatable, Sendable {
    public var agents: [AgentReport]
    public var limits: AlertLimits

    /// Median and 90th percentile of one figure over the calls that have it
    /// (`Percentile.linear`, the same method as the summary's response latency).
    public struct Spread: Equatable, Sendable {
        public var medianValue: Double?
        public var p90Value: Double?
        /// Calls that had the figure.
        public var count: Int

        /// Figures worked out elsewhere (the team store computes them in SQL).
        public init(medianValue: Double?, p90Value: Double?, count: Int) {
            self.medianValue = medianValue
            self.p90Value = p90Value
            self.count = count
        }

        public init(_ values: [Double]) {
            let sorted = values.sorted()
            medianValue = Percentile.linear(sortedValues: sorted, fraction: 0.5)
            p90Value = Percentile.linear(sortedValues: sorted, fraction: 0.9)
            count = sorted.count
        }
    }

    /// How many of the calls that can tell kept to a rule.
    public struct Share: Equatable, Sendable {
        public var kept: Int
        /// Calls the share is taken over (those where the figure is known).
        public var total: Int

        public init(kept: Int, total: Int) {
            self.kept = kept
            self.total = total
        }

        /// `kept / total`, `nil` when no call could tell.
        public var ratio: Double? { total == 0 ? nil : Double(kept) / Double(total) }
    }

    /// A call worth a listen, and why.
    public struct ReviewItem: Equatable, Sendable {
        public var sessionID: String
        public var startedAt: String?
        public var path: String
        /// The alert messages, in the summary's order.
        public var reasons: [String]
        /// How far past their limits the broken rules are, added up (ranking only).
        public var severity: Double

        public init(sessionID: String, startedAt: String?, path: String, reasons: [String], severity: Double) {
            self.sessionID = sessionID
            self.startedAt = startedAt
            self.path = path
            self.reasons = reasons
            self.severity = severity
        }
    }

    public struct AgentReport: Equatable, Sendable {
        /// `nil`: sessions stored without `--agent`.
        public var agent: String?
        public var calls: Int
        /// Calls with at least one alert.
        public var flaggedCalls: Int
        /// Over calls answered after ringing (`ring_to_answer_s` known).
        public var ringToAnswerS: Spread
        /// `agent_share` over calls where both parties were heard.
        public var agentShare: Spread
        /// Each call's median response latency; the p90 is the 90th percentile of those
        /// medians: the slow calls, not the slowest moment.
        public var responseLatencyS: Spread
        /// Answered with no more rings than the limit, over calls where ringing was heard.
        public var answeredWithinRingLimit: Share
        /// No dead air, over calls with a conversation (not abandoned).
        public var withoutDeadAir: Share
        /// No interruption by the agent, over conversations with both parties on their own channel.
        public var withoutAgentInterruptions: Share
        /// The calls most in need of review, worst first.
        public var review: [ReviewItem]
        /// Calls cut out of shifts (`session.call` set): how many, their time, and the
        /// shifts' spans, each from its first call's start to its last call's end (the store
        /// keeps calls, not the idle before the first or after the last).
        public var shiftCalls = 0
        public var inCallS = 0.0
        public var shiftSpanS = 0.0

        /// Time in calls / shift time, over the agent's shifts; `nil` without any.
        public var occupancy: Double? { shiftSpanS > 0 ? min(1, inCallS / shiftSpanS) : nil }
        /// Calls per hour of shift; `nil` without any shift.
        public var callsPerHour: Double? { shiftSpanS > 0 ? Double(shiftCalls) / (shiftSpanS / 3600) : nil }

        /// The name to print: the agent, or `(no agent)`.
        public var displayName: String { agent ?? Report.noAgentLabel }

        public init(
            agent: String?, calls: Int, flaggedCalls: Int, ringToAnswerS: Spread, agentShare: Spread, responseLatencyS: Spread,
            answeredWithinRingLimit: Share, withoutDeadAir: Share, withoutAgentInterruptions: Share, review: [ReviewItem],
            shiftCalls: Int = 0, inCallS: Double = 0, shiftSpanS: Double = 0
        ) {
            self.shiftCalls = shiftCalls
            self.inCallS = inCallS
            self.shiftSpanS = shiftSpanS
            self.agent = agent
            self.calls = calls
            self.flaggedCalls = flaggedCalls
            self.ringToAnswerS = ringToAnswerS
            self.agentShare = agentShare
            self.responseLatencyS = responseLatencyS
            self.answeredWithinRingLimit = answeredWithinRingLimit
            self.withoutDeadAir = withoutDeadAir
            self.withoutAgentInterruptions = withoutAgentInterruptions
            self.review = review
        }
    }

    public static let noAgentLabel = "(no agent)"

    /// A report whose per-agent figures were worked out elsewhere (the team store, in SQL);
    /// the agents are put in the report's order.
    public init(agents: [AgentReport], limits: AlertLimits) {
        self.limits = limits
        self.agents = agents.sorted { Self.agentOrder($0.agent, $1.agent) }
    }

    /// By name, sessions without an agent last.
    static func agentOrder(_ lhs: String?, _ rhs: String?) -> Bool {
        switch (lhs, rhs) {
        case (nil, _): false
        case (_, nil): true
        case let (l?, r?): l < r
        }
    }

    /// The report of `summaries`: one `AgentReport` per agent, by name (sessions without an
    /// agent last); at most `reviewCount` calls to review per agent.
    public init(summaries: [Summary], limits: AlertLimits, reviewCount: Int = 3) {
        self.limits = limits
        var byAgent: [String?: [Summary]] = [:]
        for summary in summaries {
            byAgent[summary.session.agent, default: []].append(summary)
        }
        let names = byAgent.keys.sorted(by: Self.agentOrder)
        agents = names.map { name in
            Self.agentReport(agent: name, summaries: byAgent[name] ?? [], limits: limits, reviewCount: reviewCount)
        }
    }

    static func agentReport(agent: String?, summaries: [Summary], limits: AlertLimits, reviewCount: Int) -> AgentReport {
        let conversations = summaries.filter { $0.ring?.answered ?? true }
        let rung = summaries.filter { $0.ring != nil }
        let twoParty = conversations.filter { $0.source.layout.hasBothParties }
        let review = summaries
            .filter { !$0.alerts.isEmpty }
            .map { summary in
                ReviewItem(
                    sessionID: summary.session.id, startedAt: summary.session.startedAt, path: summary.source.path,
                    reasons: summary.alerts.map(\.message), severity: summary.alerts.map(severity).reduce(0, +)
                )
            }
            .sorted { lhs, rhs in
                if lhs.reasons.count != rhs.reasons.count { return lhs.reasons.count > rhs.reasons.count }
                if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
                return lhs.sessionID < rhs.sessionID
            }
        return AgentReport(
            agent: agent,
            calls: summaries.count,
            flaggedCalls: summaries.filter { !$0.alerts.isEmpty }.count,
            ringToAnswerS: Spread(summaries.compactMap { $0.ring?.ringToAnswerS }),
            agentShare: Spread(conversations.compactMap(\.talk.agentShare)),
            responseLatencyS: Spread(conversations.compactMap(\.responseLatency.medianS)),
            answeredWithinRingLimit: Share(
                kept: rung.filter { ring in ring.ring.map { $0.answered && $0.rings <= limits.maxRings } ?? false }.count,
                total: rung.count
            ),
            withoutDeadAir: Share(kept: conversations.filter { $0.deadAirCount == 0 }.count, total: conversations.count),
            withoutAgentInterruptions: Share(
                kept: twoParty.filter { $0.interruptionCount(by: .agent) == 0 }.count, total: twoParty.count
            ),
            review: Array(review.prefix(max(0, reviewCount))),
            shiftCalls: shiftFigures(summaries).calls, inCallS: shiftFigures(summaries).inCallS,
            shiftSpanS: shiftFigures(summaries).spanS
        )
    }

    /// The calls of `summaries` that came from shifts, their time in calls and the summed
    /// spans of their shifts.
    static func shiftFigures(_ summaries: [Summary]) -> (calls: Int, inCallS: Double, spanS: Double) {
        var spans: [String: (start: Double, end: Double)] = [:]
        var calls = 0
        var inCallS = 0.0
        for summary in summaries {
            guard let call = summary.session.call else { continue }
            calls += 1
            inCallS += summary.session.durationS
            let end = call.offsetS + summary.session.durationS
            let span = spans[call.shiftID] ?? (call.offsetS, end)
            spans[call.shiftID] = (min(span.start, call.offsetS), max(span.end, end))
        }
        return (calls, inCallS, spans.values.reduce(0) { $0 + $1.end - $1.start })
    }

    /// How far an alert's figure is past its limit, relative to the limit: 4 rings over a
    /// limit of 3 is 0.33; an SNR of 10 dB under a minimum of 15 dB is 0.33.
    public static func severity(_ alert: Alert) -> Double {
        let scale = max(abs(alert.limit), 1e-9)
        return abs(alert.value - alert.limit) / scale
    }
}
