@testable import CallPulseCore
import Foundation
import Testing
@testable import CallPulseRender

/// Every key of SPEC "Summary JSON", in SPEC order, per object.
private enum SpecKeys {
    static let top = [
        "schema", "source", "session", "ring", "talk", "greeting_latency_s", "pauses", "interruptions",
        "backchannels", "turns", "response_latency", "switches_per_min", "levels", "segments", "alerts",
    ]
    static let source = ["kind", "path", "sample_rate", "channels", "format", "layout"]
    /// `call` (SPEC "Calls in a shift") is `null` unless the session was cut out of a shift.
    static let session = ["id", "agent", "started_at", "duration_s", "call"]
    static let ring = ["rings", "first_ring_s", "answered_s", "ring_to_answer_s", "answered", "tone_hz", "on_off_s"]
    static let talk = ["agent_s", "customer_s", "overlap_s", "silence_s", "agent_share", "agent_pct", "customer_pct"]
    static let pause = ["start_s", "end_s", "kind", "before", "after", "dead_air"]
    static let interruption = ["at_s", "by", "overlap_s", "taken_floor"]
    static let backchannels = ["agent", "customer"]
    static let turns = ["count", "agent_longest_monologue_s", "customer_longest_monologue_s"]
    static let responseLatency = ["median_s", "p90_s", "count"]
    static let levels = ["speech_dbfs", "noise_dbfs", "snr_db", "clipped_ratio"]
    static let segment = ["party", "start_s", "end_s"]
    static let alert = ["rule", "value", "limit", "message"]
}

private func parseObject(_ text: String) throws -> [String: Any] {
    let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    return try #require(parsed as? [String: Any])
}

private func object(_ value: Any?) throws -> [String: Any] {
    try #require(value as? [String: Any])
}

private func objects(_ value: Any?) throws -> [[String: Any]] {
    try #require(value as? [[String: Any]])
}

private func isNull(_ value: Any?) -> Bool {
    value is NSNull
}

/// Keys of an object in the order the encoder wrote them.
private func orderedKeys(_ value: JSONValue?) -> [String]? {
    guard case let .object(members) = value else { return nil }
    return members.map(\.key)
}

private func member(_ value: JSONValue?, _ key: String) -> JSONValue? {
    guard case let .object(members) = value else { return nil }
    return members.first { $0.key == key }?.value
}

private func element(_ value: JSONValue?, _ index: Int) -> JSONValue? {
    guard case let .array(items) = value, items.indices.contains(index) else { return nil }
    return items[index]
}

@Suite struct SummaryJSONTests {
    @Test("an array streamed item by item (archive runs) is the array written whole")
    func streamedArrayEqualsWholeArray() {
        var second = Fixtures.fullCall
        second.session.call = Summary.Call(shiftID: "c0ffee", index: 2, offsetS: 1843.27, endedBy: .lineSilence)
        let streamed = SummaryJSON.arrayOpening + SummaryJSON.arrayItem(Fixtures.fullCall)
            + SummaryJSON.arraySeparator + SummaryJSON.arrayItem(second) + SummaryJSON.arrayClosing
        #expect(streamed == SummaryJSON.render([Fixtures.fullCall, second]))
        #expect(streamed.contains("\"offset_s\": 1843.27,\n        \"ended_by\": \"line_silence\""))
    }

