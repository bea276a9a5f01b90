import CallPulseCore

/// The full-screen live view (SPEC "Live output") as text: exactly `rows` lines of exactly
/// `columns` terminal columns each, so that the terminal code can overwrite the previous
/// frame in place (no clearing, no flicker). Values in, strings out: no terminal I/O here.
public enum LiveViewRenderer {
    /// Left end of the level meters, dBFS: -70 dBFS is below any headset's noise floor.
    public static let meterLowestDbfs = -70.0
    /// Smallest window the full view fits in; below it a short notice is shown.
    public static let minimumColumns = 40
    public static let minimumRows = 12
    /// Width of the party label column.
    static let labelWidth = 14

    public static func render(_ state: LiveViewState, columns: Int, rows: Int, color: Bool) -> [String] {
        let style = TextStyle(color: color)
        guard columns >= minimumColumns, rows >= minimumRows else {
            let notice: [Line] = [
                Line("callpulse live " + clock(state.elapsedS), .heading),
                stateLine(state),
                Line("window too small: \(minimumColumns)x\(minimumRows) needed"),
            ]
            return fit(notice, columns: max(columns, 1), rows: max(rows, 1), style: style)
        }
        var top: [Line] = [header(state, columns: columns), Line(String(repeated: "─", count: columns)), stateLine(state), Line("")]
        if let shiftLine = state.shiftLine { top.insert(Line(" " + shiftLine, .muted), at: 2) }
        top += state.meters.map { meter($0, columns: columns) }
        top.append(Line(""))
        top += figures(state.summary, columns: columns)

        var alerts: [Line] = [Line(""), Line(" Alerts", .heading)]
        if state.summary.alerts.isEmpty {
            alerts.append(Line("   none so far", .muted))
        } else {
            alerts += state.summary.alerts.map { Line("   ✘ " + $0.message, .alert) }
        }
        let footer = footer(state, columns: columns)

        var lines = top
        let roomForAlerts = rows - 1 - lines.count
        lines += alerts.prefix(max(0, roomForAlerts))
        let roomForEvents = rows - 1 - lines.count
        if roomForEvents >= 3 {
            // The newest events, as many as fit under a heading.
            lines += [Line(""), Line(" Events", .heading)]
            lines += state.recentEvents.suffix(roomForEvents - 2).map { Line("   " + $0) }
        }
        lines = Array(lines.prefix(rows - 1))
        while lines.count < rows - 1 { lines.append(Line("")) }
        lines.append(footer)
        return fit(lines, columns: columns, rows: rows, style: style)
    }

    // MARK: - Sections

    private static func header(_ state: LiveViewState, columns: Int) -> Line {
        var left = "callpulse live"
        if let agent = state.agentName { left += " · " + TerminalText.escaped(agent) }
        left += " · " + TerminalText.escaped(state.deviceLabel)
        let right = clock(state.elapsedS)
        let room = columns - right.characterCount - 1
        let cut = left.characterCount > room ? left.prefix(characters: max(0, room - 1)) + "…" : left
        return Line([(cut.padded(to: room) + " ", .heading), (right, .heading)])
    }

    private static func stateLine(_ state: LiveViewState) -> Line {
        let label = " NOW  "
        switch state.activity {
        case .ringing(let rings):
            return Line([(label, nil), ("RINGING " + String(rings), .alert)])
        case .talking(let parties):
            let text = parties.count > 1 ? "BOTH TALKING" : (parties.first?.rawValue.uppercased() ?? "") + " TALKING"
            return Line([(label, nil), (text, .good)])
        case .silence(let seconds):
            let text = "SILENCE " + NumberFormat.fixed(seconds, decimals: 1) + " s"
            if seconds >= state.deadAirMinS {
                return Line([(label, nil), (text, .alert), ("  DEAD AIR", .alert)])
            }
            return Line([(label, nil), (text, nil)])
        }
    }

    /// ` agent      * -23 dBFS ██████████|░░░░░░  floor -62` with the noise floor marked `|`.
    private static func meter(_ meter: LiveViewState.Meter, columns: Int) -> Line {
        let label = " " + meter.party.rawValue.padded(to: labelWidth - 4) + (meter.speaking ? " * " : "   ")
        let level = (NumberFormat.fixed(max(meter.levelDbfs, -99), decimals: 0) + " dBFS").rightAligned(in: 9) + " "
        let floorText = "  floor " + (meter.noiseFloorDbfs.map { NumberFormat.fixed(max($0, -99), decimals: 0) } ?? "?")
        let width = max(10, columns - label.characterCount - level.characterCount - floorText.characterCount - 1)
        let filled = position(of: meter.levelDbfs, width: width)
        let floorCell = meter.noiseFloorDbfs.map { min(width - 1, position(of: $0, width: width)) }
        var bar = String.UnicodeScalarView()
        for cell in 0..<width { bar.append(cell == floorCell ? "|" : cell < filled ? "█" : "░") }
        return Line([(label, meter.speaking ? .good : nil), (level, nil), (String(bar), meter.speaking ? .good : .muted), (floorText, .muted)])
    }

