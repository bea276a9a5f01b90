import CallPulseCore
import Foundation

/// What a dashboard user may do (`callpulse serve`): a supervisor reads and deletes calls, a
/// viewer reads only.
public enum DashboardRole: String, Sendable, CaseIterable, Codable {
    case supervisor
    case viewer
}

/// A dashboard login: the name, the role and the bcrypt hash of the password.
public struct DashboardUser: Equatable, Sendable {
    public var name: String
    public var role: DashboardRole
    public var passwordHash: String

    public init(name: String, role: DashboardRole, passwordHash: String) {
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
    }
}

/// One agent's live monitor as the wallboard shows it: what `callpulse live` publishes into
/// the store about once a second (SPEC "Supervisor dashboard").
public struct LiveTile: Equatable, Sendable, Codable {
    /// What the line is doing now.
    public enum State: String, Sendable, Codable {
        case idle
        case ringing
        case talking
        case silence
        case deadAir = "dead_air"
    }

    /// How the tile is marked: `red` for dead air now or ringing past the ring limit,
    /// `amber` for a rule broken earlier in this call.
    public enum Level: String, Sendable, Codable {
        case ok
        case amber
        case red
    }

    public var agent: String
    /// The monitor's own id: a second monitor under the same agent name replaces the tile.
    public var monitor: String
    public var state: State
    /// Rings heard in the current call (ringing, or before the answer).
    public var rings: Int?
    /// Seconds since the current call started; `nil` between calls.
    public var inCallS: Double?
    /// The agent's share of the talk in this call, 0-1.
    public var talkShare: Double?
    /// The current silence, seconds (silence and dead air).
    public var silenceS: Double?
    /// The latest alert of this call, as `callpulse live` words it.
    public var alert: String?
    public var level: Level
    /// When the monitor published this, Unix milliseconds.
    public var atMs: Int64

    enum CodingKeys: String, CodingKey {
        case agent, monitor, state, rings
        case inCallS = "in_call_s"
        case talkShare = "talk_share"
        case silenceS = "silence_s"
        case alert, level
        case atMs = "at_ms"
    }

    public init(
        agent: String, monitor: String, state: State, rings: Int? = nil, inCallS: Double? = nil, talkShare: Double? = nil,
        silenceS: Double? = nil, alert: String? = nil, level: Level = .ok, atMs: Int64
    ) {
        self.agent = agent
        self.monitor = monitor
        self.state = state
        self.rings = rings
        self.inCallS = inCallS
        self.talkShare = talkShare
        self.silenceS = silenceS
        self.alert = alert
        self.level = level
        self.atMs = atMs
    }

    /// One line of JSON, through Core's one JSON writer (keys in declaration order).
    public func json() -> String {
        JSONWriter.compact(self)
    }

    public static func decode(_ json: String) -> LiveTile? {
        try? JSONDecoder().decode(LiveTile.self, from: Data(json.utf8))
    }
}

/// A change of the live board, as the store reports it to `serve`.
public enum LiveChange: Sendable {
    /// This tile is new or changed.
    case tile(LiveTile)
    /// The monitor of this agent has stopped.
    case gone(agent: String, monitor: String)
    /// Everything may have changed (a reconnect): reload the whole board.
    case reload
}

/// One row of `/calls`: the listed figures of a session, without its summary.
public struct CallRow: Equatable, Sendable {
    public var id: String
    public var agent: String?
    public var sortAt: String
    public var durationS: Double
    public var rings: Int?
    public var ringToAnswerS: Double?
    public var answered: Bool?
    public var agentShare: Double?
    public var deadAirCount: Int
    public var alertCount: Int
    public var alerts: String

    public init(
        id: String, agent: String?, sortAt: String, durationS: Double, rings: Int?, ringToAnswerS: Double?, answered: Bool?,
        agentShare: Double?, deadAirCount: Int, alertCount: Int, alerts: String
    ) {
        self.id = id
        self.agent = agent
        self.sortAt = sortAt
        self.durationS = durationS
        self.rings = rings
        self.ringToAnswerS = ringToAnswerS
        self.answered = answered
        self.agentShare = agentShare
        self.deadAirCount = deadAirCount
        self.alertCount = alertCount
        self.alerts = alerts
    }

    /// Where the next page starts: keyset paging on (sort_at, id), newest first, so page
    /// 1000 costs what page 1 costs (no OFFSET).
    public var cursor: CallCursor { CallCursor(sortAt: sortAt, id: id) }
}

/// A position in the newest-first call list: the rows after it are older (or, at the same
/// time, have a smaller id).
public struct CallCursor: Equatable, Sendable {
    public var sortAt: String
    public var id: String

    public init(sortAt: String, id: String) {
        self.sortAt = sortAt
        self.id = id
    }

    /// `SORTAT~ID` in a URL: a time and a session id, no personal data.
    public var token: String { sortAt + "~" + id }