    @Test func everySpecKeyIsPresentWithTheFixtureValues() throws {
        let json = try parseObject(SummaryJSON.render(Fixtures.fullCall))
        #expect(Set(json.keys) == Set(SpecKeys.top))
        #expect(json["schema"] as? String == "callpulse.summary/1")

        let source = try object(json["source"])
        #expect(Set(source.keys) == Set(SpecKeys.source))
        #expect(source["kind"] as? String == "wav")
        #expect(source["path"] as? String == "Samples/call.wav")
        #expect(source["sample_rate"] as? Int == 8000)
        #expect(source["channels"] as? Int == 2)
        #expect(source["format"] as? String == "pcm16")
        #expect(source["layout"] as? String == "agent,customer")

        let session = try object(json["session"])
        #expect(Set(session.keys) == Set(SpecKeys.session))
        #expect(session["id"] as? String == "c0ffee")
        #expect(session["agent"] as? String == "anna")
        #expect(session["started_at"] as? String == "2026-11-23T10:00:00Z")
        #expect(session["duration_s"] as? Double == 183.2)

        let ring = try object(json["ring"])
        #expect(Set(ring.keys) == Set(SpecKeys.ring))
        #expect(ring["rings"] as? Int == 4)
        #expect(ring["first_ring_s"] as? Double == 0.52)
        #expect(ring["answered_s"] as? Double == 14.1)
        #expect(ring["ring_to_answer_s"] as? Double == 13.58)
        #expect(ring["answered"] as? Bool == true)
        #expect(ring["tone_hz"] as? [Double] == [425])
        #expect(ring["on_off_s"] as? [Double] == [1.0, 4.0])

        let talk = try object(json["talk"])
        #expect(Set(talk.keys) == Set(SpecKeys.talk))
        #expect(talk["agent_s"] as? Double == 61.3)
        #expect(talk["customer_s"] as? Double == 80.1)
        #expect(talk["overlap_s"] as? Double == 3.2)
        #expect(talk["silence_s"] as? Double == 25.4)
        #expect(talk["agent_share"] as? Double == 0.43)
        #expect(talk["agent_pct"] as? Double == 0.37)
        #expect(talk["customer_pct"] as? Double == 0.48)

        #expect(json["greeting_latency_s"] as? Double == 0.62)

        let pauses = try objects(json["pauses"])
        #expect(pauses.count == 2)
        #expect(Set(pauses[1].keys) == Set(SpecKeys.pause))
        // Frames 5000...5590 of 10 ms.
        #expect(pauses[1]["start_s"] as? Double == 50.0)
        #expect(pauses[1]["end_s"] as? Double == 55.9)
        #expect(pauses[1]["kind"] as? String == "pause")
        #expect(pauses[1]["before"] as? String == "customer")
        #expect(pauses[1]["after"] as? String == "customer")
        #expect(pauses[1]["dead_air"] as? Bool == true)
        #expect(pauses[0]["kind"] as? String == "gap")
        #expect(pauses[0]["dead_air"] as? Bool == false)

        let interruptions = try objects(json["interruptions"])
        #expect(interruptions.count == 2)
        #expect(Set(interruptions[0].keys) == Set(SpecKeys.interruption))
        #expect(interruptions[0]["at_s"] as? Double == 45.2)
        #expect(interruptions[0]["by"] as? String == "agent")
        #expect(interruptions[0]["overlap_s"] as? Double == 0.9)
        #expect(interruptions[0]["taken_floor"] as? Bool == true)
        #expect(interruptions[1]["taken_floor"] as? Bool == false)

        let backchannels = try object(json["backchannels"])
        #expect(Set(backchannels.keys) == Set(SpecKeys.backchannels))
        #expect(backchannels["agent"] as? Int == 12)
        #expect(backchannels["customer"] as? Int == 3)

        let turns = try object(json["turns"])
        #expect(Set(turns.keys) == Set(SpecKeys.turns))
        #expect(turns["count"] as? Int == 41)
        #expect(turns["agent_longest_monologue_s"] as? Double == 22.4)
        #expect(turns["customer_longest_monologue_s"] as? Double == 31.0)

        let latency = try object(json["response_latency"])
        #expect(Set(latency.keys) == Set(SpecKeys.responseLatency))
        #expect(latency["median_s"] as? Double == 0.41)
        #expect(latency["p90_s"] as? Double == 1.2)
        #expect(latency["count"] as? Int == 19)

        #expect(json["switches_per_min"] as? Double == 6.1)

        let levels = try object(json["levels"])
        #expect(Set(levels.keys) == ["agent", "customer"])
        let customerLevels = try object(levels["customer"])
        #expect(Set(customerLevels.keys) == Set(SpecKeys.levels))
        #expect(customerLevels["speech_dbfs"] as? Double == -25.4)
        #expect(customerLevels["noise_dbfs"] as? Double == -38.0)
        #expect(customerLevels["snr_db"] as? Double == 12.6)
        // Not rounded to 2 decimals: the clipping limit is 0.001.
        #expect(customerLevels["clipped_ratio"] as? Double == 0.0012)
        #expect(try object(levels["agent"])["snr_db"] as? Double == 39.2)

        let segments = try objects(json["segments"])
        #expect(segments.count == 3)
        #expect(Set(segments[0].keys) == Set(SpecKeys.segment))
        #expect(segments[0]["party"] as? String == "agent")
        #expect(segments[0]["start_s"] as? Double == 14.6)
        #expect(segments[0]["end_s"] as? Double == 16.2)
        #expect(segments[1]["party"] as? String == "customer")

        let alerts = try objects(json["alerts"])
        #expect(alerts.count == 4)
        #expect(Set(alerts[0].keys) == Set(SpecKeys.alert))
        #expect(alerts.map { $0["rule"] as? String } == ["rings", "dead_air", "snr", "clipping"])
        #expect(alerts[0]["value"] as? Double == 4)
        #expect(alerts[0]["limit"] as? Double == 3)
        #expect(alerts[0]["message"] as? String == "answered after 4 rings")
    }

