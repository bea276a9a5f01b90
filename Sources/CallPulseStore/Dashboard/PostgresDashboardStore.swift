import CallPulseCore
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The dashboard on the team store: a pool of connections (`PostgresClient`) for the pages,
/// and one more connection that LISTENs on `LiveChannel.name`, so a tile a monitor publishes
/// reaches every `serve` at once, whichever of them the browser is connected to.
public final class PostgresDashboardStore: DashboardStore, LiveStateWriter {
    public let url: TeamStoreURL
    public var location: String { url.description }
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let connectionConfiguration: PostgresConnection.Configuration
    private let logger: Logger

    /// Connections `serve` keeps open at most: pages are short queries; 8 leave room for 200
    /// `serve`-less monitors within PostgreSQL's default 100 connections per cluster.
    public static let maximumConnections = 8

    public init(url: TeamStoreURL, environment: [String: String] = ProcessInfo.processInfo.environment, maximumConnections: Int = maximumConnections) throws {
        self.url = url
        var quiet = Logger(label: "callpulse.dashboard.store")
        quiet.logLevel = .critical
        logger = quiet
        let password = PasswordFile.password(for: url, environment: environment)
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: password, database: url.database,
            tls: try Self.clientTLS(for: url))
        configuration.options.connectTimeout = .seconds(TeamSessionStore.connectTimeoutS)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 0
        client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
        let running = client
        runner = Task { await running.run() }
        var connection = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: password, database: url.database,
            tls: try TeamSessionStore.tls(for: url))
        connection.options.connectTimeout = .seconds(TeamSessionStore.connectTimeoutS)
        connectionConfiguration = connection
    }

    deinit { runner.cancel() }

    public func close() async {
        runner.cancel()
    }

    /// The pool's TLS settings from the URL's `sslmode` (as `TeamSessionStore.tls(for:)`).
    static func clientTLS(for url: TeamStoreURL) throws -> PostgresClient.Configuration.TLS {
        guard let (configuration, required) = try TeamSessionStore.tlsConfiguration(for: url) else { return .disable }
        return required ? .require(configuration) : .prefer(configuration)
    }

    // MARK: Queries

    private func run<T: Sendable>(_ body: @escaping @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        do {
            return try await body(client, logger)
        } catch {
            throw TeamSessionStore.storeError(error, url: url, connecting: false)
        }
    }

    public func ping() async throws {
        try await run { client, logger in
            for try await _ in try await client.query("SELECT 1", logger: logger).decode(Int.self) {}
        }
    }

    /// Checks that the schema has the dashboard's tables (`callpulse store init` after an upgrade).
    public func checkSchema() async throws {
        let present: Bool = try await run { client, logger in
            var present = false
            for try await value in try await client.query("SELECT to_regclass('dashboard_user') IS NOT NULL", logger: logger).decode(Bool.self) {
                present = value
            }
            return present
        }
        guard present else { throw StoreError.teamStoreNotInitialised(host: url.hostAndPort, database: url.database) }
    }

    public func user(named name: String) async throws -> DashboardUser? {
        try await run { client, logger in
            for try await (role, hash) in try await client.query("SELECT role, password_hash FROM dashboard_user WHERE name = \(name)", logger: logger).decode((String, String).self) {
                if let role = DashboardRole(rawValue: role) { return DashboardUser(name: name, role: role, passwordHash: hash) }
            }
            return nil
        }
    }

    public func putUser(_ user: DashboardUser) async throws {
        let (name, role, hash) = (user.name, user.role.rawValue, user.passwordHash)
        try await run { client, logger in
            try await client.query("""
                INSERT INTO dashboard_user (name, role, password_hash) VALUES (\(name), \(role), \(hash))
                ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, password_hash = EXCLUDED.password_hash
                """, logger: logger)
        }
    }

    public func removeUser(named name: String) async throws -> Bool {
        try await run { client, logger in
            var removed = false
            for try await _ in try await client.query("DELETE FROM dashboard_user WHERE name = \(name) RETURNING 1", logger: logger).decode(Int.self) {
                removed = true
            }
            return removed
        }
    }

    public func loginFailures(name: String) async throws -> (count: Int, lastAt: Date?) {
        try await run { client, logger in
            for try await (count, lastAt) in try await client.query("SELECT failures, last_at FROM dashboard_login_failure WHERE name = \(name)", logger: logger).decode((Int, Date).self) {
                return (count, lastAt)
            }
            return (0, nil)
        }
    }

    public func noteLoginFailure(name: String) async throws {
        try await run { client, logger in
            try await client.query("""
                INSERT INTO dashboard_login_failure (name, failures, last_at) VALUES (\(name), 1, now())
                ON CONFLICT (name) DO UPDATE SET failures = dashboard_login_failure.failures + 1, last_at = now()
                """, logger: logger)
        }
    }

    public func clearLoginFailures(name: String) async throws {
        try await run { client, logger in
            try await client.query("DELETE FROM dashboard_login_failure WHERE name = \(name)", logger: logger)
        }
    }

    public func signingKey(proposed: [UInt8]) async throws -> [UInt8] {
        let bytes = proposed
        return try await run { client, logger in
            var buffer = ByteBuffer()
            buffer.writeBytes(bytes)
            try await client.query("INSERT INTO dashboard_key (id, key) VALUES (1, \(buffer)) ON CONFLICT (id) DO NOTHING", logger: logger)
            for try await key in try await client.query("SELECT key FROM dashboard_key WHERE id = 1", logger: logger).decode(ByteBuffer.self) {
                return Array(key.readableBytesView)
            }
            return bytes
        }
    }

    public func liveTiles(since: Date) async throws -> [LiveTile] {
        try await run { client, logger in
            var tiles: [LiveTile] = []
            for try await (agent, json) in try await client.query("SELECT agent, tile::text FROM live_state WHERE updated_at >= \(since) ORDER BY agent", logger: logger).decode((String, String).self) {
                if let tile = Self.tile(json, agent: agent) { tiles.append(tile) }
            }
            return tiles
        }
    }

    public func agents() async throws -> [String] {
        try await run { client, logger in
            var agents: [String] = []
            // A loose index scan over session_on_agent_sort_at: one probe per agent, not a
            // scan of every session.
            let sql: PostgresQuery = """
                WITH RECURSIVE a AS (
                    (SELECT agent FROM session WHERE agent IS NOT NULL ORDER BY agent LIMIT 1)
                    UNION ALL
                    SELECT (SELECT agent FROM session WHERE agent > a.agent ORDER BY agent LIMIT 1) FROM a WHERE a.agent IS NOT NULL
                ) SELECT agent FROM a WHERE agent IS NOT NULL
                """
            for try await agent in try await client.query(sql, logger: logger).decode(String.self) { agents.append(agent) }
            return agents
        }
    }

    static let callColumns = "id, agent, to_char(sort_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), duration_s, rings, ring_to_answer_s, answered, agent_share, dead_air_count, alert_count, alerts"

    public func calls(_ filter: SessionFilter, after cursor: CallCursor?, limit: Int) async throws -> [CallRow] {
        // The cursor's values come after the filter's: its placeholders are numbered on from them.
        let filterCount = TeamSessionStore.whereClause(filter).1.count
        let keyset = cursor.map { _ in ["(sort_at, id) < ($\(filterCount + 1)::timestamptz, $\(filterCount + 2))"] } ?? []
        var (whereSQL, bindings) = TeamSessionStore.whereClause(filter, extra: keyset)
        if let cursor {
            bindings.append(cursor.sortAt)
            bindings.append(cursor.id)
        }
        bindings.append(max(1, limit))
        let sql = "SELECT \(Self.callColumns) FROM session" + whereSQL + " ORDER BY sort_at DESC, id DESC LIMIT $\(bindings.count)"
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        return try await run { client, logger in
            var rows: [CallRow] = []
            for try await row in try await client.query(query, logger: logger)
                .decode((String, String?, String, Double, Int?, Double?, Bool?, Double?, Int, Int, String).self) {
                rows.append(CallRow(
                    id: row.0, agent: row.1, sortAt: row.2, durationS: row.3, rings: row.4, ringToAnswerS: row.5, answered: row.6,
                    agentShare: row.7, deadAirCount: row.8, alertCount: row.9, alerts: row.10))
            }
            return rows
        }
    }

    public func trendRows(_ filter: SessionFilter) async throws -> [TrendRow] {
        let (whereSQL, bindings) = TeamSessionStore.whereClause(filter)
        let sql = "SELECT agent, sort_at, rings, answered, ring_to_answer_s, agent_share, dead_air_count FROM session"
            + whereSQL + " ORDER BY sort_at"
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        return try await run { client, logger in
            var rows: [TrendRow] = []
            for try await row in try await client.query(query, logger: logger).decode((String?, Date, Int?, Bool?, Double?, Double?, Int).self) {
                rows.append(TrendRow(agent: row.0, sortAt: row.1, rings: row.2, answered: row.3, ringToAnswerS: row.4, agentShare: row.5, deadAirCount: row.6))
            }
            return rows
        }
    }

    public func metrics(maxRings: Int, liveSince: Date) async throws -> DashboardMetrics {
        let bounds = DashboardMetrics.ringToAnswerBoundsS
        let buckets = bounds.map { "(count(*) FILTER (WHERE answered AND ring_to_answer_s <= \($0)))::bigint" }.joined(separator: ", ")
        let sql = """
            SELECT count(*)::bigint, (count(*) FILTER (WHERE rings IS NOT NULL))::bigint,
                (count(*) FILTER (WHERE rings IS NOT NULL AND answered AND rings <= \(maxRings)))::bigint,
                coalesce(sum(dead_air_count), 0)::bigint,
                (count(*) FILTER (WHERE answered AND ring_to_answer_s IS NOT NULL))::bigint,
                coalesce(sum(ring_to_answer_s) FILTER (WHERE answered), 0)::float8, \(buckets)
            FROM session
            """
        let query = PostgresQuery(unsafeSQL: sql)
        return try await run { client, logger in
            var metrics = DashboardMetrics()
            let rows = try await client.query(query, logger: logger)
            for try await row in rows {
                let cells = row.makeRandomAccess()
                metrics.calls = try cells[0].decode(Int.self)
                metrics.callsWithRinging = try cells[1].decode(Int.self)
                metrics.answeredWithinRingLimit = try cells[2].decode(Int.self)
                metrics.deadAirSilences = try cells[3].decode(Int.self)
                metrics.ringToAnswerCount = try cells[4].decode(Int.self)
                metrics.ringToAnswerSumS = try cells[5].decode(Double.self)
                metrics.ringToAnswerBuckets = try bounds.indices.map { index in
                    (bounds[index], try cells[6 + index].decode(Int.self))
                }
            }
            for try await live in try await client.query("SELECT count(*)::bigint FROM live_state WHERE updated_at >= \(liveSince)", logger: logger).decode(Int.self) {
                metrics.agentsLive = live
            }
            return metrics
        }
    }

    // MARK: Live

    public func publish(_ tile: LiveTile) async throws {
        let (agent, monitor, json) = (tile.agent, tile.monitor, tile.json())
        try await run { client, logger in
            // One round trip: the row and the notification, in one statement's transaction.
            try await client.query("""
                WITH up AS (
                    INSERT INTO live_state (agent, monitor, tile, updated_at) VALUES (\(agent), \(monitor), \(json)::jsonb, now())
                    ON CONFLICT (agent) DO UPDATE SET monitor = EXCLUDED.monitor, tile = EXCLUDED.tile, updated_at = now()
                    RETURNING 1
                ) SELECT pg_notify('\(unescaped: LiveChannel.name)', \(agent)) FROM up
                """, logger: logger)
        }
    }

    public func remove(agent: String, monitor: String) async throws {
        try await run { client, logger in
            try await client.query("""
                WITH gone AS (DELETE FROM live_state WHERE agent = \(agent) AND monitor = \(monitor) RETURNING 1)
                SELECT pg_notify('\(unescaped: LiveChannel.name)', \(agent)) FROM gone
                """, logger: logger)
        }
    }

    /// LISTEN on a connection of its own, reconnecting after a pause when it drops; a
    /// `reload` after each (re)connection, since notifications sent meanwhile are lost.
    ///
    /// A notification names an agent and nothing more, and is only a hint: any role that can
    /// connect may LISTEN and NOTIFY on any channel. The tile is read back from `live_state`,
    /// whose row-level security lets an agent write its own row only, with the agent taken
    /// from the row's key, never from the tile's JSON.
    public func liveChanges() -> AsyncStream<LiveChange> {
        let configuration = connectionConfiguration
        let logger = logger
        return AsyncStream { continuation in
            let task = Task { [weak self] in
                var id = 100
                while !Task.isCancelled {
                    id += 1
                    do {
                        let connection = try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
                        defer { Task { try? await connection.close() } }
                        let notifications = try await connection.listen(LiveChannel.name)
                        continuation.yield(.reload)
                        for try await notification in notifications {
                            guard let self else { break }
                            if let change = try? await self.currentTile(agent: notification.payload) { continuation.yield(change) }
                        }
                    } catch {}
                    try? await Task.sleep(for: .milliseconds(500))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// What `live_state` holds for `agent` now: its tile, or gone.
    func currentTile(agent: String) async throws -> LiveChange {
        try await run { client, logger in
            for try await json in try await client.query("SELECT tile::text FROM live_state WHERE agent = \(agent)", logger: logger).decode(String.self) {
                if let tile = Self.tile(json, agent: agent) { return .tile(tile) }
            }
            return .gone(agent: agent, monitor: "")
        }
    }

    /// A stored tile, its agent the row's (the key row-level security checks).
    static func tile(_ json: String, agent: String) -> LiveTile? {
        guard var tile = LiveTile.decode(json) else { return nil }
        tile.agent = agent
        return tile
    }
}
