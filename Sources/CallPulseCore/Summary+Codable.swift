// Codable form of `Summary`: schema `callpulse.summary/1` (SPEC "Summary JSON").
//
// Every `encode(to:)` is written by hand so that
// - keys come in SPEC order (an order-keeping encoder such as CallPulseRender's writes them so),
// - unknown figures are written as `null`, never omitted (`encodeNil`, not `encodeIfPresent`),
// - times are seconds with at most 2 decimals (frames / 100, or rounded to hundredths).
// Decoding is strict: every SPEC key must be present (`null` where unknown), so a truncated
// or foreign object is refused rather than read as a summary with missing figures; and every
// number must be finite and within ±`Summary.figureLimit`, so a damaged stored row (a
// duration of 1e300) is refused here rather than trapping wherever it is turned into frames.

extension Summary: Codable {
    enum CodingKeys: String, CodingKey {
        case schema, source, session, ring, talk
        case greetingLatencyS = "greeting_latency_s"
        case pauses, interruptions, backchannels, turns
        case responseLatency = "response_latency"
        case switchesPerMin = "switches_per_min"
        case levels, segments, alerts
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Summary.schema, forKey: .schema)
        try container.encode(source, forKey: .source)
        try container.encode(session, forKey: .session)
        if let ring {
            try container.encode(ring, forKey: .ring)
        } else {
            try container.encodeNil(forKey: .ring)
        }
        try container.encode(talk, forKey: .talk)
        try container.encodeSeconds(greetingLatencyS, forKey: .greetingLatencyS)
        try container.encode(pauses, forKey: .pauses)
        try container.encode(interruptions, forKey: .interruptions)
        try container.encode(backchannels, forKey: .backchannels)
        try container.encode(turns, forKey: .turns)
        try container.encode(responseLatency, forKey: .responseLatency)
        try container.encodeNullable(switchesPerMin, forKey: .switchesPerMin)
        var levelsContainer = container.nestedContainer(keyedBy: PartyKey.self, forKey: .levels)
        for channel in levels {
            try levelsContainer.encode(LevelFigures(channel), forKey: PartyKey(channel.party))
        }
        try container.encode(segments, forKey: .segments)
        try container.encode(alerts, forKey: .alerts)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let schema = try container.decode(String.self, forKey: .schema)
        guard schema == Summary.schema else {
            throw DecodingError.dataCorruptedError(
                forKey: .schema, in: container,
                debugDescription: "schema is \"\(schema)\"; this build reads \"\(Summary.schema)\" only"
            )
        }
        let levelsContainer = try container.nestedContainer(keyedBy: PartyKey.self, forKey: .levels)
        var levels: [ChannelLevels] = []
        for key in levelsContainer.allKeys {
            guard let party = Party(rawValue: key.stringValue) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: levelsContainer,
                    debugDescription: "levels key \"\(key.stringValue)\" is not a party (agent, customer, mixed)"
                )
            }
            let figures = try levelsContainer.decode(LevelFigures.self, forKey: key)
            levels.append(figures.levels(for: party))
        }
        // JSON objects carry no order: restore the documented party order.
        levels.sort { $0.party < $1.party }

        self.init(
            source: try container.decode(Source.self, forKey: .source),
            session: try container.decode(Session.self, forKey: .session),
            ring: try container.decode(RingSummary?.self, forKey: .ring),
            talk: try container.decode(Talk.self, forKey: .talk),
            greetingLatencyS: try container.decodeFigure(Double?.self, forKey: .greetingLatencyS),
            pauses: try container.decode([Pause].self, forKey: .pauses),
            interruptions: try container.decode([Interruption].self, forKey: .interruptions),
            backchannels: try container.decode(Backchannels.self, forKey: .backchannels),
            turns: try container.decode(Turns.self, forKey: .turns),
            responseLatency: try container.decode(ResponseLatency.self, forKey: .responseLatency),
            switchesPerMin: try container.decodeFigure(Double?.self, forKey: .switchesPerMin),
            levels: levels,
            segments: try container.decode([Segment].self, forKey: .segments),
            alerts: try container.decode([Alert].self, forKey: .alerts)
        )
    }

    /// A key of the `levels` object: a party name.
    struct PartyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }

        init(_ party: Party) { stringValue = party.rawValue }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The value of one `levels` entry: `ChannelLevels` without its party, which is the key.
    struct LevelFigures: Codable {
        enum CodingKeys: String, CodingKey {
            case speechDbfs = "speech_dbfs"
            case noiseDbfs = "noise_dbfs"
            case snrDb = "snr_db"
            case clippedRatio = "clipped_ratio"
        }

        var speechDbfs: Double?
        var noiseDbfs: Double?
        var snrDb: Double?
        var clippedRatio: Double

        init(_ levels: ChannelLevels) {
            speechDbfs = levels.speechDbfs
            noiseDbfs = levels.noiseDbfs
            snrDb = levels.snrDb
            clippedRatio = levels.clippedRatio
        }

        func levels(for party: Party) -> ChannelLevels {
            ChannelLevels(party: party, speechDbfs: speechDbfs, noiseDbfs: noiseDbfs, snrDb: snrDb, clippedRatio: clippedRatio)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeNullable(speechDbfs, forKey: .speechDbfs)
            try container.encodeNullable(noiseDbfs, forKey: .noiseDbfs)
            try container.encodeNullable(snrDb, forKey: .snrDb)
            // Not rounded: the alert limit is 0.001, finer than 2 decimals.
            try container.encode(clippedRatio, forKey: .clippedRatio)
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            speechDbfs = try container.decodeFigure(Double?.self, forKey: .speechDbfs)
            noiseDbfs = try container.decodeFigure(Double?.self, forKey: .noiseDbfs)
            snrDb = try container.decodeFigure(Double?.self, forKey: .snrDb)
            clippedRatio = try container.decodeFigure(Double.self, forKey: .clippedRatio)
        }
    }
}