    @Test func unknownFiguresAreNullNeverOmitted() throws {
        let json = try parseObject(SummaryJSON.render(Fixtures.sparseCall))
        #expect(Set(json.keys) == Set(SpecKeys.top))
        #expect(isNull(json["ring"]))
        #expect(isNull(json["greeting_latency_s"]))
        #expect(isNull(json["switches_per_min"]))

        let session = try object(json["session"])
        #expect(Set(session.keys) == Set(SpecKeys.session))
        #expect(isNull(session["agent"]))
        #expect(isNull(session["started_at"]))

        let talk = try object(json["talk"])
        #expect(Set(talk.keys) == Set(SpecKeys.talk))
        for key in ["customer_s", "overlap_s", "agent_share", "customer_pct"] {
            #expect(isNull(talk[key]), "talk.\(key)")
        }
        #expect(talk["agent_s"] as? Double == 40)

        let backchannels = try object(json["backchannels"])
        #expect(isNull(backchannels["agent"]) && isNull(backchannels["customer"]))
        let turns = try object(json["turns"])
        #expect(isNull(turns["agent_longest_monologue_s"]) && isNull(turns["customer_longest_monologue_s"]))
        #expect(turns["count"] as? Int == 0)
        let latency = try object(json["response_latency"])
        #expect(isNull(latency["median_s"]) && isNull(latency["p90_s"]))

        let agentLevels = try object(try object(json["levels"])["agent"])
        #expect(Set(agentLevels.keys) == Set(SpecKeys.levels))
        #expect(isNull(agentLevels["speech_dbfs"]) && isNull(agentLevels["snr_db"]))
        #expect(agentLevels["noise_dbfs"] as? Double == -60)

        #expect(try objects(json["pauses"]).isEmpty)
        #expect(try objects(json["segments"]).isEmpty)
    }

    @Test func abandonedCallHasNullAnswerTimes() throws {
        let ring = try object(try parseObject(SummaryJSON.render(Fixtures.abandonedCall))["ring"])
        #expect(Set(ring.keys) == Set(SpecKeys.ring))
        #expect(isNull(ring["answered_s"]) && isNull(ring["ring_to_answer_s"]))
        #expect(ring["answered"] as? Bool == false)
        #expect(ring["tone_hz"] as? [Double] == [440, 480])
    }