    public init?(token: String) {
        let parts = token.split(separator: "~", maxSplits: 1).map(String.init)
        guard parts.count == 2, StoreDate.parseTimestamp(parts[0]) != nil, !parts[1].isEmpty,
              parts[1].utf8.allSatisfy({ $0 < 128 && $0 > 32 }) else { return nil }
        sortAt = parts[0]
        id = parts[1]
    }
}

/// The figures of one session that the trend charts of `/report` need.
public struct TrendRow: Equatable, Sendable {
    public var agent: String?
    public var sortAt: Date
    public var rings: Int?
    public var answered: Bool?
    public var ringToAnswerS: Double?
    public var agentShare: Double?
    public var deadAirCount: Int

    public init(agent: String?, sortAt: Date, rings: Int?, answered: Bool?, ringToAnswerS: Double?, agentShare: Double?, deadAirCount: Int) {
        self.agent = agent
        self.sortAt = sortAt
        self.rings = rings
        self.answered = answered
        self.ringToAnswerS = ringToAnswerS
        self.agentShare = agentShare
        self.deadAirCount = deadAirCount
    }
}

/// The team figures of `/metrics` (no agent names).
public struct DashboardMetrics: Equatable, Sendable {
    public var calls = 0
    public var callsWithRinging = 0
    public var answeredWithinRingLimit = 0
    public var deadAirSilences = 0
    public var agentsLive = 0
    /// Ring-to-answer seconds: how many answered calls at or below each bound.
    public var ringToAnswerBuckets: [(le: Double, count: Int)] = []
    public var ringToAnswerCount = 0
    public var ringToAnswerSumS = 0.0

    /// The histogram's upper bounds, seconds: a ring cycle is 1-6 s (EU 1+4, US 2+4, UK
    /// 0.4+0.2+0.4+2), so 3 rings is about 3-18 s; bounds every ring or two up to 30 s.
    public static let ringToAnswerBoundsS: [Double] = [2, 5, 10, 15, 20, 30]

    public init() {}

    public static func == (a: DashboardMetrics, b: DashboardMetrics) -> Bool {
        a.calls == b.calls && a.answeredWithinRingLimit == b.answeredWithinRingLimit && a.deadAirSilences == b.deadAirSilences
            && a.agentsLive == b.agentsLive && a.ringToAnswerCount == b.ringToAnswerCount
            && a.ringToAnswerBuckets.map(\.count) == b.ringToAnswerBuckets.map(\.count)
    }
}

/// The dashboard's view of a store: what `serve` reads often, and the users and live tiles
/// that only the dashboard keeps. Implemented on PostgreSQL and on the local SQLite store.
/// Every method throws `StoreError` only.
public protocol DashboardStore: AnyObject, Sendable {
    /// The store as error lines name it (never a password).
    var location: String { get }
    /// A trivial query: the store answers.
    func ping() async throws
    func user(named name: String) async throws -> DashboardUser?
    /// Adds `name` or gives an existing user the new role and password.
    func putUser(_ user: DashboardUser) async throws
    /// Removes the user `name`; `false` when there was none.
    func removeUser(named name: String) async throws -> Bool
    /// Wrong passwords given for `name` in a row, and when the last was.
    func loginFailures(name: String) async throws -> (count: Int, lastAt: Date?)
    func noteLoginFailure(name: String) async throws
    func clearLoginFailures(name: String) async throws
    /// The key every `serve` on this store signs cookies with: `proposed` if none was kept yet.
    func signingKey(proposed: [UInt8]) async throws -> [UInt8]
    /// The tiles of the monitors that published since `since`.
    func liveTiles(since: Date) async throws -> [LiveTile]
    /// The agent names that have sessions, sorted.
    func agents() async throws -> [String]
    /// Newest first, the rows after `cursor` that pass `filter`.
    func calls(_ filter: SessionFilter, after cursor: CallCursor?, limit: Int) async throws -> [CallRow]
    func trendRows(_ filter: SessionFilter) async throws -> [TrendRow]
    func metrics(maxRings: Int, liveSince: Date) async throws -> DashboardMetrics
    /// Changes of the live board as they happen (PostgreSQL: LISTEN; SQLite: a short poll).
    /// Ends when the task reading it is cancelled.
    func liveChanges() -> AsyncStream<LiveChange>
    func close() async
}

/// Where `callpulse live` puts its tile: the same store its sessions go to.
public protocol LiveStateWriter: AnyObject, Sendable {
    func publish(_ tile: LiveTile) async throws
    func remove(agent: String, monitor: String) async throws
    func close() async
}

/// The channel `callpulse live` notifies and `serve` listens on.
public enum LiveChannel {
    public static let name = "callpulse_live"
    /// A monitor older than this is no longer shown, seconds: it published nothing for 5
    /// periods (killed without saying goodbye, or its store link is down).
    public static let staleAfterS = 5.0
}
