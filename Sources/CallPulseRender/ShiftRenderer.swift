import CallPulseCore

/// The shift figures (SPEC "Calls in a shift") as text: a heading and one line per figure,
/// for `analyze --split-calls`; and the one-line shift strip of the live view.
public enum ShiftRenderer {
    public static func text(_ shift: ShiftFigures) -> String {
        func seconds(_ value: Double?) -> String { value.map { NumberFormat.fixed($0, decimals: 1) + " s" } ?? "n/a" }
        func share(_ value: Double?) -> String { value.map { NumberFormat.fixed(100 * $0, decimals: 0) + " %" } ?? "n/a" }
        let rows: [(String, String)] = [
            ("calls", "\(shift.calls) (\(shift.answered) answered, \(shift.abandoned) abandoned)"),
            ("answered in time", share(shift.answeredWithinRingsShare)),
            ("ring to answer", "median " + seconds(shift.ringToAnswerMedianS) + ", p90 " + seconds(shift.ringToAnswerP90S)),
            ("talk", "agent " + seconds(shift.agentTalkS) + ", customer " + seconds(shift.customerTalkS)),
            ("agent share", "median " + share(shift.agentShareMedian)),
            ("dead air", "\(shift.deadAirSilences) silences"),
            ("agent interruptions", "\(shift.agentInterruptions)"),
            ("calls with alerts", "\(shift.callsWithAlerts)"),
            ("occupancy", share(shift.occupancy) + " (" + seconds(shift.inCallS) + " of " + seconds(shift.shiftS) + ")"),
        ]
        return (["Shift"] + rows.map { "  " + $0.0 + String(repeating: " ", count: max(1, 20 - $0.0.count)) + $0.1 }).joined(separator: "\n")
    }

    /// One line for the live view: `shift: 7 calls · 86 % in time · ring→answer 8.2 s · …`.
    public static func strip(_ shift: ShiftFigures) -> String {
        func seconds(_ value: Double?) -> String { value.map { NumberFormat.fixed($0, decimals: 1) + " s" } ?? "n/a" }
        func share(_ value: Double?) -> String { value.map { NumberFormat.fixed(100 * $0, decimals: 0) + " %" } ?? "n/a" }
        return "shift: " + String(shift.calls) + " calls · in time " + share(shift.answeredWithinRingsShare)
            + " · ring→answer " + seconds(shift.ringToAnswerMedianS) + " · share " + share(shift.agentShareMedian)
            + " · dead air " + String(shift.deadAirSilences) + " · agent interrupts " + String(shift.agentInterruptions)
            + " · occupancy " + share(shift.occupancy)
    }

    /// The live view between calls: `idle 3:12 · 7 calls` and the shift strip, each line cut
    /// to `columns`.
    public static func idleScreen(elapsedS: Double, idleSinceS: Double, shift: ShiftFigures, columns: Int, rows: Int) -> [String] {
        let lines = [
            "callpulse live " + NumberFormat.clock(elapsedS),
            String(repeated: "─", count: max(1, columns)),
            "idle " + NumberFormat.clock(max(0, elapsedS - idleSinceS)) + " · " + String(shift.calls) + " calls",
            "",
            strip(shift),
        ]
        return lines.prefix(max(1, rows)).map { $0.prefix(characters: max(1, columns)) }
    }
}
