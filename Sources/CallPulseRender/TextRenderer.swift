import CallPulseCore

/// A readable summary of one call for a quality analyst: the call, ringing, talk, pauses,
/// interruptions, listening figures, levels per channel, and one line per alert rule saying
/// whether it was kept or broken. Unknown figures print as `n/a`.
///
/// With `color`, headings are bold, broken rules bold red and kept rules green (ANSI). The
/// words are the same either way (`BROKEN` in capitals stands out without colour), and the
/// columns are padded before colouring, so removing the escape codes gives the plain text.
/// The text has no trailing newline.
public enum TextRenderer {
    /// Width of the label column, after the 2-space indent.
    static let labelWidth = 20
    /// Cells of the agent-share bar: one cell is 5 % of the talk.
    static let shareBarCells = 20

    public static func render(_ summary: Summary, limits: AlertLimits, color: Bool) -> String {
        let style = TextStyle(color: color)
        let reports = RuleReport.reports(for: summary, limits: limits)
        var lines: [String] = []
        lines += callSection(summary, reports: reports, style: style)
        lines += [""] + ringSection(summary.ring, style: style)
        lines += [""] + talkSection(summary, style: style)
        lines += [""] + pauseSection(summary, style: style)
        lines += [""] + interruptionSection(summary, style: style)
        lines += [""] + listeningSection(summary, style: style)
        lines += [""] + levelSection(summary.levels, style: style)
        lines += [""] + ruleSection(reports, style: style)
        return lines.joined(separator: "\n")
    }

    // MARK: Sections

    private static func callSection(_ summary: Summary, reports: [RuleReport], style: TextStyle) -> [String] {
        let source = summary.source
        let session = summary.session
        let broken = reports.filter {
            if case .broken = $0.outcome { return true }
            return false
        }
        let alertLine = broken.isEmpty
            ? field("alerts", "none")
            : style.apply(.alert, field(
                "alerts",
                "\(RuleReport.count(broken.count, "rule")) BROKEN: " + broken.map(\.rule.rawValue).joined(separator: ", ")
            ))
        return [
            style.apply(.heading, "Call"),
            field("file", TerminalText.escaped(source.path)),
            field("duration", "\(NumberFormat.clock(session.durationS))  (\(NumberFormat.seconds(session.durationS)))"),
            field("format", "\(source.kind), \(source.format), \(source.sampleRateHz) Hz, \(RuleReport.count(source.channels, "channel"))"),
            field("layout", source.layout.rawValue),
            field("session", session.id),
            field("agent", session.agent.map(TerminalText.escaped) ?? NumberFormat.unknown),
            field("started", session.startedAt ?? NumberFormat.unknown),
            alertLine,
        ]
    }

    private static func ringSection(_ ring: RingSummary?, style: TextStyle) -> [String] {
        var lines = [style.apply(.heading, "Ring")]
        guard let ring else {
            lines.append(field("rings", "no ringing heard"))
            return lines
        }
        lines.append(field("rings", String(ring.rings)))
        lines.append(field("first ring", NumberFormat.clock(ring.firstRingS)))
        if ring.answered, let answeredS = ring.answeredS {
            let after = ring.ringToAnswerS.map { "  (\(NumberFormat.seconds($0)) after the first ring)" } ?? ""
            lines.append(field("answered", NumberFormat.clock(answeredS) + after))
        } else {
            lines.append(field("answered", "no: abandoned while ringing"))
        }
        let tone = ring.toneHz.isEmpty
            ? NumberFormat.unknown
            : ring.toneHz.map { NumberFormat.plain($0) }.joined(separator: "+") + " Hz"
        let cadence = ring.onOffS.isEmpty
            ? ""
            : ", cadence " + ring.onOffS.map { NumberFormat.fixed($0, decimals: 2) }.joined(separator: " / ") + " s on/off"
        lines.append(field("tone", tone + cadence))
        return lines
    }

    private static func talkSection(_ summary: Summary, style: TextStyle) -> [String] {
        let talk = summary.talk
        /// Seconds right-aligned so that the decimal points line up (`3:03.20`-long calls
        /// need at most `9999.99 s`).
        func secondsColumn(_ value: Double?) -> String { NumberFormat.seconds(value).rightAligned(in: 10) }
        return [
            style.apply(.heading, "Talk"),
            field("agent", secondsColumn(talk.agentS) + "   " + NumberFormat.percent(talk.agentPct) + " of the conversation"),
            field("customer", secondsColumn(talk.customerS) + "   " + NumberFormat.percent(talk.customerPct) + " of the conversation"),
            field("overlap", secondsColumn(talk.overlapS)),
            field("silence", secondsColumn(talk.silenceS)),
            field("agent share", shareText(talk.agentShare)),
            field("greeting latency", secondsColumn(summary.greetingLatencyS)),
        ]
    }