extension Summary.Source: Codable {
    enum CodingKeys: String, CodingKey {
        case kind, path
        case sampleRateHz = "sample_rate"
        case channels, format, layout
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(path, forKey: .path)
        try container.encode(sampleRateHz, forKey: .sampleRateHz)
        try container.encode(channels, forKey: .channels)
        try container.encode(format, forKey: .format)
        try container.encode(layout, forKey: .layout)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            kind: try container.decode(String.self, forKey: .kind),
            path: try container.decode(String.self, forKey: .path),
            sampleRateHz: try container.decodeFigure(Int.self, forKey: .sampleRateHz),
            channels: try container.decodeFigure(Int.self, forKey: .channels),
            format: try container.decode(String.self, forKey: .format),
            layout: try container.decode(ChannelLayout.self, forKey: .layout)
        )
    }
}

extension Summary.Session: Codable {
    enum CodingKeys: String, CodingKey {
        case id, agent
        case startedAt = "started_at"
        case durationS = "duration_s"
        case call
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeNullable(agent, forKey: .agent)
        try container.encodeNullable(startedAt, forKey: .startedAt)
        try container.encodeSeconds(durationS, forKey: .durationS)
        try container.encodeNullable(call, forKey: .call)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            agent: try container.decode(String?.self, forKey: .agent),
            startedAt: try container.decode(String?.self, forKey: .startedAt),
            durationS: try container.decodeFigure(Double.self, forKey: .durationS),
            // Summaries stored before `call` existed have no such key: not from a shift.
            call: try container.decodeIfPresent(Summary.Call.self, forKey: .call)
        )
    }
}

extension Summary.Call: Codable {
    enum CodingKeys: String, CodingKey {
        case shiftID = "shift_id"
        case index
        case offsetS = "offset_s"
        case endedBy = "ended_by"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shiftID, forKey: .shiftID)
        try container.encode(index, forKey: .index)
        try container.encodeSeconds(offsetS, forKey: .offsetS)
        try container.encode(endedBy, forKey: .endedBy)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            shiftID: try container.decode(String.self, forKey: .shiftID),
            index: try container.decode(Int.self, forKey: .index),
            offsetS: try container.decodeFigure(Double.self, forKey: .offsetS),
            endedBy: try container.decode(Summary.Call.EndedBy.self, forKey: .endedBy)
        )
    }
}

extension RingSummary: Codable {
    enum CodingKeys: String, CodingKey {
        case rings
        case firstRingS = "first_ring_s"
        case answeredS = "answered_s"
        case ringToAnswerS = "ring_to_answer_s"
        case answered
        case toneHz = "tone_hz"
        case onOffS = "on_off_s"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rings, forKey: .rings)
        try container.encodeSeconds(firstRingS, forKey: .firstRingS)
        try container.encodeSeconds(answeredS, forKey: .answeredS)
        try container.encodeSeconds(ringToAnswerS, forKey: .ringToAnswerS)
        try container.encode(answered, forKey: .answered)
        try container.encode(toneHz, forKey: .toneHz)
        try container.encode(onOffS.map(roundedToHundredths), forKey: .onOffS)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            rings: try container.decodeFigure(Int.self, forKey: .rings),
            firstRingS: try container.decodeFigure(Double.self, forKey: .firstRingS),
            answeredS: try container.decodeFigure(Double?.self, forKey: .answeredS),
            ringToAnswerS: try container.decodeFigure(Double?.self, forKey: .ringToAnswerS),
            answered: try container.decode(Bool.self, forKey: .answered),
            toneHz: try container.decodeFigure([Double].self, forKey: .toneHz),
            onOffS: try container.decodeFigure([Double].self, forKey: .onOffS)
        )
    }
}

