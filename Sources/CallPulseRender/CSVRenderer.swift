import CallPulseCore

/// One CSV row per analysed file (RFC 4180). Unknown figures are empty fields; numbers are
/// plain (`183.2`, `0.43`); fields with a comma, quote or line break are quoted, with quotes
/// doubled. `header` and `row` have no line terminator: the caller joins lines (RFC 4180
/// asks for CRLF; most tools accept LF).
public enum CSVRenderer {
    /// Column names, in order. Level columns exist per party (`agent_`, `customer_`); a
    /// `mixed` recording has no per-party levels, so those fields stay empty.
    public static let columns: [String] = [
        "path", "duration_s", "rings", "ring_to_answer_s", "answered",
        "agent_s", "customer_s", "overlap_s", "silence_s", "agent_share", "agent_pct", "customer_pct",
        "greeting_latency_s", "pauses", "dead_air",
        "interruptions_by_agent", "interruptions_by_customer",
        "backchannels_agent", "backchannels_customer",
        "turns", "agent_longest_monologue_s", "customer_longest_monologue_s",
        "response_latency_median_s", "response_latency_p90_s", "switches_per_min",
    ] + levelParties.flatMap { party in
        ["speech_dbfs", "noise_dbfs", "snr_db", "clipped_ratio"].map { "\(party.rawValue)_\($0)" }
    } + ["alerts"]

    public static let header: String = columns.joined(separator: ",")

    /// Parties with level columns.
    private static let levelParties: [Party] = [.agent, .customer]

    public static func row(_ summary: Summary) -> String {
        let talk = summary.talk
        let ring = summary.ring
        // Interruptions are only judged when both parties are heard separately (SPEC "Audio model").
        let bothParties = summary.source.layout.hasBothParties
        func interruptions(by party: Party) -> Int? { summary.judgedInterruptionCount(by: party) }

        var fields: [String] = [
            summary.source.path,
            number(summary.session.durationS),
            integer(ring?.rings),
            number(ring?.ringToAnswerS),
            ring.map { $0.answered ? "true" : "false" } ?? "",
            number(talk.agentS),
            number(talk.customerS),
            number(talk.overlapS),
            number(talk.silenceS),
            number(talk.agentShare),
            number(talk.agentPct),
            number(talk.customerPct),
            number(summary.greetingLatencyS),
            integer(summary.pauses.count),
            integer(summary.deadAirCount),
            integer(interruptions(by: .agent)),
            integer(interruptions(by: .customer)),
            integer(summary.backchannels.agent),
            integer(summary.backchannels.customer),
            integer(summary.turns.count),
            number(summary.turns.agentLongestMonologueS),
            number(summary.turns.customerLongestMonologueS),
            number(summary.responseLatency.medianS),
            number(summary.responseLatency.p90S),
            number(summary.switchesPerMin),
        ]
        for party in levelParties {
            let levels = summary.levels.first { $0.party == party }
            fields += [
                number(levels?.speechDbfs),
                number(levels?.noiseDbfs),
                number(levels?.snrDb),
                number(levels?.clippedRatio),
            ]
        }
        fields.append(summary.alerts.map(\.rule.rawValue).joined(separator: ";"))
        assert(fields.count == columns.count, "CSV row and header disagree")
        return fields.map(quoted).joined(separator: ",")
    }

    /// RFC 4180 section 2: a field with a comma, double quote, CR or LF is enclosed in double
    /// quotes, and each double quote inside it is doubled.
    static func quoted(_ field: String) -> String {
        let needsQuotes = field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        guard needsQuotes else { return field }
        return "\"" + field.replacingAll("\"", with: "\"\"") + "\""
    }

    private static func number(_ value: Double?) -> String {
        value.map(NumberFormat.plain) ?? ""
    }

    private static func integer(_ value: Int?) -> String {
        value.map(String.init) ?? ""
    }
}

extension String {
    /// Every occurrence of `target` replaced (standard library only, no Foundation needed).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
