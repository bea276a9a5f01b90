import CallPulseCore
import Foundation
import GRDB

/// `callpulse report` worked out in SQLite, as the team store does it in PostgreSQL: counts
/// and shares with `count(*) FILTER`, the medians and 90th percentiles from the two ranked
/// values each needs (window functions; the interpolation is `Percentile.linear`'s own), the
/// calls to review ranked with `row_number()`, so no summary is decoded but the few listed
/// for review. The same figures as `Report(summaries:limits:reviewCount:)` on the same sessions.
extension SessionStore {
    /// The report of the sessions that pass `filter`, and one `.damagedSession` for each of
    /// them whose summary is not even JSON (left out of the figures). `nil` for a store whose
    /// schema predates the report columns (opened read-only, never migrated): the caller
    /// decodes the summaries instead.
    public func report(_ filter: SessionFilter, limits: AlertLimits, reviewCount: Int) throws -> (report: Report, damaged: [StoreError])? {
        try run { db in
            guard try db.columns(in: SessionRecord.databaseTableName).contains(where: { $0.name == "alert_severity" }) else { return nil }
            var (whereSQL, arguments) = try Self.whereClause(filter, db)
            let damagedIDs = try String.fetchAll(
                db, sql: "SELECT id FROM session WHERE \(whereSQL) AND NOT json_valid(summary_json) ORDER BY sort_at, id", arguments: arguments)
            if !damagedIDs.isEmpty {
                whereSQL += " AND json_valid(summary_json)"
            }
            let damaged = damagedIDs.map { StoreError.damagedSession(path: self.path, id: $0, reason: "its summary is not JSON") }
            return (try Self.report(db, whereSQL: whereSQL, arguments: arguments, limits: limits, reviewCount: reviewCount), damaged)
        }
    }

    private static func report(_ db: Database, whereSQL: String, arguments: StatementArguments, limits: AlertLimits, reviewCount: Int) throws -> Report {
        // A conversation: not an abandoned call (no ring, or answered).
        let conversation = "answered IS NOT 0"
        let figuresSQL = """
            SELECT agent, count(*), count(*) FILTER (WHERE alert_count > 0),
                count(*) FILTER (WHERE rings IS NOT NULL AND answered = 1 AND rings <= ?),
                count(*) FILTER (WHERE rings IS NOT NULL),
                count(*) FILTER (WHERE \(conversation) AND dead_air_count = 0),
                count(*) FILTER (WHERE \(conversation)),
                count(*) FILTER (WHERE \(conversation) AND agent_interruptions = 0),
                count(*) FILTER (WHERE \(conversation) AND agent_interruptions IS NOT NULL)
            FROM session WHERE \(whereSQL) GROUP BY agent
            """
        var figureArguments: StatementArguments = [limits.maxRings]
        figureArguments += arguments
        // Per figure and agent, the values at the ranks `Percentile.linear` reads for the
        // median and the 90th percentile: ⌊(n - 1)·p⌋ and the one after. One query per figure
        // (one sort each; a UNION ALL of the three sorted them all twice).
        func spreadSQL(_ column: String, _ condition: String) -> String {
            """
            SELECT agent, i, n, x FROM (
                SELECT agent, x, row_number() OVER (PARTITION BY agent ORDER BY x) - 1 AS i,
                    count(*) OVER (PARTITION BY agent) AS n
                FROM (SELECT agent, \(column) AS x FROM session WHERE \(whereSQL) AND \(column) IS NOT NULL AND \(condition))
            )
            WHERE i IN (CAST((n - 1) * 0.5 AS INTEGER), CAST((n - 1) * 0.5 AS INTEGER) + 1,
                        CAST((n - 1) * 0.9 AS INTEGER), CAST((n - 1) * 0.9 AS INTEGER) + 1)
            """
        }
        let spreads = [spreadSQL("ring_to_answer_s", "true"), spreadSQL("agent_share", conversation),
                       spreadSQL("response_latency_median_s", conversation)]
        // The calls to review ranked on the partial index alone; only the few listed are read whole.
        let reviewSQL = """
            SELECT s.agent, s.id, json_extract(s.summary_json, '$.session.started_at'), s.source_path,
                (SELECT json_group_array(json_extract(a.value, '$.message')) FROM json_each(s.summary_json, '$.alerts') a),
                s.alert_severity
            FROM (
                SELECT id, row_number() OVER (PARTITION BY agent ORDER BY alert_count DESC, alert_severity DESC, id) AS rank
                FROM session WHERE \(whereSQL) AND alert_count > 0
            ) r JOIN session s ON s.id = r.id
            WHERE r.rank <= ? ORDER BY s.agent, r.rank
            """
        var reviewArguments = arguments
        reviewArguments += [max(0, reviewCount)]
        // Shift figures as `Report.shiftFigures`: per shift, its calls, their time, and the span
        // from the first call's offset to the last call's end; summed per agent.
        let shiftSQL = """
            SELECT agent, sum(calls), sum(in_call_s), sum(span_s) FROM (
                SELECT agent, count(*) AS calls, sum(duration_s) AS in_call_s,
                    max(call_offset_s + duration_s) - min(call_offset_s) AS span_s
                FROM session WHERE \(whereSQL) AND shift_id IS NOT NULL GROUP BY agent, shift_id
            ) GROUP BY agent
            """

        // (figure, agent) → rank → value
        var ranked: [Int: [String?: (count: Int, values: [Int: Double])]] = [:]
        for (figure, sql) in spreads.enumerated() {
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                let agent: String? = row[0]
                var entry = ranked[figure, default: [:]][agent] ?? (row[2], [:])
                entry.values[row[1]] = row[3]
                ranked[figure, default: [:]][agent] = entry
            }
        }
        func spread(_ figure: Int, _ agent: String?) -> Report.Spread {
            guard let entry = ranked[figure]?[agent] else { return Report.Spread([]) }
            func at(_ fraction: Double) -> Double? {
                Percentile.linear(count: entry.count, fraction: fraction) { entry.values[$0] ?? .nan }
            }
            return Report.Spread(medianValue: at(0.5), p90Value: at(0.9), count: entry.count)
        }
        var review: [String?: [Report.ReviewItem]] = [:]
        for row in try Row.fetchAll(db, sql: reviewSQL, arguments: reviewArguments) {
            let agent: String? = row[0]
            let reasonsJSON: String? = row[4]
            let reasons = reasonsJSON ?? "[]"
            review[agent, default: []].append(Report.ReviewItem(
                sessionID: row[1], startedAt: row[2], path: row[3],
                reasons: (try? JSONDecoder().decode([String?].self, from: Data(reasons.utf8)))?.compactMap { $0 } ?? [],
                severity: row[5]))
        }
        var shifts: [String?: (calls: Int, inCallS: Double, spanS: Double)] = [:]
        for row in try Row.fetchAll(db, sql: shiftSQL, arguments: arguments) {
            let agent: String? = row[0]
            let calls: Int = row[1]
            let inCallS: Double? = row[2]
            let spanS: Double? = row[3]
            shifts[agent] = (calls, inCallS ?? 0, spanS ?? 0)
        }
        let agents = try Row.fetchAll(db, sql: figuresSQL, arguments: figureArguments).map { row -> Report.AgentReport in
            let agent: String? = row[0]
            let shift = shifts[agent]
            return Report.AgentReport(
                agent: agent, calls: row[1], flaggedCalls: row[2],
                ringToAnswerS: spread(0, agent), agentShare: spread(1, agent), responseLatencyS: spread(2, agent),
                answeredWithinRingLimit: Report.Share(kept: row[3], total: row[4]),
                withoutDeadAir: Report.Share(kept: row[5], total: row[6]),
                withoutAgentInterruptions: Report.Share(kept: row[7], total: row[8]),
                review: review[agent] ?? [],
                shiftCalls: shift?.calls ?? 0, inCallS: shift?.inCallS ?? 0, shiftSpanS: shift?.spanS ?? 0)
        }
        return Report(agents: agents, limits: limits)
    }
}

