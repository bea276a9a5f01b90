import CallPulseCore

/// `callpulse sessions list`: one line per stored session, as a terminal table, CSV or JSON.
extension TableRenderer {
    static let sessionColumns: [Column] = [
        Column("ID", priority: 100),
        Column("STARTED", priority: 90),
        Column("AGENT", shrinkable: true, minWidth: 6, priority: 95),
        Column("LENGTH", alignment: .right, priority: 70),
        Column("RINGS", alignment: .right, priority: 60),
        Column("ANSWER", alignment: .right, priority: 40),
        Column("SHARE", alignment: .right, priority: 65),
        Column("DEAD AIR", alignment: .right, priority: 55),
        Column("INTERR", alignment: .right, priority: 50),
        Column("GREET", alignment: .right, priority: 45),
        Column("ALERTS", shrinkable: true, minWidth: 8, priority: 80),
        Column("FILE", shrinkable: true, minWidth: 10, priority: 10),
    ]

    /// The sessions as a table no wider than `width` (ids shortened to 12 hex digits, the
    /// prefix `sessions show` accepts).
    public static func sessions(_ summaries: [Summary], width: Int) -> String {
        sessions(listings: summaries.map(SessionListing.init), width: width)
    }

    /// The same, from what a store keeps of each session.
    public static func sessions(listings: [SessionListing], width: Int) -> String {
        let rows = listings.map { listing -> [String] in
            let fields = listing.fields
            return [
                String(listing.id.prefix(12)),
                fields.startedAt.map(shortTime) ?? NumberFormat.unknown,
                listing.agent.map(TerminalText.escaped) ?? "-",
                clockWhole(listing.durationS),
                fields.rings.map(String.init) ?? "-",
                fields.ringToAnswerS.map { NumberFormat.fixed($0, decimals: 1) + "s" } ?? "-",
                NumberFormat.percent(fields.agentShare),
                String(fields.deadAir),
                fields.agentInterruptions.map(String.init) ?? "-",
                fields.greetingLatencyS.map { NumberFormat.fixed($0, decimals: 1) + "s" } ?? "-",
                fields.alertRules.isEmpty ? "-" : fields.alertRules.joined(separator: ","),
                TerminalText.escaped(listing.path),
            ]
        }
        return render(columns: sessionColumns, rows: rows, width: width)
    }

    /// The same figures as CSV: a header line and one row per session, unrounded.
    public static func sessionsCSV(_ summaries: [Summary]) -> String {
        sessionsCSV(listings: summaries.map(SessionListing.init))
    }

    public static func sessionsCSV(listings: [SessionListing]) -> String {
        let header = "session_id,agent,started_at,duration_s,rings,ring_to_answer_s,answered,agent_share,dead_air,agent_interruptions,greeting_latency_s,alerts,path"
        let rows = listings.map { listing -> String in
            let fields = listing.fields
            var cells: [String] = [listing.id, listing.agent ?? "", fields.startedAt ?? ""]
            cells.append(NumberFormat.plain(listing.durationS))
            cells.append(fields.rings.map(String.init) ?? "")
            cells.append(fields.ringToAnswerS.map(NumberFormat.plain) ?? "")
            cells.append(fields.answered.map { $0 ? "true" : "false" } ?? "")
            cells.append(fields.agentShare.map(NumberFormat.plain) ?? "")
            cells.append(String(fields.deadAir))
            cells.append(fields.agentInterruptions.map(String.init) ?? "")
            cells.append(fields.greetingLatencyS.map(NumberFormat.plain) ?? "")
            cells.append(fields.alertRules.joined(separator: ";"))
            cells.append(listing.path)
            return cells.map(CSVRenderer.quoted).joined(separator: ",")
        }
        return ([header] + rows).joined(separator: "\n")
    }

    /// `sessions export --format csv`: the columns of `analyze --csv` after `session_id`,
    /// `agent` and `started_at`, one row per session.
    public static func exportCSV(_ summaries: [Summary]) -> String {
        let rows = summaries.map { summary in
            [summary.session.id, summary.session.agent ?? "", summary.session.startedAt ?? ""]
                .map(CSVRenderer.quoted).joined(separator: ",") + "," + CSVRenderer.row(summary)
        }
        return (["session_id,agent,started_at," + CSVRenderer.header] + rows).joined(separator: "\n")
    }

    /// The same figures as a JSON array of objects (unknown figures `null`).
    public static func sessionsJSON(_ summaries: [Summary]) -> String {
        sessionsJSON(listings: summaries.map(SessionListing.init))
    }

    public static func sessionsJSON(listings: [SessionListing]) -> String {
        func number(_ value: Double?) -> JSONValue { value.map { .number(NumberFormat.plain($0)) } ?? .null }
        func integer(_ value: Int?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let objects = listings.map { listing -> JSONValue in
            let fields = listing.fields
            return .object([
                ("id", .string(listing.id)),
                ("agent", text(listing.agent)),
                ("started_at", text(fields.startedAt)),
                ("duration_s", number(listing.durationS)),
                ("rings", integer(fields.rings)),
                ("ring_to_answer_s", number(fields.ringToAnswerS)),
                ("answered", fields.answered.map(JSONValue.bool) ?? .null),
                ("agent_share", number(fields.agentShare)),
                ("dead_air", integer(fields.deadAir)),
                ("agent_interruptions", integer(fields.agentInterruptions)),
                ("greeting_latency_s", number(fields.greetingLatencyS)),
                ("alerts", .array(fields.alertRules.map(JSONValue.string))),
                ("path", .string(listing.path)),
            ])
        }
        return JSONWriter.write(.array(objects), pretty: true)
    }

    /// `2026-11-23T10:00:00Z` as `2026-11-23 10:00` (UTC, as stored).
    static func shortTime(_ iso: String) -> String {
        guard iso.count >= 16 else { return iso }
        let characters = Array(iso)
        return String(characters[0..<10]) + " " + String(characters[11..<16])
    }

    /// Whole seconds as `m:ss`.
    static func clockWhole(_ seconds: Double) -> String {
        let whole = Int(saturating: seconds.rounded())
        let remainder = whole % 60
        return "\(whole / 60):" + (remainder < 10 ? "0" : "") + String(remainder)
    }
}