    @Test func keysComeInSpecOrder() throws {
        let tree = try OrderedJSONEncoder.encode(Fixtures.fullCall)
        #expect(orderedKeys(tree) == SpecKeys.top)
        #expect(orderedKeys(member(tree, "source")) == SpecKeys.source)
        #expect(orderedKeys(member(tree, "session")) == SpecKeys.session)
        #expect(orderedKeys(member(tree, "ring")) == SpecKeys.ring)
        #expect(orderedKeys(member(tree, "talk")) == SpecKeys.talk)
        #expect(orderedKeys(element(member(tree, "pauses"), 0)) == SpecKeys.pause)
        #expect(orderedKeys(element(member(tree, "interruptions"), 0)) == SpecKeys.interruption)
        #expect(orderedKeys(member(tree, "backchannels")) == SpecKeys.backchannels)
        #expect(orderedKeys(member(tree, "turns")) == SpecKeys.turns)
        #expect(orderedKeys(member(tree, "response_latency")) == SpecKeys.responseLatency)
        #expect(orderedKeys(member(tree, "levels")) == ["agent", "customer"])
        #expect(orderedKeys(member(member(tree, "levels"), "customer")) == SpecKeys.levels)
        #expect(orderedKeys(element(member(tree, "segments"), 0)) == SpecKeys.segment)
        #expect(orderedKeys(element(member(tree, "alerts"), 0)) == SpecKeys.alert)
    }