extension Summary.Talk: Codable {
    enum CodingKeys: String, CodingKey {
        case agentS = "agent_s"
        case customerS = "customer_s"
        case overlapS = "overlap_s"
        case silenceS = "silence_s"
        case agentShare = "agent_share"
        case agentPct = "agent_pct"
        case customerPct = "customer_pct"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeSeconds(agentS, forKey: .agentS)
        try container.encodeSeconds(customerS, forKey: .customerS)
        try container.encodeSeconds(overlapS, forKey: .overlapS)
        try container.encodeSeconds(silenceS, forKey: .silenceS)
        try container.encodeNullable(agentShare, forKey: .agentShare)
        try container.encodeNullable(agentPct, forKey: .agentPct)
        try container.encodeNullable(customerPct, forKey: .customerPct)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            agentS: try container.decodeFigure(Double?.self, forKey: .agentS),
            customerS: try container.decodeFigure(Double?.self, forKey: .customerS),
            overlapS: try container.decodeFigure(Double?.self, forKey: .overlapS),
            silenceS: try container.decodeFigure(Double.self, forKey: .silenceS),
            agentShare: try container.decodeFigure(Double?.self, forKey: .agentShare),
            agentPct: try container.decodeFigure(Double?.self, forKey: .agentPct),
            customerPct: try container.decodeFigure(Double?.self, forKey: .customerPct)
        )
    }
}

extension Summary.Backchannels: Codable {
    enum CodingKeys: String, CodingKey {
        case agent, customer
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeNullable(agent, forKey: .agent)
        try container.encodeNullable(customer, forKey: .customer)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            agent: try container.decodeFigure(Int?.self, forKey: .agent),
            customer: try container.decodeFigure(Int?.self, forKey: .customer)
        )
    }
}

extension Summary.Turns: Codable {
    enum CodingKeys: String, CodingKey {
        case count
        case agentLongestMonologueS = "agent_longest_monologue_s"
        case customerLongestMonologueS = "customer_longest_monologue_s"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encodeSeconds(agentLongestMonologueS, forKey: .agentLongestMonologueS)
        try container.encodeSeconds(customerLongestMonologueS, forKey: .customerLongestMonologueS)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            count: try container.decodeFigure(Int.self, forKey: .count),
            agentLongestMonologueS: try container.decodeFigure(Double?.self, forKey: .agentLongestMonologueS),
            customerLongestMonologueS: try container.decodeFigure(Double?.self, forKey: .customerLongestMonologueS)
        )
    }
}

extension Summary.ResponseLatency: Codable {
    enum CodingKeys: String, CodingKey {
        case medianS = "median_s"
        case p90S = "p90_s"
        case count
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeSeconds(medianS, forKey: .medianS)
        try container.encodeSeconds(p90S, forKey: .p90S)
        try container.encode(count, forKey: .count)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            medianS: try container.decodeFigure(Double?.self, forKey: .medianS),
            p90S: try container.decodeFigure(Double?.self, forKey: .p90S),
            count: try container.decodeFigure(Int.self, forKey: .count)
        )
    }
}

extension Pause: Codable {
    enum CodingKeys: String, CodingKey {
        case startS = "start_s"
        case endS = "end_s"
        case kind, before, after
        case deadAir = "dead_air"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(startS, forKey: .startS)
        try container.encode(endS, forKey: .endS)
        try container.encode(kind, forKey: .kind)
        try container.encode(before, forKey: .before)
        try container.encode(after, forKey: .after)
        try container.encode(deadAir, forKey: .deadAir)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            startFrame: FrameClock.frames(try container.decodeFigure(Double.self, forKey: .startS)),
            endFrame: FrameClock.frames(try container.decodeFigure(Double.self, forKey: .endS)),
            kind: try container.decode(Kind.self, forKey: .kind),
            before: try container.decode(Party.self, forKey: .before),
            after: try container.decode(Party.self, forKey: .after),
            deadAir: try container.decode(Bool.self, forKey: .deadAir)
        )
    }
}

