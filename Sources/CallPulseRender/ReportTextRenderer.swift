import CallPulseCore

/// `callpulse report` in the terminal: the per-agent table, then the calls to review per
/// agent with the reasons. The text has no trailing newline.
public enum ReportTextRenderer {
    static let columns: [TableRenderer.Column] = [
        .init("AGENT", shrinkable: true, minWidth: 6, priority: 100),
        .init("CALLS", alignment: .right, priority: 99),
        .init("FLAGGED", alignment: .right, priority: 70),
        .init("ANSWER MED/P90", alignment: .right, priority: 60),
        .init("SHARE MED/P90", alignment: .right, priority: 80),
        .init("RESPONSE MED/P90", alignment: .right, priority: 50),
        .init("IN RING LIMIT", alignment: .right, priority: 65),
        .init("NO DEAD AIR", alignment: .right, priority: 90),
        .init("NO AGENT INTERR", alignment: .right, priority: 85),
    ]

    /// `period` is one line saying what was selected (`all stored sessions`, `since …`).
    public static func render(_ report: Report, period: String, width: Int) -> String {
        var lines: [String] = []
        let calls = report.agents.reduce(0) { $0 + $1.calls }
        lines.append("Report: \(RuleReport.count(calls, "call")), \(RuleReport.count(report.agents.count, "agent")); \(TerminalText.escaped(period))")
        guard !report.agents.isEmpty else {
            lines.append("No stored sessions match. Analyse calls with `callpulse analyze --agent NAME CALL.wav`.")
            return lines.joined(separator: "\n")
        }
        lines.append("")
        let rows = report.agents.map(row)
        lines.append(TableRenderer.render(columns: columns, rows: rows, width: width))
        lines.append("")
        lines.append(
            "ANSWER: seconds from first ring to answer; SHARE: agent's share of the talk; RESPONSE: per-call median "
                + "response latency. IN RING LIMIT: answered within \(report.limits.maxRings) rings, of calls with ringing heard."
        )
        let inShifts = report.agents.filter { $0.occupancy != nil }
        if !inShifts.isEmpty {
            lines.append("")
            lines.append("Shifts (calls cut out of live shifts or --split-calls recordings; a shift runs from its first call to its last)")
            for agent in inShifts {
                let hours = NumberFormat.fixed(agent.shiftSpanS / 3600, decimals: 1)
                lines.append("  \(TerminalText.escaped(agent.displayName))  occupancy \(NumberFormat.percent(agent.occupancy))  "
                    + NumberFormat.fixed(agent.callsPerHour ?? 0, decimals: 1) + " calls/h  (\(agent.shiftCalls) calls in \(hours) h)")
            }
        }
        let toReview = report.agents.filter { !$0.review.isEmpty }
        lines.append("")
        if toReview.isEmpty {
            lines.append("Calls to review: none; no call broke a rule.")
        } else {
            lines.append("Calls to review")
            for agent in toReview {
                lines.append("  \(TerminalText.escaped(agent.displayName))")
                for item in agent.review {
                    let when = item.startedAt.map(TableRenderer.shortTime) ?? "time unknown"
                    lines.append("    \(item.sessionID.prefix(12))  \(when)  \(TerminalText.escaped(item.path))")
                    for reason in item.reasons {
                        lines.append("      - \(reason)")
                    }
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func row(_ agent: Report.AgentReport) -> [String] {
        [
            TerminalText.escaped(agent.displayName),
            String(agent.calls),
            String(agent.flaggedCalls),
            spread(agent.ringToAnswerS) { NumberFormat.fixed($0, decimals: 1) + "s" },
            spread(agent.agentShare) { NumberFormat.percent($0) },
            spread(agent.responseLatencyS) { NumberFormat.fixed($0, decimals: 2) + "s" },
            share(agent.answeredWithinRingLimit),
            share(agent.withoutDeadAir),
            share(agent.withoutAgentInterruptions),
        ]
    }

    /// `median / p90`, or `n/a` when no call had the figure.
    static func spread(_ spread: Report.Spread, _ format: (Double) -> String) -> String {
        guard let median = spread.medianValue, let p90 = spread.p90Value else { return NumberFormat.unknown }
        return format(median) + " / " + format(p90)
    }

    /// `67% (2/3)`, or `n/a` when no call could tell.
    static func share(_ share: Report.Share) -> String {
        guard let ratio = share.ratio else { return NumberFormat.unknown }
        return "\(NumberFormat.percent(ratio)) (\(share.kept)/\(share.total))"
    }
}
