import CallPulseCore
import Foundation
import PostgresNIO

/// The team store: every agent's sessions in one PostgreSQL database (SPEC "Team store").
/// The same figures as the SQLite store's columns (`SessionRecord`), the summary as `jsonb`,
/// numbered migrations that are only ever appended (`TeamSchema`), and row-level security
/// that lets an agent add and read only sessions under its own name.
///
/// One connection per command, opened in `init`, closed in `close()` or when released.
/// Every method throws `StoreError` only; no error names the password.
public final class TeamSessionStore: SessionStoring {
    public let url: TeamStoreURL
    public var location: String { url.description }
    private let connection: PostgresConnection
    private let logger: Logger

    /// How long a connection attempt may take, in seconds: an unknown or silent host is an
    /// error line after this, not a hang.
    public static let connectTimeoutS: Int64 = 5

    /// Connects to `url` with the password from `PGPASSWORD` or `~/.pgpass`. Unless
    /// `requireSchema` is false (`store init`), the database must hold callpulse's schema
    /// at a version this build knows.
    public init(url: TeamStoreURL, environment: [String: String] = ProcessInfo.processInfo.environment, requireSchema: Bool = true) throws {
        self.url = url
        var quiet = Logger(label: "callpulse.teamstore")
        quiet.logLevel = .critical
        let logger = quiet
        self.logger = logger
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user,
            password: PasswordFile.password(for: url, environment: environment), database: url.database,
            tls: try Self.tls(for: url)
        )
        configuration.options.connectTimeout = .seconds(Self.connectTimeoutS)
        let connectionConfiguration = configuration
        do {
            connection = try runBlocking {
                try await PostgresConnection.connect(configuration: connectionConfiguration, id: 1, logger: logger)
            }
        } catch {
            throw Self.storeError(error, url: url, connecting: true)
        }
        if requireSchema {
            let version = try schemaVersion()
            guard let version else {
                close()
                throw StoreError.teamStoreNotInitialised(host: url.hostAndPort, database: url.database)
            }
            if version > TeamSchema.migrations.count {
                close()
                throw StoreError.newerSchema(path: location)
            }
        }
    }

    deinit {
        let connection = connection
        if !connection.isClosed {
            try? runBlocking { try await connection.close() }
        }
    }

    public func close() {
        let connection = connection
        try? runBlocking { try await connection.close() }
    }

    /// libpq's `sslmode` in postgres-nio's terms.
    static func tls(for url: TeamStoreURL) throws -> PostgresConnection.Configuration.TLS {
        guard let (configuration, required) = try tlsConfiguration(for: url) else { return .disable }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw StoreError.teamStoreUnreachable(host: url.hostAndPort, reason: "cannot read the CA certificate \(url.sslRootCert ?? "")")
        }
        return required ? .require(context) : .prefer(context)
    }

    /// The TLS settings of `sslmode` (`nil`: no TLS), and whether TLS is required; shared by
    /// the single connection here and the dashboard's pool (`PostgresDashboardStore`).
    static func tlsConfiguration(for url: TeamStoreURL) throws -> (TLSConfiguration, required: Bool)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch url.sslMode {
        case .disable:
            return nil
        case .allow, .prefer, .require:
            configuration.certificateVerification = .none
        case .verifyCA, .verifyFull:
            guard let rootCert = url.sslRootCert, FileManager.default.isReadableFile(atPath: rootCert) else {
                throw StoreError.teamStoreUnreachable(
                    host: url.hostAndPort,
                    reason: "sslmode=\(url.sslMode.rawValue) needs the CA certificate: sslrootcert=FILE in the URL, PGSSLROOTCERT, or ~/.postgresql/root.crt")
            }
            configuration.trustRoots = .file(rootCert)
            configuration.certificateVerification = url.sslMode == .verifyFull ? .fullVerification : .noHostnameVerification
        }
        return (configuration, url.sslMode == .require || url.sslMode == .verifyCA || url.sslMode == .verifyFull)
    }

    // MARK: Schema

    /// The number of migrations applied, or `nil` when the database has no callpulse schema.
    func schemaVersion() throws -> Int? {
        try query { connection, logger in
            let rows = try await connection.query("SELECT to_regclass('callpulse_migrations') IS NOT NULL", logger: logger)
            var exists = false
            for try await present in rows.decode(Bool.self) { exists = present }
            guard exists else { return nil }
            var version = 0
            for try await applied in try await connection.query("SELECT coalesce(max(version), 0) FROM callpulse_migrations", logger: logger).decode(Int.self) {
                version = applied
            }
            return version
        }
    }

    /// Applies the migrations this database lacks, each in its own transaction under an
    /// advisory lock (two `store init` at once apply each migration once); returns the names
    /// of those applied now.
    @discardableResult
    public func migrate() throws -> [String] {
        try query { connection, logger in
            try await connection.query("CREATE TABLE IF NOT EXISTS callpulse_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", logger: logger)
            var applied: [String] = []
            for (index, migration) in TeamSchema.migrations.enumerated() {
                let version = index + 1
                try await connection.query("BEGIN", logger: logger)
                do {
                    try await connection.query("SELECT pg_advisory_xact_lock(7201312)", logger: logger)
                    var done = false
                    for try await _ in try await connection.query("SELECT 1 FROM callpulse_migrations WHERE version = \(version)", logger: logger).decode(Int.self) {
                        done = true
                    }
                    if !done {
                        for statement in migration.statements {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query("INSERT INTO callpulse_migrations (version, name) VALUES (\(version), \(migration.name))", logger: logger)
                        applied.append("\(version): \(migration.name)")
                    }
                    try await connection.query("COMMIT", logger: logger)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
            return applied
        }
    }

    /// The names of the migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] {
        try query { connection, logger in
            var names: [String] = []
            for try await (version, name) in try await connection.query("SELECT version, name FROM callpulse_migrations ORDER BY version", logger: logger).decode((Int, String).self) {
                names.append("\(version): \(name)")
            }
            return names
        }
    }

    public enum Grant: String, Sendable {
        case agent = "callpulse_agent"
        case supervisor = "callpulse_supervisor"
    }

    /// Makes `name` a login role with `password` and the rights of `grant` (an existing role
    /// gets the new password and the grant). Run by an administrator.
    public func grant(_ grant: Grant, to name: String, password: String) throws {
        guard TeamSchema.isValidRoleName(name) else {
            throw StoreError.teamStoreFailed(host: url.hostAndPort, reason: "a role name is 1-63 letters, digits, _ . or -, not '\(name)'")
        }
        guard !password.isEmpty, !password.contains("\u{0}") else {
            throw StoreError.teamStoreFailed(host: url.hostAndPort, reason: "the password is empty")
        }
        // CREATE/ALTER ROLE take no bound parameters: the name is quoted as an identifier and
        // the password as a literal (standard_conforming_strings: only ' needs doubling).
        let role = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let literal = "'" + password.replacingOccurrences(of: "'", with: "''") + "'"
        try query { connection, logger in
            var exists = false
            for try await _ in try await connection.query("SELECT 1 FROM pg_roles WHERE rolname = \(name)", logger: logger).decode(Int.self) {
                exists = true
            }
            let verb = exists ? "ALTER" : "CREATE"
            try await connection.query(PostgresQuery(unsafeSQL: "\(verb) ROLE \(role) LOGIN PASSWORD \(literal)"), logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "GRANT \(grant.rawValue) TO \(role)"), logger: logger)
        }
    }

    // MARK: Writing

    @discardableResult
    public func save(_ summary: Summary, json: String? = nil, storedAt: Date = Date()) throws -> SaveOutcome {
        let record: SessionRecord
        do {
            record = try SessionRecord(summary: summary, storedAt: storedAt, json: json)
        } catch {
            throw StoreError.unreadableSummary(id: summary.session.id, reason: "\(error)")
        }
        return try push([record]) == 1 ? .inserted : .alreadyStored
    }

    /// Stores `records` in one transaction; a session whose id is stored already is left as
    /// it is (sending twice stores once; agents may add sessions, never change them: schema
    /// migration 4). Returns how many were new.
    @discardableResult
    public func push(_ records: [SessionRecord]) throws -> Int {
        guard !records.isEmpty else { return 0 }
        return try query { connection, logger in
            var inserted = 0
            try await connection.query("BEGIN", logger: logger)
            do {
                // One id once per statement: the first of a batch is the one kept.
                var unique: [String: SessionRecord] = [:]
                var order: [String] = []
                for record in records {
                    if unique[record.id] == nil {
                        unique[record.id] = record
                        order.append(record.id)
                    }
                }
                let distinct = order.compactMap { unique[$0] }
                var start = 0
                while start < distinct.count {
                    let end = min(start + Self.rowsPerStatement, distinct.count)
                    let rows = try await connection.query(Self.insertNew(distinct[start..<end]), logger: logger)
                    for try await new in rows.decode(Bool.self) where new { inserted += 1 }
                    start = end
                }
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            return inserted
        }
    }

    /// Sessions per INSERT statement: 21 bound values each, far below PostgreSQL's 65 535,
    /// and one round trip for 100 sessions instead of 100.
    static let rowsPerStatement = 100

    /// One multi-row INSERT … ON CONFLICT (id) DO NOTHING for `records` (ids unique among
    /// them); returns one row per session inserted.
    private static func insertNew(_ records: ArraySlice<SessionRecord>) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: records.count * 21)
        var rows: [String] = []
        for record in records {
            let first = bindings.count + 1
            bindings.append(record.id)
            bindings.append(record.agent)
            bindings.append(record.startedAt)
            bindings.append(record.storedAt)
            bindings.append(record.sortAt)
            bindings.append(record.durationS)
            bindings.append(record.sourceKind)
            bindings.append(record.sourcePath)
            bindings.append(record.layout)
            bindings.append(record.rings)
            bindings.append(record.ringToAnswerS)
            bindings.append(record.answered)
            bindings.append(record.agentShare)
            bindings.append(record.deadAirCount)
            bindings.append(record.agentInterruptions)
            bindings.append(record.greetingLatencyS)
            bindings.append(record.responseLatencyMedianS)
            bindings.append(record.alertCount)
            bindings.append(record.alerts)
            bindings.append(record.summaryJSON)
            bindings.append(record.shiftID)
            let placeholders = (0..<21).map { offset -> String in
                let placeholder = "$\(first + offset)"
                switch offset {
                case 3, 4: return placeholder + "::timestamptz"
                case 19: return placeholder + "::jsonb"
                default: return placeholder
                }
            }
            rows.append("(" + placeholders.joined(separator: ", ") + ")")
        }
        let sql = """
            INSERT INTO session (id, agent, started_at, stored_at, sort_at, duration_s, source_kind, source_path, layout,
                rings, ring_to_answer_s, answered, agent_share, dead_air_count, agent_interruptions, greeting_latency_s,
                response_latency_median_s, alert_count, alerts, summary, shift_id)
            VALUES \(rows.joined(separator: ",\n"))
            ON CONFLICT (id) DO NOTHING
            RETURNING true
            """
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    @discardableResult
    public func delete(id: String) throws -> String {
        let fullID = try resolve(id)
        let deleted: Int = try query { connection, logger in
            var deleted = 0
            for try await count in try await connection.query("WITH gone AS (DELETE FROM session WHERE id = \(fullID) RETURNING 1) SELECT count(*)::bigint FROM gone", logger: logger).decode(Int.self) {
                deleted = count
            }
            return deleted
        }
        // Row-level security hides what a role may not delete: it was not deleted.
        guard deleted == 1 else {
            throw StoreError.teamStoreFailed(host: url.hostAndPort, reason: "session \(fullID) was not deleted: \(url.user) may not delete sessions")
        }
        return fullID
    }

    @discardableResult
    public func delete(before date: Date) throws -> Int {
        let cutoff = StoreDate.string(date)
        return try query { connection, logger in
            var deleted = 0
            for try await count in try await connection.query("WITH gone AS (DELETE FROM session WHERE sort_at < \(cutoff)::timestamptz RETURNING 1) SELECT count(*)::bigint FROM gone", logger: logger).decode(Int.self) {
                deleted = count
            }
            return deleted
        }
    }

    // MARK: Reading

    /// `filter` as a WHERE clause (empty when it lets all through) and its bound values.
    static func whereClause(_ filter: SessionFilter, extra: [String] = []) -> (String, PostgresBindings) {
        var conditions: [String] = []
        var bindings = PostgresBindings()
        if let agent = filter.agent {
            bindings.append(agent)
            conditions.append("agent = $\(bindings.count)")
        }
        if let since = filter.since {
            bindings.append(StoreDate.string(since))
            conditions.append("sort_at >= $\(bindings.count)::timestamptz")
        }
        if let until = filter.until {
            bindings.append(StoreDate.string(until))
            conditions.append("sort_at < $\(bindings.count)::timestamptz")
        }
        if filter.flaggedOnly { conditions.append("alert_count > 0") }
        if let shiftID = filter.shiftID {
            bindings.append(shiftID)
            conditions.append("shift_id = $\(bindings.count)")
        }
        // The team store has no queue of its own: nothing in it is unsent.
        if filter.unsentOnly { conditions.append("false") }
        conditions += extra
        return (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "), bindings)
    }

    public func summaries(_ filter: SessionFilter = SessionFilter()) throws -> StoredSummaries {
        let (whereSQL, bindings) = Self.whereClause(filter)
        let sql = "SELECT id, summary::text FROM session" + whereSQL + " ORDER BY sort_at, id COLLATE \"C\""
        let statement = PostgresQuery(unsafeSQL: sql, binds: bindings)
        let rows: [(String, String)] = try query { connection, logger in
            var rows: [(String, String)] = []
            for try await row in try await connection.query(statement, logger: logger).decode((String, String).self) {
                rows.append(row)
            }
            return rows
        }
        var result = StoredSummaries()
        for (id, json) in rows {
            do {
                result.summaries.append(try decode(id: id, json: json))
            } catch let error as StoreError {
                result.damaged.append(error)
            }
        }
        return result
    }

    public func summary(id: String) throws -> Summary {
        let fullID = try resolve(id)
        let json: String? = try query { connection, logger in
            var json: String?
            for try await text in try await connection.query("SELECT summary::text FROM session WHERE id = \(fullID)", logger: logger).decode(String.self) {
                json = text
            }
            return json
        }
        guard let json else { throw StoreError.notFound(id: id) }
        return try decode(id: fullID, json: json)
    }

    public func count() throws -> Int {
        try query { connection, logger in
            var count = 0
            for try await value in try await connection.query("SELECT count(*)::bigint FROM session", logger: logger).decode(Int.self) {
                count = value
            }
            return count
        }
    }

    /// `sessions list` from the columns (the start time as the summary has it): no summary is
    /// fetched whole.
    public func listings(_ filter: SessionFilter) throws -> StoredListings {
        let (whereSQL, bindings) = Self.whereClause(filter)
        let sql = """
            SELECT id, agent, summary->'session'->>'started_at', duration_s, source_path, rings, ring_to_answer_s, answered,
                agent_share, dead_air_count, agent_interruptions, greeting_latency_s, alerts
            FROM session\(whereSQL) ORDER BY sort_at, id COLLATE "C"
            """
        let statement = PostgresQuery(unsafeSQL: sql, binds: bindings)
        typealias Columns = (String, String?, String?, Double, String, Int?, Double?, Bool?, Double?, Int, Int?, Double?, String)
        let rows: [Columns] = try query { connection, logger in
            var rows: [Columns] = []
            for try await row in try await connection.query(statement, logger: logger)
                .decode((String, String?, String?, Double, String, Int?, Double?, Bool?, Double?, Int, Int?, Double?, String).self) {
                rows.append(row)
            }
            return rows
        }
        return StoredListings(listings: rows.map { row in
            SessionListing(
                id: row.0, agent: row.1, durationS: row.3, path: row.4,
                fields: SessionFields(
                    startedAt: row.2, rings: row.5, ringToAnswerS: row.6, answered: row.7, agentShare: row.8, deadAir: row.9,
                    agentInterruptions: row.10, greetingLatencyS: row.11,
                    alertRules: row.12.isEmpty ? [] : row.12.split(separator: ",").map(String.init)))
        })
    }

    /// `callpulse report` worked out in the database: medians and 90th percentiles with
    /// `percentile_cont` (the same linear interpolation as `Percentile.linear`), the shares
    /// with `count(*) FILTER`, and the calls to review ranked there too, so a report over
    /// 100 000 sessions fetches one row per agent and `reviewCount` per agent, not every summary.
    /// The same figures as `Report(summaries:limits:reviewCount:)` on the same sessions.
    public func report(_ filter: SessionFilter, limits: AlertLimits, reviewCount: Int) throws -> Report {
        // A conversation: not an abandoned call (no ring, or answered).
        let conversation = "answered IS DISTINCT FROM false"
        var (whereSQL, bindings) = Self.whereClause(filter)
        bindings.append(limits.maxRings)
        let maxRings = "$\(bindings.count)"
        func spread(_ column: String, _ condition: String = "true") -> String {
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY \(column)) FILTER (WHERE \(condition)), "
                + "percentile_cont(0.9) WITHIN GROUP (ORDER BY \(column)) FILTER (WHERE \(condition)), "
                + "(count(\(column)) FILTER (WHERE \(condition)))::bigint"
        }
        let figuresSQL = """
            SELECT agent, count(*)::bigint, (count(*) FILTER (WHERE alert_count > 0))::bigint,
                \(spread("ring_to_answer_s")), \(spread("agent_share", conversation)), \(spread("response_latency_median_s", conversation)),
                (count(*) FILTER (WHERE rings IS NOT NULL AND answered AND rings <= \(maxRings)))::bigint,
                (count(*) FILTER (WHERE rings IS NOT NULL))::bigint,
                (count(*) FILTER (WHERE \(conversation) AND dead_air_count = 0))::bigint,
                (count(*) FILTER (WHERE \(conversation)))::bigint,
                (count(*) FILTER (WHERE \(conversation) AND agent_interruptions = 0))::bigint,
                (count(*) FILTER (WHERE \(conversation) AND agent_interruptions IS NOT NULL))::bigint
            FROM session\(whereSQL) GROUP BY agent
            """
        let (reviewWhere, reviewBindings) = Self.whereClause(filter, extra: ["alert_count > 0"])
        var rankedBindings = reviewBindings
        rankedBindings.append(max(0, reviewCount))
        let reviewSQL = """
            SELECT agent, id, summary->'session'->>'started_at', source_path,
                (SELECT coalesce(json_agg(a->>'message'), '[]')::text FROM jsonb_array_elements(summary->'alerts') a), severity
            FROM (
                SELECT agent, id, summary, source_path, severity,
                    row_number() OVER (PARTITION BY agent ORDER BY alert_count DESC, severity DESC, id COLLATE "C") AS rank
                FROM (
                    SELECT agent, id, summary, source_path, alert_count,
                        (SELECT coalesce(sum(abs((a->>'value')::float8 - (a->>'limit')::float8) / greatest(abs((a->>'limit')::float8), 1e-9)), 0)
                         FROM jsonb_array_elements(summary->'alerts') a) AS severity
                    FROM session\(reviewWhere)
                ) flagged
            ) ranked
            WHERE rank <= $\(rankedBindings.count)
            ORDER BY agent, rank
            """
        // Shift figures as `Report.shiftFigures`: per shift, its calls, their time, and the span
        // from the first call's offset to the last call's end; summed per agent.
        let (shiftWhere, shiftBindings) = Self.whereClause(filter, extra: ["shift_id IS NOT NULL"])
        let shiftSQL = """
            SELECT agent, sum(calls)::bigint, sum(in_call_s)::float8, sum(span_s)::float8 FROM (
                SELECT agent, count(*) AS calls, sum(duration_s) AS in_call_s,
                    max((summary->'session'->'call'->>'offset_s')::float8 + duration_s)
                        - min((summary->'session'->'call'->>'offset_s')::float8) AS span_s
                FROM session\(shiftWhere) GROUP BY agent, shift_id
            ) shifts GROUP BY agent
            """
        let shiftQuery = PostgresQuery(unsafeSQL: shiftSQL, binds: shiftBindings)
        let figuresQuery = PostgresQuery(unsafeSQL: figuresSQL, binds: bindings)
        let reviewQuery = PostgresQuery(unsafeSQL: reviewSQL, binds: rankedBindings)
        typealias Figures = (String?, Int, Int, Double?, Double?, Int, Double?, Double?, Int, Double?, Double?, Int, Int, Int, Int, Int, Int, Int)
        typealias Review = (String?, String, String?, String, String, Double)
        typealias Shift = (String?, Int, Double, Double)
        let (figureRows, reviewRows, shiftRows): ([Figures], [Review], [Shift]) = try query { connection, logger in
            var figures: [Figures] = []
            for try await row in try await connection.query(figuresQuery, logger: logger)
                .decode((String?, Int, Int, Double?, Double?, Int, Double?, Double?, Int, Double?, Double?, Int, Int, Int, Int, Int, Int, Int).self) {
                figures.append(row)
            }
            var reviews: [Review] = []
            for try await row in try await connection.query(reviewQuery, logger: logger).decode((String?, String, String?, String, String, Double).self) {
                reviews.append(row)
            }
            var shifts: [Shift] = []
            for try await row in try await connection.query(shiftQuery, logger: logger).decode((String?, Int, Double, Double).self) {
                shifts.append(row)
            }
            return (figures, reviews, shifts)
        }
        var shift: [String?: Shift] = [:]
        for row in shiftRows { shift[row.0] = row }
        var review: [String?: [Report.ReviewItem]] = [:]
        for (agent, id, startedAt, path, reasons, severity) in reviewRows {
            let messages = (try? JSONDecoder().decode([String].self, from: Data(reasons.utf8))) ?? []
            review[agent, default: []].append(Report.ReviewItem(sessionID: id, startedAt: startedAt, path: path, reasons: messages, severity: severity))
        }
        let agents = figureRows.map { row in
            Report.AgentReport(
                agent: row.0, calls: row.1, flaggedCalls: row.2,
                ringToAnswerS: Report.Spread(medianValue: row.3, p90Value: row.4, count: row.5),
                agentShare: Report.Spread(medianValue: row.6, p90Value: row.7, count: row.8),
                responseLatencyS: Report.Spread(medianValue: row.9, p90Value: row.10, count: row.11),
                answeredWithinRingLimit: Report.Share(kept: row.12, total: row.13),
                withoutDeadAir: Report.Share(kept: row.14, total: row.15),
                withoutAgentInterruptions: Report.Share(kept: row.16, total: row.17),
                review: review[row.0] ?? [],
                shiftCalls: shift[row.0]?.1 ?? 0, inCallS: shift[row.0]?.2 ?? 0, shiftSpanS: shift[row.0]?.3 ?? 0
            )
        }
        return Report(agents: agents, limits: limits)
    }

    /// The ids of the stored sessions among `ids` (what a push can skip checking).
    public func storedIDs() throws -> Set<String> {
        try query { connection, logger in
            var ids = Set<String>()
            for try await id in try await connection.query("SELECT id FROM session", logger: logger).decode(String.self) {
                ids.insert(id)
            }
            return ids
        }
    }

    private func decode(id: String, json: String) throws -> Summary {
        do {
            return try JSONDecoder().decode(Summary.self, from: Data(json.utf8))
        } catch {
            throw StoreError.damagedSession(path: location, id: id, reason: SessionStore.describe(error))
        }
    }

    /// An id or a unique prefix of one, compared as text (never a LIKE pattern).
    private func resolve(_ id: String) throws -> String {
        let matches: [String] = try query { connection, logger in
            var matches: [String] = []
            for try await match in try await connection.query("SELECT id FROM session WHERE id = \(id)", logger: logger).decode(String.self) {
                return [match]
            }
            for try await match in try await connection.query("SELECT id FROM session WHERE left(id, length(\(id))) = \(id) ORDER BY id COLLATE \"C\" LIMIT 4", logger: logger).decode(String.self) {
                matches.append(match)
            }
            return matches
        }
        guard !id.isEmpty, let first = matches.first else { throw StoreError.notFound(id: id) }
        guard matches.count == 1 else { throw StoreError.ambiguous(id: id, matches: matches) }
        return first
    }

    // MARK: Plumbing

    /// Runs `body` on the connection and waits; any failure becomes one `StoreError`.
    private func query<T>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) throws -> T {
        let connection = connection
        let logger = logger
        do {
            return try runBlocking { try await body(connection, logger) }
        } catch {
            throw Self.storeError(error, url: url, connecting: false)
        }
    }

    /// One sentence for a failure: the host named, the server's own message where there is
    /// one (PostgreSQL never puts a password in it), the cause of a failed connection.
    static func storeError(_ error: any Error, url: TeamStoreURL, connecting: Bool) -> StoreError {
        if let storeError = error as? StoreError { return storeError }
        let host = url.hostAndPort
        guard let error = error as? PSQLError else {
            return .teamStoreUnreachable(host: host, reason: oneLine("\(error)"))
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = oneLine(error.serverInfo?[.message] ?? "the server refused")
            if state == "42P01" { return .teamStoreNotInitialised(host: host, database: url.database) }
            // 28xxx: authentication; 3D000: no such database; 57P03: starting up.
            if connecting || state.hasPrefix("28") || state == "3D000" || state.hasPrefix("08") || state.hasPrefix("57") {
                return .teamStoreUnreachable(host: host, reason: message)
            }
            return .teamStoreFailed(host: host, reason: message)
        case .sslUnsupported:
            return .teamStoreUnreachable(host: host, reason: "the server does not offer TLS (sslmode=\(url.sslMode.rawValue))")
        case .authMechanismRequiresPassword:
            return .teamStoreUnreachable(host: host, reason: "the server asks \(url.user) for a password: set PGPASSWORD or add it to ~/.pgpass")
        case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
            return .teamStoreUnreachable(host: host, reason: "the connection was closed")
        case .connectionError:
            return .teamStoreUnreachable(host: host, reason: describe(connectionFailure: error.underlying))
        default:
            return .teamStoreUnreachable(host: host, reason: oneLine("\(error.code)"))
        }
    }

    private static func describe(connectionFailure underlying: (any Error)?) -> String {
        guard let underlying else { return "the connection failed" }
        if let io = underlying as? IOError {
            return String(cString: strerror(io.errnoCode))
        }
        if let connect = underlying as? NIOConnectionError {
            if let first = connect.connectionErrors.first, let io = first.error as? IOError {
                return String(cString: strerror(io.errnoCode))
            }
            if connect.dnsAError != nil || connect.dnsAAAAError != nil || connect.connectionErrors.isEmpty {
                return "the host name cannot be resolved"
            }
        }
        if let channel = underlying as? ChannelError, case .connectTimeout = channel {
            return "no answer within \(connectTimeoutS) s"
        }
        if underlying is NIOSSLError || "\(type(of: underlying))".contains("BoringSSL") {
            let text = "\(underlying)"
            if text.contains("CERTIFICATE_VERIFY_FAILED") { return "the TLS handshake failed: the server's certificate did not verify against the CA certificate" }
            return "the TLS handshake failed"
        }
        return oneLine("\(underlying)")
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
    }
}
