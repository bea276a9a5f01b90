import CallPulseCore

/// How one alert rule of SPEC "Alerts" came out for a summary, phrased for the text report.
///
/// Whether a rule is broken is decided by the analysis: a rule is broken exactly when
/// `summary.alerts` holds an alert for it. This type only phrases the rule from the
/// configured limits and, for a kept rule, the figure that kept it.
struct RuleReport: Equatable {
    enum Outcome: Equatable {
        /// The figure that kept the rule, e.g. `answered after 2 rings`.
        case kept(String)
        /// The messages of the alerts raised for the rule.
        case broken([String])
        /// The figure the rule needs is unknown (e.g. talk share of a mono headset recording).
        case notMeasured
    }

    var rule: Alert.Rule
    /// The rule as the limit states it, e.g. `answer within 3 rings`.
    var statement: String
    var outcome: Outcome

    /// One report per rule, in `Alert.Rule.allCases` order (the order of SPEC "Alerts").
    static func reports(for summary: Summary, limits: AlertLimits) -> [RuleReport] {
        Alert.Rule.allCases.map { rule in
            let alerts = summary.alerts.filter { $0.rule == rule }
            let outcome: Outcome = alerts.isEmpty
                ? keptOutcome(rule, summary)
                : .broken(alerts.map(\.message))
            return RuleReport(rule: rule, statement: statement(rule, limits), outcome: outcome)
        }
    }

    static func statement(_ rule: Alert.Rule, _ limits: AlertLimits) -> String {
        switch rule {
        case .rings: "answer within \(limits.maxRings) rings"
        case .agentShare: "agent share <= \(NumberFormat.plain(limits.maxAgentShare))"
        case .deadAir: "no dead air"
        case .greetingLatency: "greeting latency <= \(NumberFormat.plain(limits.maxGreetingLatencyS)) s"
        case .agentInterruptions: "agent interruptions < \(limits.maxAgentInterruptions)"
        case .snr: "SNR >= \(NumberFormat.plain(limits.minSNRdB)) dB per channel"
        case .clipping: "clipping <= \(percentLimit(limits.maxClippedRatio))"
        case .monologue: "agent monologue <= \(NumberFormat.plain(limits.maxAgentMonologueS)) s"
        }
    }

    /// A clipped-sample ratio limit as a percentage: 0.001 is `0.1%`.
    private static func percentLimit(_ ratio: Double) -> String {
        // Four decimals of a percent: removes the binary noise of `ratio * 100`.
        NumberFormat.plain((ratio * 100 * 10_000).rounded() / 10_000) + "%"
    }

    /// The phrase for a rule that raised no alert, or `.notMeasured` when its figure is unknown.
    private static func keptOutcome(_ rule: Alert.Rule, _ summary: Summary) -> Outcome {
        switch rule {
        case .rings:
            guard let ring = summary.ring else { return .kept("no ringing heard") }
            return ring.answered
                ? .kept("answered after \(count(ring.rings, "ring"))")
                : .kept("\(count(ring.rings, "ring")), not answered")
        case .agentShare:
            guard let share = summary.talk.agentShare else { return .notMeasured }
            return .kept("agent share \(NumberFormat.fixed(share, decimals: 2))")
        case .deadAir:
            let deadAir = summary.deadAirCount
            return .kept(deadAir == 0 ? "none heard" : count(deadAir, "dead-air pause"))
        case .greetingLatency:
            guard let latencyS = summary.greetingLatencyS else { return .notMeasured }
            return .kept("agent greeted after \(NumberFormat.seconds(latencyS))")
        case .agentInterruptions:
            guard summary.source.layout.hasBothParties else { return .notMeasured }
            let byAgent = summary.interruptionCount(by: .agent)
            return .kept("agent interrupted \(count(byAgent, "time"))")
        case .snr:
            guard summary.levels.contains(where: { $0.snrDb != nil }) else { return .notMeasured }
            return .kept(perChannel(summary) { $0.snrDb.map { NumberFormat.fixed($0, decimals: 1) + " dB" } })
        case .clipping:
            guard !summary.levels.isEmpty else { return .notMeasured }
            return .kept(perChannel(summary) { clippedPercent($0.clippedRatio) })
        case .monologue:
            guard let longestS = summary.turns.agentLongestMonologueS else { return .notMeasured }
            return .kept("longest \(NumberFormat.seconds(longestS))")
        }
    }

    /// `agent 39.2 dB, customer 22.6 dB`.
    private static func perChannel(_ summary: Summary, _ figure: (ChannelLevels) -> String?) -> String {
        summary.levels
            .map { "\($0.party.rawValue) \(figure($0) ?? NumberFormat.unknown)" }
            .joined(separator: ", ")
    }

    /// A clipped-sample ratio as a percentage with 3 decimals: 0.0012 is `0.120%`.
    static func clippedPercent(_ ratio: Double) -> String {
        NumberFormat.fixed(ratio * 100, decimals: 3) + "%"
    }

    /// `1 ring`, `3 rings`.
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