    @Test func printedTextKeepsTheOrderToo() {
        let text = SummaryJSON.render(Fixtures.fullCall)
        // Top-level members are the lines indented by exactly two spaces.
        let topKeys = text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  \""), !line.hasPrefix("   ") else { return nil }
            return String(line.dropFirst(3).prefix { $0 != "\"" })
        }
        #expect(topKeys == SpecKeys.top)
        #expect(text.hasPrefix("{\n  \"schema\": \"callpulse.summary/1\",\n  \"source\": {"))
    }

    @Test func numbersPrintPlainlyAndPathsUnescaped() {
        let text = SummaryJSON.render(Fixtures.fullCall)
        #expect(text.contains("\"answered_s\": 14.1,"))
        #expect(text.contains("\"agent_share\": 0.43,"))
        #expect(text.contains("\"duration_s\": 183.2"))
        #expect(text.contains("\"path\": \"Samples/call.wav\""))
        // Whole doubles keep their `.0` (Swift's shortest round-trip text); readers see the same number.
        #expect(text.contains("\"tone_hz\": [425.0]"))
        #expect(text.contains("\"on_off_s\": [1.0, 4.0]"))
        #expect(text.contains("{\"party\": \"agent\", \"start_s\": 14.6, \"end_s\": 16.2}"))
    }

    @Test func timesAreWrittenWithAtMostTwoDecimals() throws {
        var summary = Fixtures.fullCall
        summary.talk.agentS = 0.1 + 0.2  // 0.30000000000000004
        summary.greetingLatencyS = 0.625_000_1
        summary.session.durationS = 183.199_999
        let json = try parseObject(SummaryJSON.render(summary, compact: true))
        #expect(try object(json["talk"])["agent_s"] as? Double == 0.3)
        #expect(json["greeting_latency_s"] as? Double == 0.63)
        #expect(try object(json["session"])["duration_s"] as? Double == 183.2)
    }

    @Test func compactIsOneLineWithTheSameContent() throws {
        let compact = SummaryJSON.render(Fixtures.fullCall, compact: true)
        #expect(!compact.contains("\n"))
        #expect(compact.hasPrefix("{\"schema\":\"callpulse.summary/1\",\"source\":{\"kind\":\"wav\""))
        let decoded = try JSONDecoder().decode(Summary.self, from: Data(compact.utf8))
        #expect(decoded == Fixtures.fullCall)
    }

    @Test(arguments: [Fixtures.fullCall, Fixtures.sparseCall, Fixtures.abandonedCall])
    func decodingTheRenderedTextGivesTheSummaryBack(summary: Summary) throws {
        let decoded = try JSONDecoder().decode(Summary.self, from: Data(SummaryJSON.render(summary).utf8))
        #expect(decoded == summary)
    }

    @Test(arguments: [Fixtures.fullCall, Fixtures.sparseCall, Fixtures.abandonedCall])
    func codableRoundTripsThroughFoundationToo(summary: Summary) throws {
        // The store may use Foundation's encoder: the Codable definition alone must round-trip.
        let decoded = try JSONDecoder().decode(Summary.self, from: JSONEncoder().encode(summary))
        #expect(decoded == summary)
    }

    @Test func severalSummariesMakeAnArray() throws {
        let text = SummaryJSON.render([Fixtures.fullCall, Fixtures.sparseCall])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(parsed.count == 2)
        #expect(parsed.map { (try? object($0["source"]))?["path"] as? String } == ["Samples/call.wav", "mono.wav"])
        let decoded = try JSONDecoder().decode([Summary].self, from: Data(text.utf8))
        #expect(decoded == [Fixtures.fullCall, Fixtures.sparseCall])
        #expect(SummaryJSON.render([Summary]()) == "[]")
    }

    @Test func stringsAreEscaped() throws {
        var summary = Fixtures.sparseCall
        summary.source.path = "dir/\"odd\"\\name\n\u{01}é.wav"
        let json = try parseObject(SummaryJSON.render(summary))
        #expect(try object(json["source"])["path"] as? String == summary.source.path)
    }

    @Test func decodingRefusesAnotherSchema() throws {
        let text = SummaryJSON.render(Fixtures.sparseCall).replacingOccurrences(of: "callpulse.summary/1", with: "callpulse.summary/2")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Summary.self, from: Data(text.utf8)) }
    }

    @Test func decodingRefusesAMissingKey() throws {
        var json = try parseObject(SummaryJSON.render(Fixtures.fullCall))
        json["greeting_latency_s"] = nil
        let data = try JSONSerialization.data(withJSONObject: json)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Summary.self, from: data) }
    }

    @Test func decodingRefusesASegmentThatEndsBeforeItStarts() throws {
        let text = SummaryJSON.render(Fixtures.fullCall, compact: true)
            .replacingOccurrences(of: "\"start_s\":14.6,\"end_s\":16.2", with: "\"start_s\":16.2,\"end_s\":14.6")
        #expect(text != SummaryJSON.render(Fixtures.fullCall, compact: true))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Summary.self, from: Data(text.utf8)) }
    }

    @Test func decodingRestoresPartyOrderOfLevels() throws {
        let text = """
            {"agent": {"speech_dbfs": -20, "noise_dbfs": -60, "snr_db": 40, "clipped_ratio": 0},
             "customer": {"speech_dbfs": -30, "noise_dbfs": -50, "snr_db": 20, "clipped_ratio": 0}}
            """
        var json = try parseObject(SummaryJSON.render(Fixtures.fullCall))
        json["levels"] = try JSONSerialization.jsonObject(with: Data(text.utf8))
        // JSONSerialization writes keys in hash order; decoding must not depend on it.
        let decoded = try JSONDecoder().decode(Summary.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(decoded.levels.map(\.party) == [.agent, .customer])
        #expect(decoded.levels.map(\.snrDb) == [40, 20])
    }

    @Test func nonFiniteNumbersBecomeNull() throws {
        var summary = Fixtures.fullCall
        summary.levels[0].snrDb = .infinity
        summary.switchesPerMin = .nan
        let json = try parseObject(SummaryJSON.render(summary))
        #expect(isNull(json["switches_per_min"]))
        #expect(isNull(try object(try object(json["levels"])["agent"])["snr_db"]))
    }
}