    /// `0.43  [█████████░░░░░░░░░░░]`: the agent's part of all talk.
    static func shareText(_ share: Double?) -> String {
        guard let share, share.isFinite else { return NumberFormat.unknown }
        let filled = min(shareBarCells, max(0, Int(saturating: (share * Double(shareBarCells)).rounded())))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: shareBarCells - filled)
        return NumberFormat.fixed(share, decimals: 2) + "  [" + bar + "]"
    }

    private static func pauseSection(_ summary: Summary, style: TextStyle) -> [String] {
        let pauses = summary.pauses
        let gaps = pauses.filter { $0.kind == .gap }.count
        let deadAir = summary.deadAirPauses
        var lines = [
            style.apply(.heading, "Pauses"),
            field("pauses", "\(pauses.count)  (\(RuleReport.count(gaps, "gap")), \(RuleReport.count(pauses.count - gaps, "pause")))"),
            field("dead air", deadAir.isEmpty ? "none" : String(deadAir.count)),
        ]
        for pause in deadAir {
            let line = "    " + NumberFormat.clock(pause.startS) + " - " + NumberFormat.clock(pause.endS)
                + "  " + NumberFormat.seconds(pause.durationS).rightAligned(in: 8)
                + "  " + pause.before.rawValue + " → " + pause.after.rawValue
            lines.append(style.apply(.alert, line))
        }
        return lines
    }

    private static func interruptionSection(_ summary: Summary, style: TextStyle) -> [String] {
        var lines = [style.apply(.heading, "Interruptions")]
        guard summary.source.layout.hasBothParties else {
            lines.append(field("interruptions", NumberFormat.unknown))
            return lines
        }
        let interruptions = summary.interruptions
        let byAgent = summary.interruptionCount(by: .agent)
        lines.append(field(
            "interruptions",
            "\(interruptions.count)  (by agent \(byAgent), by customer \(interruptions.count - byAgent))"
        ))
        for interruption in interruptions {
            lines.append(
                "    " + NumberFormat.clock(interruption.atS)
                    + "  by " + interruption.by.rawValue.padded(to: 8)
                    + "  overlap " + NumberFormat.seconds(interruption.overlapS).rightAligned(in: 6)
                    + "  " + (interruption.takenFloor ? "took the floor" : "did not take the floor")
            )
        }
        return lines
    }

    private static func listeningSection(_ summary: Summary, style: TextStyle) -> [String] {
        let backchannels = summary.backchannels
        let turns = summary.turns
        let latency = summary.responseLatency
        func count(_ value: Int?) -> String { value.map(String.init) ?? NumberFormat.unknown }
        return [
            style.apply(.heading, "Listening"),
            field("backchannels", "agent \(count(backchannels.agent)), customer \(count(backchannels.customer))"),
            field("turns", String(turns.count)),
            field(
                "longest monologue",
                "agent \(NumberFormat.seconds(turns.agentLongestMonologueS)), customer \(NumberFormat.seconds(turns.customerLongestMonologueS))"
            ),
            field(
                "response latency",
                "median \(NumberFormat.seconds(latency.medianS)), p90 \(NumberFormat.seconds(latency.p90S))  (\(RuleReport.count(latency.count, "hand-over")))"
            ),
            field("switches per min", summary.switchesPerMin.map { NumberFormat.fixed($0, decimals: 1) } ?? NumberFormat.unknown),
        ]
    }

    /// Widths of the level table's figure columns, right-aligned (`-22.1 dBFS` is 10).
    private static let levelColumnWidths = [12, 12, 9, 10]

    private static func levelSection(_ levels: [ChannelLevels], style: TextStyle) -> [String] {
        func row(_ label: String, _ cells: [String]) -> String {
            "  " + label.padded(to: labelWidth)
                + zip(cells, levelColumnWidths).map { $0.rightAligned(in: $1) }.joined()
        }
        func decibels(_ value: Double?, _ unit: String) -> String {
            value.map { NumberFormat.fixed($0, decimals: 1) + " " + unit } ?? NumberFormat.unknown
        }
        var lines = [
            style.apply(.heading, "Levels"),
            row("", ["speech", "noise", "SNR", "clipped"]),
        ]
        if levels.isEmpty {
            lines.append(field("channels", NumberFormat.unknown))
        }
        for channel in levels {
            lines.append(row(channel.party.rawValue, [
                decibels(channel.speechDbfs, "dBFS"),
                decibels(channel.noiseDbfs, "dBFS"),
                decibels(channel.snrDb, "dB"),
                RuleReport.clippedPercent(channel.clippedRatio),
            ]))
        }
        return lines
    }

    /// Width of the `✔ kept` / `✘ BROKEN` / `? not measured` column.
    private static let ruleStatusWidth = 16

    private static func ruleSection(_ reports: [RuleReport], style: TextStyle) -> [String] {
        let statementWidth = reports.map(\.statement.count).max() ?? 0
        var lines = [style.apply(.heading, "Rules")]
        for report in reports {
            let statement = report.statement.padded(to: statementWidth)
            switch report.outcome {
            case let .kept(detail):
                lines.append("  " + style.apply(.good, "✔ kept".padded(to: ruleStatusWidth)) + statement + "  " + detail)
            case let .broken(messages):
                lines.append(style.apply(
                    .alert,
                    "  " + "✘ BROKEN".padded(to: ruleStatusWidth) + statement + "  " + messages.joined(separator: "; ")
                ))
            case .notMeasured:
                lines.append(style.apply(.muted, "  " + "? not measured".padded(to: ruleStatusWidth) + report.statement))
            }
        }
        return lines
    }

    // MARK: Layout

    /// `  label               value`.
    private static func field(_ label: String, _ value: String) -> String {
        "  " + label.padded(to: labelWidth) + value
    }
}
