import CallPulseCore
import Foundation
import GRDB

/// The dashboard on one machine's SQLite store: the calls and report of that store, and the
/// tile of the monitor that runs on that machine (`live_state` in the same file, polled).
public final class SQLiteDashboardStore: DashboardStore, LiveStateWriter {
    public let path: String
    public var location: String { path }
    private let queue: DatabaseQueue

    /// How often `serve` looks at the live tiles, milliseconds: well inside the wallboard's
    /// 2 s, and a read of a few rows of a local file costs microseconds.
    public static let pollIntervalMs = 250

    /// Opens (and, through `SessionStore`, creates or migrates) the store at `path`.
    public init(path: String) throws {
        self.path = path
        _ = try SessionStore(path: path, access: .write)
        var configuration = Configuration()
        configuration.busyMode = .timeout(SessionStore.defaultBusyTimeoutS)
        configuration.label = "callpulse.dashboard"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    public func close() async {
        try? queue.close()
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await queue.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await queue.write(body)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    public func ping() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func user(named name: String) async throws -> DashboardUser? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT role, password_hash FROM dashboard_user WHERE name = ?", arguments: [name]),
                  let role = DashboardRole(rawValue: row[0]) else { return nil }
            return DashboardUser(name: name, role: role, passwordHash: row[1])
        }
    }

