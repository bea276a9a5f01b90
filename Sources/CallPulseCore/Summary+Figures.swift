/// Figures derived from a summary's lists, worked out here once for every renderer, the
/// store, the alerts and the live events (they are not SPEC JSON keys of their own).
extension Summary {
    /// The pauses that are dead air (SPEC "Dead air"), in time order.
    public var deadAirPauses: [Pause] { pauses.filter(\.deadAir) }

    /// How many pauses are dead air.
    public var deadAirCount: Int { pauses.reduce(0) { $0 + ($1.deadAir ? 1 : 0) } }

    /// How many interruptions `party` made (0 where it made none, whatever the layout).
    public func interruptionCount(by party: Party) -> Int {
        interruptions.reduce(0) { $0 + ($1.by == party ? 1 : 0) }
    }

    /// How many interruptions `party` made, or `nil` when the layout does not hear both
    /// parties apart and interruptions are not judged (SPEC "Audio model").
    public func judgedInterruptionCount(by party: Party) -> Int? {
        source.layout.hasBothParties ? interruptionCount(by: party) : nil
    }
}

/// The figures of one session that a list of sessions shows (`sessions list`) and that the
/// store keeps as columns beside the summary: worked out here once for both.
public struct SessionFields: Equatable, Sendable {
    /// As the summary has it (the store keeps it normalised to UTC).
    public var startedAt: String?
    public var rings: Int?
    public var ringToAnswerS: Double?
    public var answered: Bool?
    public var agentShare: Double?
    public var deadAir: Int
    /// `nil` where interruptions are not judged (one channel).
    public var agentInterruptions: Int?
    public var greetingLatencyS: Double?
    /// The broken rules, in the summary's order.
    public var alertRules: [String]

    public init(_ summary: Summary) {
        startedAt = summary.session.startedAt
        rings = summary.ring?.rings
        ringToAnswerS = summary.ring?.ringToAnswerS
        answered = summary.ring?.answered
        agentShare = summary.talk.agentShare
        deadAir = summary.deadAirCount
        agentInterruptions = summary.judgedInterruptionCount(by: .agent)
        greetingLatencyS = summary.greetingLatencyS
        alertRules = summary.alerts.map(\.rule.rawValue)
    }
}

extension SessionFields {
    /// Figures kept elsewhere (a store's columns).
    public init(
        startedAt: String?, rings: Int?, ringToAnswerS: Double?, answered: Bool?, agentShare: Double?, deadAir: Int,
        agentInterruptions: Int?, greetingLatencyS: Double?, alertRules: [String]
    ) {
        self.startedAt = startedAt
        self.rings = rings
        self.ringToAnswerS = ringToAnswerS
        self.answered = answered
        self.agentShare = agentShare
        self.deadAir = deadAir
        self.agentInterruptions = agentInterruptions
        self.greetingLatencyS = greetingLatencyS
        self.alertRules = alertRules
    }
}

/// One line of `sessions list`: the session's id, agent, length and file with its
/// `SessionFields`. A store builds it from its columns, without decoding the summary.
public struct SessionListing: Equatable, Sendable {
    public var id: String
    public var agent: String?
    public var durationS: Double
    public var path: String
    public var fields: SessionFields

    public init(id: String, agent: String?, durationS: Double, path: String, fields: SessionFields) {
        self.id = id
        self.agent = agent
        self.durationS = durationS
        self.path = path
        self.fields = fields
    }

    public init(_ summary: Summary) {
        self.init(id: summary.session.id, agent: summary.session.agent, durationS: summary.session.durationS,
                  path: summary.source.path, fields: SessionFields(summary))
    }
}
