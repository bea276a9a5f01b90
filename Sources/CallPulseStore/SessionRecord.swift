import CallPulseCore
import Foundation
import GRDB

/// One row of the `session` table: the summary kept whole (SPEC JSON, compact) plus the
/// figures a supervisor filters and sorts by, as columns.
public struct SessionRecord: Equatable, Sendable {
    /// `summary.session.id`: for files a hash of the audio content, so analysing the same
    /// recording again replaces the row instead of adding one.
    public var id: String
    public var agent: String?
    /// `summary.session.started_at`, normalised to `YYYY-MM-DDTHH:MM:SSZ` (UTC) when it parses.
    public var startedAt: String?
    /// When the summary was stored, `YYYY-MM-DDTHH:MM:SSZ` (UTC).
    public var storedAt: String
    /// The session's time for filters and order: `startedAt`, or `storedAt` when unknown.
    public var sortAt: String
    public var durationS: Double
    public var sourceKind: String
    public var sourcePath: String
    public var layout: String
    /// `nil` when no ring was heard (or ring detection did not run).
    public var rings: Int?
    public var ringToAnswerS: Double?
    /// `nil` when no ring was heard: the call had no ringing phase to answer.
    public var answered: Bool?
    public var agentShare: Double?
    public var deadAirCount: Int
    /// `nil` when the parties do not each have their own channel (mono layouts).
    public var agentInterruptions: Int?
    public var greetingLatencyS: Double?
    public var responseLatencyMedianS: Double?
    public var alertCount: Int
    /// The broken rules, comma separated in the summary's order (`rings,dead_air`).
    public var alerts: String
    /// The whole summary, schema `callpulse.summary/1`, compact JSON.
    public var summaryJSON: String
    /// `session.call`: the shift the call was cut out of, its number and where it starts in
    /// the capture, s; `nil` for a session that is a whole recording.
    public var shiftID: String?
    public var callIndex: Int?
    public var callOffsetS: Double?
    /// How far past their limits the alerts are, added up (`Report.severity`: the review
    /// ranking); `nil` in a row read from a store made before the column.
    public var alertSeverity: Double?

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let agent = Column(CodingKeys.agent)
        public static let startedAt = Column(CodingKeys.startedAt)
        public static let storedAt = Column(CodingKeys.storedAt)
        public static let sortAt = Column(CodingKeys.sortAt)
        public static let alertCount = Column(CodingKeys.alertCount)
        public static let shiftID = Column(CodingKeys.shiftID)
        public static let callIndex = Column(CodingKeys.callIndex)
    }

    /// The record of `summary`, stored at `storedAt`. `json` is the summary's SPEC JSON when
    /// the caller has rendered it already (for its own output); otherwise it is written here
    /// by the same writer (`SummaryJSON`, SPEC order, long lists item by item), never re-encoded.
    public init(summary: Summary, storedAt: Date, json: String? = nil) throws {
        let text = json ?? SummaryJSON.render(summary, compact: true)
        let fields = SessionFields(summary)
        id = summary.session.id
        agent = summary.session.agent
        startedAt = fields.startedAt.map { StoreDate.normalised($0) ?? $0 }
        self.storedAt = StoreDate.string(storedAt)
        sortAt = startedAt.flatMap(StoreDate.normalised) ?? self.storedAt
        durationS = summary.session.durationS
        sourceKind = summary.source.kind
        sourcePath = summary.source.path
        layout = summary.source.layout.rawValue
        rings = fields.rings
        ringToAnswerS = fields.ringToAnswerS
        answered = fields.answered
        agentShare = fields.agentShare
        deadAirCount = fields.deadAir
        agentInterruptions = fields.agentInterruptions
        greetingLatencyS = fields.greetingLatencyS
        responseLatencyMedianS = summary.responseLatency.medianS
        alertCount = fields.alertRules.count
        alerts = fields.alertRules.joined(separator: ",")
        summaryJSON = text
        shiftID = summary.session.call?.shiftID
        callIndex = summary.session.call?.index
        callOffsetS = summary.session.call?.offsetS
        alertSeverity = summary.alerts.map(Report.severity).reduce(0, +)
    }

    /// The stored summary, read back.
    public func summary() throws -> Summary {
        do {
            return try JSONDecoder().decode(Summary.self, from: Data(summaryJSON.utf8))
        } catch {
            throw StoreError.unreadableSummary(id: id, reason: "\(error)")
        }
    }
}

extension SessionRecord: Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "session"

    public enum CodingKeys: String, CodingKey {
        case id, agent
        case startedAt = "started_at"
        case storedAt = "stored_at"
        case sortAt = "sort_at"
        case durationS = "duration_s"
        case sourceKind = "source_kind"
        case sourcePath = "source_path"
        case layout, rings
        case ringToAnswerS = "ring_to_answer_s"
        case answered
        case agentShare = "agent_share"
        case deadAirCount = "dead_air_count"
        case agentInterruptions = "agent_interruptions"
        case greetingLatencyS = "greeting_latency_s"
        case responseLatencyMedianS = "response_latency_median_s"
        case alertCount = "alert_count"
        case alerts
        case summaryJSON = "summary_json"
        case shiftID = "shift_id"
        case callIndex = "call_index"
        case callOffsetS = "call_offset_s"
        case alertSeverity = "alert_severity"
    }
}

/// Dates as the store writes and compares them: ISO 8601 UTC to the second, a fixed width
/// so that text order is time order.
public enum StoreDate {
    public static func string(_ date: Date) -> String {
        UTCTimestamp.format(unixSeconds: Int64(Int(saturating: date.timeIntervalSince1970.rounded(.down))))
    }

    /// `text` (full ISO 8601, with or without fractional seconds) as a date.
    public static func parseTimestamp(_ text: String) -> Date? {
        UTCTimestamp.parse(text).map { Date(timeIntervalSince1970: $0) }
    }

    /// `text` rewritten as `YYYY-MM-DDTHH:MM:SSZ`, or `nil` when it is not ISO 8601.
    public static func normalised(_ text: String) -> String? {
        parseTimestamp(text).map(string)
    }

    /// A command-line date: `YYYY-MM-DD` (the start of that day in `timeZone`) or a full
    /// ISO 8601 timestamp (`2026-11-23T10:00:00Z`, `2026-11-23T11:00:00+01:00`).
    /// With `endOfDay`, a plain date means the start of the next day (an inclusive `--until`).
    public static func parseArgument(_ text: String, endOfDay: Bool = false, timeZone: TimeZone = .current) -> Date? {
        if let date = parseTimestamp(text) { return date }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar), let start = calendar.date(from: components) else { return nil }
        return endOfDay ? calendar.date(byAdding: .day, value: 1, to: start) : start
    }
}
