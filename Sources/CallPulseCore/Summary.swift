/// The summary of one session, schema `callpulse.summary/1` (SPEC "Summary JSON").
/// Times are seconds rounded to 2 decimals; unknown figures are `nil` (JSON `null`).
public struct Summary: Equatable, Sendable {
    public static let schema = "callpulse.summary/1"

    public var source: Source
    public var session: Session
    /// `nil` when no ring was heard (the conversation then starts at 0).
    public var ring: RingSummary?
    public var talk: Talk
    public var greetingLatencyS: Double?
    public var pauses: [Pause]
    public var interruptions: [Interruption]
    public var backchannels: Backchannels
    public var turns: Turns
    public var responseLatency: ResponseLatency
    public var switchesPerMin: Double?
    /// One entry per party heard, in party order.
    public var levels: [ChannelLevels]
    /// Every speech segment of every party, in time order.
    public var segments: [Segment]
    public var alerts: [Alert]

    public init(
        source: Source, session: Session, ring: RingSummary?, talk: Talk, greetingLatencyS: Double?,
        pauses: [Pause], interruptions: [Interruption], backchannels: Backchannels, turns: Turns,
        responseLatency: ResponseLatency, switchesPerMin: Double?, levels: [ChannelLevels],
        segments: [Segment], alerts: [Alert]
    ) {
        self.source = source
        self.session = session
        self.ring = ring
        self.talk = talk
        self.greetingLatencyS = greetingLatencyS
        self.pauses = pauses
        self.interruptions = interruptions
        self.backchannels = backchannels
        self.turns = turns
        self.responseLatency = responseLatency
        self.switchesPerMin = switchesPerMin
        self.levels = levels
        self.segments = segments
        self.alerts = alerts
    }

    public struct Source: Equatable, Sendable {
        /// `wav` for files, `alsa` for live capture.
        public var kind: String
        public var path: String
        public var sampleRateHz: Int
        public var channels: Int
        /// `pcm8`, `pcm16`, `pcm24`, `pcm32`, `float32`, `float64`, `mulaw`, `alaw`, or an ALSA format.
        public var format: String
        public var layout: ChannelLayout

        public init(kind: String, path: String, sampleRateHz: Int, channels: Int, format: String, layout: ChannelLayout) {
            self.kind = kind
            self.path = path
            self.sampleRateHz = sampleRateHz
            self.channels = channels
            self.format = format
            self.layout = layout
        }
    }

    public struct Session: Equatable, Sendable {
        /// Identity of the session: for files a hash of the audio content.
        public var id: String
        public var agent: String?
        /// ISO 8601 UTC, e.g. `2026-11-23T10:00:00Z`, when known.
        public var startedAt: String?
        public var durationS: Double
        /// Where this call lies in a longer capture (SPEC "Calls in a shift"); `nil` without
        /// shift splitting.
        public var call: Call?

        public init(id: String, agent: String?, startedAt: String?, durationS: Double, call: Call? = nil) {
            self.id = id
            self.agent = agent
            self.startedAt = startedAt
            self.durationS = durationS
            self.call = call
        }
    }

    /// A call cut out of a longer capture (SPEC "Summary JSON", `session.call`).
    public struct Call: Equatable, Sendable {
        /// What released the line (SPEC "Calls in a shift").
        public enum EndedBy: String, Sendable, Codable, CaseIterable {
            case hangupTone = "hangup_tone"
            case lineSilence = "line_silence"
            case lineClosed = "line_closed"
            /// Ctrl-C, `--duration` or the end of the file.
            case stop
        }

        public var shiftID: String
        /// 1-based number of the call in the shift.
        public var index: Int
        /// Where the call starts in the capture, s.
        public var offsetS: Double
        public var endedBy: EndedBy

        public init(shiftID: String, index: Int, offsetS: Double, endedBy: EndedBy) {
            self.shiftID = shiftID
            self.index = index
            self.offsetS = offsetS
            self.endedBy = endedBy
        }
    }

    public struct Talk: Equatable, Sendable {
        public var agentS: Double?
        public var customerS: Double?
        public var overlapS: Double?
        public var silenceS: Double
        public var agentShare: Double?
        public var agentPct: Double?
        public var customerPct: Double?

        public init(
            agentS: Double?, customerS: Double?, overlapS: Double?, silenceS: Double,
            agentShare: Double?, agentPct: Double?, customerPct: Double?
        ) {
            self.agentS = agentS
            self.customerS = customerS
            self.overlapS = overlapS
            self.silenceS = silenceS
            self.agentShare = agentShare
            self.agentPct = agentPct
            self.customerPct = customerPct
        }
    }

    public struct Backchannels: Equatable, Sendable {
        public var agent: Int?
        public var customer: Int?

        public init(agent: Int?, customer: Int?) {
            self.agent = agent
            self.customer = customer
        }
    }