extension Interruption: Codable {
    enum CodingKeys: String, CodingKey {
        case atS = "at_s"
        case by
        case overlapS = "overlap_s"
        case takenFloor = "taken_floor"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(atS, forKey: .atS)
        try container.encode(by, forKey: .by)
        try container.encode(overlapS, forKey: .overlapS)
        try container.encode(takenFloor, forKey: .takenFloor)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            atFrame: FrameClock.frames(try container.decodeFigure(Double.self, forKey: .atS)),
            by: try container.decode(Party.self, forKey: .by),
            overlapFrames: FrameClock.frames(try container.decodeFigure(Double.self, forKey: .overlapS)),
            takenFloor: try container.decode(Bool.self, forKey: .takenFloor)
        )
    }
}

extension Segment: Codable {
    enum CodingKeys: String, CodingKey {
        case party
        case startS = "start_s"
        case endS = "end_s"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(party, forKey: .party)
        try container.encode(startS, forKey: .startS)
        try container.encode(endS, forKey: .endS)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let party = try container.decode(Party.self, forKey: .party)
        let startFrame = FrameClock.frames(try container.decodeFigure(Double.self, forKey: .startS))
        let endFrame = FrameClock.frames(try container.decodeFigure(Double.self, forKey: .endS))
        // `Segment.init` traps on a reversed segment: refuse bad input with an error instead.
        guard endFrame >= startFrame else {
            throw DecodingError.dataCorruptedError(
                forKey: .endS, in: container, debugDescription: "segment ends before it starts"
            )
        }
        self.init(party: party, startFrame: startFrame, endFrame: endFrame)
    }
}

extension Alert: Codable {
    enum CodingKeys: String, CodingKey {
        case rule, value, limit, message
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule, forKey: .rule)
        try container.encode(value, forKey: .value)
        try container.encode(limit, forKey: .limit)
        try container.encode(message, forKey: .message)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            rule: try container.decode(Rule.self, forKey: .rule),
            value: try container.decodeFigure(Double.self, forKey: .value),
            limit: try container.decodeFigure(Double.self, forKey: .limit),
            message: try container.decode(String.self, forKey: .message)
        )
    }
}

extension KeyedEncodingContainer {
    /// Writes `value`, or `null` when it is unknown: SPEC fields are never omitted.
    fileprivate mutating func encodeNullable<Value: Encodable>(_ value: Value?, forKey key: Key) throws {
        if let value {
            try encode(value, forKey: key)
        } else {
            try encodeNil(forKey: key)
        }
    }

    /// Writes a time in seconds rounded to 2 decimals (SPEC), or `null` when it is unknown.
    fileprivate mutating func encodeSeconds(_ seconds: Double?, forKey key: Key) throws {
        try encodeNullable(seconds.map(roundedToHundredths), forKey: key)
    }
}

extension Summary {
    /// The largest magnitude any figure of a summary may have when it is read back: 1e9
    /// (31 years in seconds, far above any count, level or rate a call can have). Within it,
    /// seconds × 100 frames and every sum of them stay far from `Int`'s range.
    public static let figureLimit = 1e9
}

extension KeyedDecodingContainer {
    /// A figure that must be a finite number within ±`Summary.figureLimit`.
    fileprivate func decodeFigure(_ type: Double.Type, forKey key: Key) throws -> Double {
        let value = try decode(Double.self, forKey: key)
        guard value.isFinite, abs(value) <= Summary.figureLimit else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "\(key.stringValue) \(value) is out of range")
        }
        return value
    }

    /// A figure that may be unknown (`null`).
    fileprivate func decodeFigure(_ type: Double?.Type, forKey key: Key) throws -> Double? {
        try decodeNil(forKey: key) ? nil : decodeFigure(Double.self, forKey: key)
    }

    /// A count (rings, turns, a sample rate) within 0...`Summary.figureLimit`.
    fileprivate func decodeFigure(_ type: Int.Type, forKey key: Key) throws -> Int {
        let value = try decode(Int.self, forKey: key)
        guard value >= 0, Double(value) <= Summary.figureLimit else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "\(key.stringValue) \(value) is out of range")
        }
        return value
    }

    /// A count that may be unknown (`null`).
    fileprivate func decodeFigure(_ type: Int?.Type, forKey key: Key) throws -> Int? {
        try decodeNil(forKey: key) ? nil : decodeFigure(Int.self, forKey: key)
    }

    /// A list of figures (tone frequencies, cadence times).
    fileprivate func decodeFigure(_ type: [Double].Type, forKey key: Key) throws -> [Double] {
        let values = try decode([Double].self, forKey: key)
        if let bad = values.first(where: { !$0.isFinite || abs($0) > Summary.figureLimit }) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "\(key.stringValue) holds \(bad), out of range")
        }
        return values
    }
}
