import CallPulseCore

/// NDJSON lines of schema `callpulse.event/1` (SPEC "Live output", not on a terminal):
/// every line is one JSON object with `schema`, `type` and `t_s` (seconds of audio when it
/// was written); no trailing newline.
public enum EventRenderer {
    public static let schema = "callpulse.event/1"

    /// The running figures, once a second: `type` `tick`.
    public static func tick(_ snapshot: LiveSnapshot, atS: Double) -> String {
        let summary = snapshot.summary
        let talk = summary.talk
        let state: String = switch snapshot.activity {
        case .ringing: "ringing"
        case .talking(let parties): parties.count > 1 ? "both" : parties.first?.rawValue ?? "silence"
        case .silence: "silence"
        }
        var silenceS: JSONValue = .null
        if case .silence(let seconds) = snapshot.activity { silenceS = number(seconds) }
        let levels: [(key: String, value: JSONValue)] = snapshot.meters.map { meter in
            (key: meter.party.rawValue, value: .object([
                ("level_dbfs", number(meter.levelDbfs.isFinite ? meter.levelDbfs : -200)),
                ("noise_dbfs", meter.noiseFloorDbfs.map(number) ?? .null),
                ("speaking", .bool(meter.speaking)),
            ]))
        }
        return line("tick", atS: atS, [
            ("state", .string(state)),
            ("silence_s", silenceS),
            ("rings", summary.ring.map { .number(String($0.rings)) } ?? .null),
            ("talk", .object([
                ("agent_s", optional(talk.agentS)), ("customer_s", optional(talk.customerS)),
                ("overlap_s", optional(talk.overlapS)), ("silence_s", number(talk.silenceS)),
                ("agent_share", optional(talk.agentShare)),
            ])),
            ("pauses", integer(summary.pauses.count)),
            ("dead_air", integer(summary.deadAirCount)),
            ("interruptions", .object([
                ("agent", integer(summary.interruptionCount(by: .agent))),
                ("customer", integer(summary.interruptionCount(by: .customer))),
            ])),
            ("backchannels", .object([
                ("agent", summary.backchannels.agent.map(integer) ?? .null),
                ("customer", summary.backchannels.customer.map(integer) ?? .null),
            ])),
            ("alerts", integer(summary.alerts.count)),
            ("levels", .object(levels)),
        ])
    }

    /// One event line.
    public static func event(_ event: LiveEvent) -> String {
        switch event {
        case let .ring(atS, rings):
            line("ring", atS: atS, [("rings", integer(rings))])
        case let .answer(atS, answeredS):
            line("answer", atS: atS, [("answered_s", number(answeredS))])
        case let .pause(atS, pause):
            line("pause", atS: atS, [
                ("start_s", number(pause.startS)), ("end_s", number(pause.endS)),
                ("kind", .string(pause.kind.rawValue)), ("before", .string(pause.before.rawValue)),
                ("after", .string(pause.after.rawValue)), ("dead_air", .bool(pause.deadAir)),
            ])
        case let .deadAir(atS, startS):
            line("dead_air", atS: atS, [("start_s", number(startS))])
        case let .interruption(atS, interruption):
            line("interruption", atS: atS, [
                ("at_s", number(interruption.atS)), ("by", .string(interruption.by.rawValue)),
                ("overlap_s", number(interruption.overlapS)), ("taken_floor", .bool(interruption.takenFloor)),
            ])
        case let .alert(atS, alert):
            line("alert", atS: atS, [
                ("rule", .string(alert.rule.rawValue)), ("value", number(alert.value)),
                ("limit", number(alert.limit)), ("message", .string(alert.message)),
            ])
        case let .gap(atS, lostS):
            line("gap", atS: atS, [("lost_s", number(lostS))])
        }
    }

    /// The final line: `type` `summary`, the whole `callpulse.summary/1` object under `summary`.
    public static func summary(_ summary: Summary, atS: Double) -> String {
        let head = JSONWriter.write(.object([("schema", .string(schema)), ("type", .string("summary")), ("t_s", number(atS))]), pretty: false)
        return String(head.dropLast()) + ",\"summary\":" + SummaryJSON.render(summary, compact: true) + "}"
    }

    /// Shift mode: call `index` has started, `offset_s` into the capture.
    public static func callStart(index: Int, offsetS: Double, atS: Double) -> String {
        line("call_start", atS: atS, [("index", integer(index)), ("offset_s", number(offsetS))])
    }

    /// Shift mode: a call has ended (its summary follows).
    public static func callEnd(_ summary: Summary, atS: Double) -> String {
        let call = summary.session.call
        return line("call_end", atS: atS, [
            ("index", call.map { integer($0.index) } ?? .null), ("offset_s", call.map { number($0.offsetS) } ?? .null),
            ("duration_s", number(summary.session.durationS)), ("ended_by", call.map { .string($0.endedBy.rawValue) } ?? .null),
        ])
    }

    /// Shift mode, last line: the shift figures.
    public static func shift(_ shift: ShiftFigures, atS: Double) -> String {
        line("shift", atS: atS, [("shift", shift.json)])
    }

    /// The event as one line for the live view's event list: `0:20.10  pause 1.5 s agent → customer`.
    public static func text(_ event: LiveEvent) -> String {
        func s(_ value: Double) -> String { NumberFormat.fixed(value, decimals: 1) + " s" }
        let body: String = switch event {
        case let .ring(_, rings): "ring \(rings)"
        case let .answer(_, answeredS): "answered at " + NumberFormat.clock(answeredS)
        case let .pause(_, pause):
            (pause.deadAir ? "dead air " : pause.kind.rawValue + " ") + s(pause.durationS) + " "
                + pause.before.rawValue + " → " + pause.after.rawValue + " (at " + NumberFormat.clock(pause.startS) + ")"
        case let .deadAir(_, startS): "dead air since " + NumberFormat.clock(startS)
        case let .interruption(_, interruption):
            interruption.by.rawValue + " interrupted (overlap " + s(interruption.overlapS) + ", "
                + (interruption.takenFloor ? "took the floor" : "did not take the floor") + ")"
        case let .alert(_, alert): "ALERT " + alert.message
        case let .gap(_, lostS): "capture gap " + s(lostS) + " (counted as silence)"
        }
        return NumberFormat.clock(event.atS) + "  " + body
    }

    // MARK: - JSON helpers

    private static func line(_ type: String, atS: Double, _ members: [(String, JSONValue)]) -> String {
        let head: [(key: String, value: JSONValue)] = [("schema", .string(schema)), ("type", .string(type)), ("t_s", number(atS))]
        return JSONWriter.write(.object(head + members.map { (key: $0.0, value: $0.1) }), pretty: false)
    }

    /// Times and ratios with at most 2 decimals, as in the summary.
    private static func number(_ value: Double) -> JSONValue {
        value.isFinite ? .number(roundedToHundredths(value).description) : .null
    }

    private static func optional(_ value: Double?) -> JSONValue { value.map(number) ?? .null }

    private static func integer(_ value: Int) -> JSONValue { .number(String(value)) }
}