    public struct Turns: Equatable, Sendable {
        public var count: Int
        public var agentLongestMonologueS: Double?
        public var customerLongestMonologueS: Double?

        public init(count: Int, agentLongestMonologueS: Double?, customerLongestMonologueS: Double?) {
            self.count = count
            self.agentLongestMonologueS = agentLongestMonologueS
            self.customerLongestMonologueS = customerLongestMonologueS
        }
    }

    public struct ResponseLatency: Equatable, Sendable {
        public var medianS: Double?
        public var p90S: Double?
        public var count: Int

        public init(medianS: Double?, p90S: Double?, count: Int) {
            self.medianS = medianS
            self.p90S = p90S
            self.count = count
        }
    }
}

/// SPEC "Ring": the ringing heard before the answer.
public struct RingSummary: Equatable, Sendable {
    public var rings: Int
    public var firstRingS: Double
    public var answeredS: Double?
    public var ringToAnswerS: Double?
    public var answered: Bool
    public var toneHz: [Double]
    public var onOffS: [Double]

    public init(
        rings: Int, firstRingS: Double, answeredS: Double?, ringToAnswerS: Double?, answered: Bool,
        toneHz: [Double], onOffS: [Double]
    ) {
        self.rings = rings
        self.firstRingS = firstRingS
        self.answeredS = answeredS
        self.ringToAnswerS = ringToAnswerS
        self.answered = answered
        self.toneHz = toneHz
        self.onOffS = onOffS
    }
}

/// SPEC "Silence pause": a mutual silence of at least `pause_min_s` inside the window.
public struct Pause: Equatable, Sendable {
    public enum Kind: String, Sendable, Codable {
        /// The speaker changes across the silence (a hand-over).
        case gap
        /// The same party speaks before and after.
        case pause
    }

    public var startFrame: Int
    public var endFrame: Int
    public var kind: Kind
    public var before: Party
    public var after: Party
    public var deadAir: Bool

    public init(startFrame: Int, endFrame: Int, kind: Kind, before: Party, after: Party, deadAir: Bool) {
        self.startFrame = startFrame
        self.endFrame = endFrame
        self.kind = kind
        self.before = before
        self.after = after
        self.deadAir = deadAir
    }

    public var startS: Double { FrameClock.seconds(startFrame) }
    public var endS: Double { FrameClock.seconds(endFrame) }
    public var durationS: Double { FrameClock.seconds(endFrame - startFrame) }
}

/// SPEC "Interruption".
public struct Interruption: Equatable, Sendable {
    public var atFrame: Int
    public var by: Party
    public var overlapFrames: Int
    public var takenFloor: Bool

    public init(atFrame: Int, by: Party, overlapFrames: Int, takenFloor: Bool) {
        self.atFrame = atFrame
        self.by = by
        self.overlapFrames = overlapFrames
        self.takenFloor = takenFloor
    }

    public var atS: Double { FrameClock.seconds(atFrame) }
    public var overlapS: Double { FrameClock.seconds(overlapFrames) }
}

/// SPEC "Levels", per channel.
public struct ChannelLevels: Equatable, Sendable {
    public var party: Party
    /// RMS of the party's speech frames, dBFS; `nil` when it never spoke.
    public var speechDbfs: Double?
    /// 10th-percentile frame RMS of non-speech frames, dBFS; `nil` when every frame was speech.
    public var noiseDbfs: Double?
    public var snrDb: Double?
    public var clippedRatio: Double

    public init(party: Party, speechDbfs: Double?, noiseDbfs: Double?, snrDb: Double?, clippedRatio: Double) {
        self.party = party
        self.speechDbfs = speechDbfs
        self.noiseDbfs = noiseDbfs
        self.snrDb = snrDb
        self.clippedRatio = clippedRatio
    }
}

/// A broken rule (SPEC "Alerts").
public struct Alert: Equatable, Sendable {
    public enum Rule: String, Sendable, Codable, CaseIterable {
        case rings
        case agentShare = "agent_share"
        case deadAir = "dead_air"
        case greetingLatency = "greeting_latency"
        case agentInterruptions = "agent_interruptions"
        case snr
        case clipping
        case monologue
    }

    public var rule: Rule
    /// The measured figure.
    public var value: Double
    /// The configured limit it broke.
    public var limit: Double
    /// One sentence for the agent or supervisor.
    public var message: String
    /// The channel a per-channel rule (SNR, clipping) was broken on; `nil` for the rules
    /// about the whole call. Not in the SPEC JSON (it has no such field), so an alert read
    /// back from JSON has `nil` here.
    public var party: Party?

    public init(rule: Rule, value: Double, limit: Double, message: String, party: Party? = nil) {
        self.rule = rule
        self.value = value
        self.limit = limit
        self.message = message
        self.party = party
    }
}