    public func putUser(_ user: DashboardUser) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO dashboard_user (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash
                """, arguments: [user.name, user.role.rawValue, user.passwordHash, StoreDate.string(Date())])
        }
    }

    public func removeUser(named name: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM dashboard_user WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    public func loginFailures(name: String) async throws -> (count: Int, lastAt: Date?) {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT failures, last_at FROM dashboard_login_failure WHERE name = ?", arguments: [name]) else {
                return (0, nil)
            }
            // Read without GRDB's trapping conversions: a hand-edited row is no crash.
            let value: DatabaseValue = row[1]
            let last = Double.fromDatabaseValue(value) ?? String.fromDatabaseValue(value).flatMap(Double.init) ?? 0
            let count = Int.fromDatabaseValue(row[0] as DatabaseValue) ?? 0
            return (count, Date(timeIntervalSince1970: last))
        }
    }

    public func noteLoginFailure(name: String) async throws {
        let now = Date().timeIntervalSince1970
        try await write { db in
            try db.execute(sql: """
                INSERT INTO dashboard_login_failure (name, failures, last_at) VALUES (?, 1, ?)
                ON CONFLICT (name) DO UPDATE SET failures = failures + 1, last_at = excluded.last_at
                """, arguments: [name, now])
        }
    }

    public func clearLoginFailures(name: String) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM dashboard_login_failure WHERE name = ?", arguments: [name]) }
    }

    public func signingKey(proposed: [UInt8]) async throws -> [UInt8] {
        try await write { db in
            try db.execute(sql: "INSERT INTO dashboard_key (id, key) VALUES (1, ?) ON CONFLICT (id) DO NOTHING", arguments: [Data(proposed)])
            return try Data.fetchOne(db, sql: "SELECT key FROM dashboard_key WHERE id = 1").map { Array($0) } ?? proposed
        }
    }

    public func liveTiles(since: Date) async throws -> [LiveTile] {
        let sinceS = since.timeIntervalSince1970
        return try await read { db in
            try String.fetchAll(db, sql: "SELECT tile FROM live_state WHERE updated_at >= ? ORDER BY agent", arguments: [sinceS]).compactMap(LiveTile.decode)
        }
    }

    public func agents() async throws -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT agent FROM session WHERE agent IS NOT NULL ORDER BY agent")
        }
    }

    public func calls(_ filter: SessionFilter, after cursor: CallCursor?, limit: Int) async throws -> [CallRow] {
        try await read { db in
            // The filter as `sessions list` reads it (SessionStore.whereClause), then the cursor.
            var (condition, arguments) = try SessionStore.whereClause(filter, db)
            if let cursor {
                condition += " AND (sort_at, id) < (?, ?)"
                arguments += [cursor.sortAt, cursor.id]
            }
            arguments += [max(1, limit)]
            let sql = "SELECT id, agent, sort_at, duration_s, rings, ring_to_answer_s, answered, agent_share, dead_air_count, alert_count, alerts FROM session"
                + " WHERE " + condition + " ORDER BY sort_at DESC, id DESC LIMIT ?"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                CallRow(
                    id: row[0], agent: row[1], sortAt: row[2], durationS: row[3], rings: row[4], ringToAnswerS: row[5], answered: row[6],
                    agentShare: row[7], deadAirCount: row[8], alertCount: row[9], alerts: row[10])
            }
        }
    }

    public func trendRows(_ filter: SessionFilter) async throws -> [TrendRow] {
        try await read { db in
            let (condition, arguments) = try SessionStore.whereClause(filter, db)
            let sql = "SELECT agent, sort_at, rings, answered, ring_to_answer_s, agent_share, dead_air_count FROM session"
                + " WHERE " + condition + " ORDER BY sort_at"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap { row in
                let sortAt: String = row[1]
                guard let date = StoreDate.parseTimestamp(sortAt) else { return nil }
                return TrendRow(agent: row[0], sortAt: date, rings: row[2], answered: row[3], ringToAnswerS: row[4], agentShare: row[5], deadAirCount: row[6])
            }
        }
    }

    public func metrics(maxRings: Int, liveSince: Date) async throws -> DashboardMetrics {
        let bounds = DashboardMetrics.ringToAnswerBoundsS
        let buckets = bounds.map { "count(CASE WHEN answered AND ring_to_answer_s <= \($0) THEN 1 END)" }.joined(separator: ", ")
        let sql = """
            SELECT count(*), count(rings), count(CASE WHEN rings IS NOT NULL AND answered AND rings <= \(maxRings) THEN 1 END),
                coalesce(sum(dead_air_count), 0), count(CASE WHEN answered AND ring_to_answer_s IS NOT NULL THEN 1 END),
                coalesce(sum(CASE WHEN answered THEN ring_to_answer_s END), 0.0), \(buckets)
            FROM session
            """
        let liveS = liveSince.timeIntervalSince1970
        return try await read { db in
            var metrics = DashboardMetrics()
            if let row = try Row.fetchOne(db, sql: sql) {
                metrics.calls = row[0]
                metrics.callsWithRinging = row[1]
                metrics.answeredWithinRingLimit = row[2]
                metrics.deadAirSilences = row[3]
                metrics.ringToAnswerCount = row[4]
                metrics.ringToAnswerSumS = row[5]
                metrics.ringToAnswerBuckets = bounds.indices.map { (bounds[$0], row[6 + $0]) }
            }
            metrics.agentsLive = try Int.fetchOne(db, sql: "SELECT count(*) FROM live_state WHERE updated_at >= ?", arguments: [liveS]) ?? 0
            return metrics
        }
    }

    // MARK: Live

    public func publish(_ tile: LiveTile) async throws {
        let now = Date().timeIntervalSince1970
        try await write { db in
            try db.execute(sql: """
                INSERT INTO live_state (agent, monitor, tile, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (agent) DO UPDATE SET monitor = excluded.monitor, tile = excluded.tile, updated_at = excluded.updated_at
                """, arguments: [tile.agent, tile.monitor, tile.json(), now])
        }
    }

    public func remove(agent: String, monitor: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM live_state WHERE agent = ? AND monitor = ?", arguments: [agent, monitor])
        }
    }

    /// Polls `live_state` every `pollIntervalMs`: a tile whose row changed, and the monitors
    /// whose rows went away.
    public func liveChanges() -> AsyncStream<LiveChange> {
        AsyncStream { continuation in
            let task = Task { [weak self] in
                var known: [String: String] = [:]
                continuation.yield(.reload)
                while !Task.isCancelled, let self {
                    if let rows = try? await self.read({ db -> [[String]] in
                        try Row.fetchAll(db, sql: "SELECT agent, tile FROM live_state").map { [$0[0], $0[1]] }
                    }) {
                        var seen: [String: String] = [:]
                        for row in rows {
                            let agent = row[0]
                            let json = row[1]
                            seen[agent] = json
                            if known[agent] != json, let tile = LiveTile.decode(json) { continuation.yield(.tile(tile)) }
                        }
                        for (agent, json) in known where seen[agent] == nil {
                            continuation.yield(.gone(agent: agent, monitor: LiveTile.decode(json)?.monitor ?? ""))
                        }
                        known = seen
                    }
                    try? await Task.sleep(for: .milliseconds(Self.pollIntervalMs))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