extension SessionStore {
    /// `filter` as an SQL condition on `session` (`true` when it lets all through) and its arguments.
    static func whereClause(_ filter: SessionFilter, _ db: Database) throws -> (String, StatementArguments) {
        var conditions = ["true"]
        var arguments = StatementArguments()
        if let agent = filter.agent {
            conditions.append("agent = ?")
            arguments += [agent]
        }
        if let since = filter.since {
            conditions.append("sort_at >= ?")
            arguments += [StoreDate.string(since)]
        }
        if let until = filter.until {
            conditions.append("sort_at < ?")
            arguments += [StoreDate.string(until)]
        }
        if filter.flaggedOnly { conditions.append("alert_count > 0") }
        if let shiftID = filter.shiftID {
            conditions.append("shift_id = ?")
            arguments += [shiftID]
        }
        if filter.unsentOnly {
            // A store made before the queue existed has nothing queued.
            conditions.append(try db.tableExists("unsent") ? "id IN (SELECT id FROM unsent)" : "false")
        }
        return (conditions.joined(separator: " AND "), arguments)
    }
}

extension SessionStore {
    /// `sessions list` from the columns. The start time is the summary's own (the column is
    /// normalised to UTC), read with `json_extract`; a row whose summary is not JSON, or
    /// whose columns have the wrong types, is one `.damagedSession` and is not listed.
    public func listings(_ filter: SessionFilter) throws -> StoredListings {
        try run { db in
            let (whereSQL, arguments) = try Self.whereClause(filter, db)
            let order = filter.shiftID == nil ? "sort_at, id" : "call_index, id"
            let sql = """
                SELECT id, agent, CASE WHEN json_valid(summary_json) THEN json_extract(summary_json, '$.session.started_at') END,
                    duration_s, source_path, rings, ring_to_answer_s, answered, agent_share, dead_air_count,
                    agent_interruptions, greeting_latency_s, alerts, json_valid(summary_json)
                FROM session WHERE \(whereSQL) ORDER BY \(order)
                """
            var result = StoredListings()
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                let id = (try? String.fromDatabaseValue(row[0] ?? .null)) ?? "?"
                do {
                    guard try row.decode(Bool.self, atIndex: 13) else {
                        throw StoreError.damagedSession(path: path, id: id, reason: "its summary is not JSON")
                    }
                    let alerts: String = try row.decode(atIndex: 12)
                    let fields = SessionFields(
                        startedAt: try row.decode(atIndex: 2), rings: try row.decode(atIndex: 5),
                        ringToAnswerS: try row.decode(atIndex: 6), answered: try row.decode(atIndex: 7),
                        agentShare: try row.decode(atIndex: 8), deadAir: try row.decode(atIndex: 9),
                        agentInterruptions: try row.decode(atIndex: 10), greetingLatencyS: try row.decode(atIndex: 11),
                        alertRules: alerts.isEmpty ? [] : alerts.split(separator: ",").map(String.init))
                    result.listings.append(SessionListing(
                        id: id, agent: try row.decode(atIndex: 1), durationS: try row.decode(atIndex: 3),
                        path: try row.decode(atIndex: 4), fields: fields))
                } catch let error as StoreError {
                    result.damaged.append(error)
                } catch {
                    result.damaged.append(.damagedSession(path: path, id: id, reason: Self.describe(error)))
                }
            }
            return result
        }
    }
}