    private static func figures(_ summary: Summary, columns: Int) -> [Line] {
        func field(_ name: String, _ value: String, _ tone: TextStyle.Tone? = nil) -> Line {
            Line([(" " + name.padded(to: labelWidth), .heading), (value, tone)])
        }
        func seconds(_ value: Double?) -> String {
            value.map { NumberFormat.fixed($0, decimals: 1) + " s" } ?? NumberFormat.unknown
        }
        func count(_ value: Int?) -> String { value.map(String.init) ?? NumberFormat.unknown }
        let talk = summary.talk
        var lines: [Line] = []
        if let share = talk.agentShare {
            let text = "agent " + NumberFormat.percent(share) + " · customer " + NumberFormat.percent(1 - share)
            let barWidth = columns - labelWidth - text.characterCount - 5
            if barWidth >= 10 {
                let agentCells = Int(saturating: (share * Double(barWidth)).rounded())
                let bar = "[" + String(repeated: "█", count: agentCells) + String(repeated: "░", count: barWidth - agentCells) + "]"
                lines.append(Line([(" " + "Talk share".padded(to: labelWidth), .heading), (text + "  ", nil), (bar, nil)]))
            } else {
                lines.append(field("Talk share", text))
            }
        } else if let agentPct = talk.agentPct {
            lines.append(field("Talk share", "agent talks " + NumberFormat.percent(agentPct) + " of the call"))
        } else {
            lines.append(field("Talk share", NumberFormat.unknown, .muted))
        }
        var talkText = ""
        if talk.agentS != nil { talkText += "agent " + seconds(talk.agentS) + "   " }
        if talk.customerS != nil { talkText += "customer " + seconds(talk.customerS) + "   " }
        if talk.overlapS != nil { talkText += "overlap " + seconds(talk.overlapS) + "   " }
        talkText += "silence " + seconds(talk.silenceS)
        lines.append(field("Talk", talkText))

        let deadAir = summary.deadAirCount
        var pauseText = String(summary.pauses.count)
        if let longest = summary.pauses.map(\.durationS).max() {
            pauseText += " (longest " + seconds(longest) + ")"
        }
        lines.append(Line([
            (" " + "Pauses".padded(to: labelWidth), .heading), (pauseText + "   ", nil),
            ("dead air " + String(deadAir), deadAir > 0 ? .alert : nil),
        ]))
        let byAgent = summary.interruptionCount(by: .agent)
        let byCustomer = summary.interruptionCount(by: .customer)
        if summary.source.layout.hasBothParties {
            lines.append(field("Interruptions", "agent " + String(byAgent) + " · customer " + String(byCustomer)))
            lines.append(field("Backchannels", "agent " + count(summary.backchannels.agent) + " · customer " + count(summary.backchannels.customer)))
        } else {
            lines.append(field("Interruptions", NumberFormat.unknown + " (one channel)", .muted))
            lines.append(field("Backchannels", NumberFormat.unknown + " (one channel)", .muted))
        }
        return lines
    }

    private static func footer(_ state: LiveViewState, columns: Int) -> Line {
        let left = " Ctrl-C ends the call and keeps its summary"
        var right = "gaps " + String(state.gapCount)
        if let path = state.recordingPath { right += " · rec " + TerminalText.escaped(path) }
        right += " "
        let room = columns - right.characterCount
        if room < left.characterCount + 1 { return Line([(left, .muted)]) }
        return Line([(left.padded(to: room), .muted), (right, state.gapCount > 0 ? .alert : .muted)])
    }

    // MARK: - Helpers

    /// Cells of a `width`-cell meter lit by `dbfs`.
    static func position(of dbfs: Double, width: Int) -> Int {
        guard dbfs.isFinite else { return 0 }
        let fraction = (dbfs - meterLowestDbfs) / -meterLowestDbfs
        return min(width, max(0, Int(saturating: (fraction * Double(width)).rounded())))
    }

    /// `h:mm:ss` of the call.
    static func clock(_ seconds: Double) -> String {
        let whole = max(0, Int(saturating: seconds))
        let minutes = (whole / 60) % 60
        let secs = whole % 60
        return String(whole / 3600) + ":" + (minutes < 10 ? "0" : "") + String(minutes) + ":" + (secs < 10 ? "0" : "") + String(secs)
    }

    /// A line as styled spans; cut and padded to a width before styling, so that escape
    /// codes never count as columns.
    struct Line {
        var spans: [(text: String, tone: TextStyle.Tone?)]

        init(_ text: String, _ tone: TextStyle.Tone? = nil) { spans = [(text, tone)] }
        init(_ spans: [(String, TextStyle.Tone?)]) { self.spans = spans.map { (text: $0.0, tone: $0.1) } }

        func rendered(columns: Int, style: TextStyle) -> String {
            var room = columns
            var output = ""
            for span in spans where room > 0 {
                let length = span.text.characterCount
                let text = length > room ? span.text.prefix(characters: room) : span.text
                room -= min(length, room)
                output += span.tone.map { style.apply($0, text) } ?? text
            }
            return output + String(repeated: " ", count: room)
        }
    }

    private static func fit(_ lines: [Line], columns: Int, rows: Int, style: TextStyle) -> [String] {
        var output = lines.prefix(rows).map { $0.rendered(columns: columns, style: style) }
        while output.count < rows { output.append(String(repeated: " ", count: columns)) }
        return output
    }
}
