import CallPulseCore
import Foundation
import GRDB

/// Which stored sessions a command looks at. Every filter left `nil` lets all through.
public struct SessionFilter: Equatable, Sendable {
    public var agent: String?
    /// Sessions at or after this moment.
    public var since: Date?
    /// Sessions before this moment.
    public var until: Date?
    /// Only sessions with at least one alert.
    public var flaggedOnly: Bool
    /// Only the calls of this shift (`session.call.shift_id`).
    public var shiftID: String?
    /// Only sessions waiting to be sent to the team store (a local store's queue).
    public var unsentOnly: Bool

    public init(agent: String? = nil, since: Date? = nil, until: Date? = nil, flaggedOnly: Bool = false, shiftID: String? = nil, unsentOnly: Bool = false) {
        self.shiftID = shiftID
        self.unsentOnly = unsentOnly
        self.agent = agent
        self.since = since
        self.until = until
        self.flaggedOnly = flaggedOnly
        self.unsentOnly = unsentOnly
    }
}

/// What a reading command gets: the summaries that could be read, and one error for each
/// stored session that could not.
public struct StoredSummaries: Sendable {
    public var summaries: [Summary] = []
    public var damaged: [StoreError] = []

    public init(summaries: [Summary] = [], damaged: [StoreError] = []) {
        self.summaries = summaries
        self.damaged = damaged
    }
}

/// What `save` did.
public enum SaveOutcome: Equatable, Sendable {
    /// A new session.
    case inserted
    /// The same recording was stored before: its row now holds the new summary.
    case replaced
    /// The team store had the session already and keeps it as it was (agents add sessions,
    /// never change them).
    case alreadyStored
}

/// The session store: one SQLite file (WAL) holding every session summary, owned by one
/// `DatabaseMigrator` whose named migrations are only ever appended.
///
/// Every method throws `StoreError` only.
public final class SessionStore: Sendable {
    /// The store file, or `:memory:`.
    public let path: String
    private let writer: any DatabaseWriter

    /// How long a write waits for another process that holds the store, in seconds: long
    /// enough for any other callpulse to store a summary (milliseconds), short enough that a
    /// stuck program does not hang the caller. SQLite's busy handler retries within it.
    public static let defaultBusyTimeoutS = 5.0

    /// What a command does with the store. A reading command (`sessions list/show/export`,
    /// `report`) opens it read-only: it never migrates, switches the journal, or writes.
    public enum Access: Sendable {
        case read
        case write
    }

    /// The store at `path`. A missing store is created, race-free, with its folder (0700) and
    /// file (0600). An existing path is looked at before anything touches it (`StoreFile`):
    /// it must be a regular file (not a folder, a device, a FIFO), a callpulse store (not
    /// another program's database), and, to write, its owner's and writable by the owner's
    /// own mode bits. Nothing at `path` is ever chmodded; a file that fails a check is left
    /// byte for byte as it was.
    public init(path: String, access: Access = .write, busyTimeoutS: Double = defaultBusyTimeoutS) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeoutS)
        configuration.label = "callpulse.sessions"
        do {
            if try StoreFile.inspect(path, access: access) == .missing {
                try Self.create(at: path, busyTimeoutS: busyTimeoutS)
            }
            let migrated = try Self.checkIsCallpulseStore(path, access: access, busyTimeoutS: busyTimeoutS)
            switch access {
            case .read:
                // Read-only: in WAL mode a reader reads while another process writes.
                configuration.readonly = true
                writer = try DatabaseQueue(path: path, configuration: configuration)
            case .write:
                // One connection in WAL mode: every command opens the store, does one short job
                // and exits, so a pool's extra reader connections and threads (4.9 MiB of
                // resident memory for `analyze`) buy nothing. Other processes still read.
                configuration.journalMode = .wal
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                writer = queue
                if !migrated { try Self.migrator.migrate(queue) }
            }
        } catch {
            throw Self.storeError(error, path: path, busyTimeoutS: busyTimeoutS, opening: true)
        }
    }

    /// Makes a new store at `path` without a moment in which another process could find it
    /// half made: the schema is written to a private file beside it, which is then linked to
    /// `path` (`link` fails if `path` appeared meanwhile: the other process's store is used,
    /// ours dropped). Eight processes starting on a new store at once all find it complete.
    private static func create(at path: String, busyTimeoutS: Double) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let manager = FileManager.default
        if !folder.isEmpty, !manager.fileExists(atPath: folder) {
            do {
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.cannotOpen(path: path, reason: "cannot create the folder \(folder): \(systemReason(error))")
            }
        }
        let name = (path as NSString).lastPathComponent
        let draft = (folder.isEmpty ? "" : folder + "/") + ".\(name).new-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(draft, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        close(descriptor)
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(draft + suffix) }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeoutS)
        configuration.journalMode = .wal
        let queue = try DatabaseQueue(path: draft, configuration: configuration)
        try migrator.migrate(queue)
        try queue.close()
        if link(draft, path) != 0 && errno != EEXIST {
            let reason = String(cString: strerror(errno))
            // A file system without hard links: rename, unless the store appeared meanwhile.
            guard errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP,
                  !manager.fileExists(atPath: path), rename(draft, path) == 0 else {
                throw StoreError.cannotOpen(path: path, reason: reason)
            }
        }
    }

    /// Opens `path` read-only and checks that it holds callpulse's tables; returns whether
    /// every migration is applied. Another program's database, or a store from a newer
    /// callpulse, is refused before any write connection exists.
    private static func checkIsCallpulseStore(_ path: String, access: Access, busyTimeoutS: Double) throws -> Bool {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeoutS)
        let probe = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? probe.close() }
        return try probe.read { db in
            let tables = try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
            if tables.isEmpty {
                // An empty file (made by an older callpulse, or `touch`): a writer makes it a store.
                guard access == .write else { throw StoreError.notAStore(path: path, reason: "it is empty") }
                return false
            }
            guard tables.contains("grdb_migrations"), tables.contains(SessionRecord.databaseTableName),
                  let applied = try? migrator.appliedIdentifiers(db), applied.contains("v1: session table") else {
                throw StoreError.notAStore(path: path, reason: "it holds " + tables.sorted().prefix(5).joined(separator: ", ")
                    + (tables.count > 5 ? ", …" : "") + ", not callpulse's sessions")
            }
            if try migrator.hasBeenSuperseded(db) { throw StoreError.newerSchema(path: path) }
            return try migrator.hasCompletedMigrations(db)
        }
    }

    /// A store that lives in memory only (tests, `--no-store` previews).
    public init(inMemory: Void = ()) throws {
        path = ":memory:"
        let queue = try DatabaseQueue()
        writer = queue
        do {
            try Self.migrator.migrate(queue)
        } catch {
            throw Self.storeError(error, path: path, busyTimeoutS: 0, opening: true)
        }
    }

    /// `$XDG_DATA_HOME/callpulse/sessions.sqlite`, or `~/.local/share/callpulse/sessions.sqlite`
    /// when `XDG_DATA_HOME` is unset or empty (XDG Base Directory Specification).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base: String
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            base = data
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            base = home + "/.local/share"
        }
        return base + "/callpulse/sessions.sqlite"
    }

    // MARK: Migrations

    /// Named migrations, applied in order, never edited once released: append new ones.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: session table") { db in
            try db.create(table: SessionRecord.databaseTableName) { table in
                table.primaryKey("id", .text)
                table.column("agent", .text)
                table.column("started_at", .text)
                table.column("stored_at", .text).notNull()
                table.column("sort_at", .text).notNull()
                table.column("duration_s", .double).notNull()
                table.column("source_kind", .text).notNull()
                table.column("source_path", .text).notNull()
                table.column("layout", .text).notNull()
                table.column("rings", .integer)
                table.column("ring_to_answer_s", .double)
                table.column("answered", .boolean)
                table.column("agent_share", .double)
                table.column("dead_air_count", .integer).notNull()
                table.column("agent_interruptions", .integer)
                table.column("greeting_latency_s", .double)
                table.column("response_latency_median_s", .double)
                table.column("alert_count", .integer).notNull()
                table.column("alerts", .text).notNull()
                table.column("summary_json", .text).notNull()
            }
            try db.create(index: "session_on_agent_sort_at", on: SessionRecord.databaseTableName, columns: ["agent", "sort_at"])
            try db.create(index: "session_on_sort_at", on: SessionRecord.databaseTableName, columns: ["sort_at"])
        }
        // SPEC "Calls in a shift": the calls of one capture share `shift_id`.
        migrator.registerMigration("v2: shift columns") { db in
            try db.alter(table: SessionRecord.databaseTableName) { table in
                table.add(column: "shift_id", .text)
                table.add(column: "call_index", .integer)
                table.add(column: "call_offset_s", .double)
            }
            try db.create(index: "session_on_shift_id", on: SessionRecord.databaseTableName, columns: ["shift_id", "call_index"])
        }
        // Offline first (SPEC "Team store"): a session meant for the team store is committed
        // here and listed in `unsent` until the team store has it.
        migrator.registerMigration("v3: unsent queue") { db in
            try db.create(table: "unsent") { table in
                table.primaryKey("id", .text).references(SessionRecord.databaseTableName, onDelete: .cascade)
                table.column("queued_at", .text).notNull()
            }
        }
        // `report` in SQL (SessionStore+Report): how far past their limits a session's alerts
        // are (the review ranking, `Report.severity` summed), back-filled from the summaries
        // kept; and indexes that cover the figures, the review ranking and the shift figures:
        // a row is ~4.5 KB with its summary, so a scan of the table reads every summary's
        // pages, and one of an index a few bytes a row.
        migrator.registerMigration("v4: report columns") { db in
            try db.alter(table: SessionRecord.databaseTableName) { table in
                table.add(column: "alert_severity", .double).notNull().defaults(to: 0)
            }
            try db.execute(sql: """
                UPDATE session SET alert_severity = coalesce((
                    SELECT sum(abs(json_extract(a.value, '$.value') - json_extract(a.value, '$.limit'))
                        / max(abs(json_extract(a.value, '$.limit')), 1e-9))
                    FROM json_each(session.summary_json, '$.alerts') a), 0)
                WHERE alert_count > 0 AND json_valid(summary_json)
                """)
            try db.execute(sql: """
                CREATE INDEX session_report ON session (agent, sort_at, answered, rings, ring_to_answer_s, agent_share,
                    response_latency_median_s, dead_air_count, agent_interruptions, alert_count)
                """)
            try db.execute(sql: "CREATE INDEX session_review ON session (agent, alert_count, alert_severity, id, sort_at) WHERE alert_count > 0")
            try db.execute(sql: "CREATE INDEX session_shift_calls ON session (agent, shift_id, call_offset_s, duration_s, sort_at) WHERE shift_id IS NOT NULL")
        }
        // `callpulse serve` on this store (SPEC "Supervisor dashboard"), self-contained: users,
        // wrong passwords, the cookie key, this machine's live tile, and keyset paging.
        migrator.registerMigration("v5: dashboard users and live state") { db in
            try db.execute(sql: """
                CREATE TABLE dashboard_user (name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('supervisor', 'viewer')),
                    password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
                CREATE TABLE dashboard_login_failure (name TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_at REAL NOT NULL);
                CREATE TABLE dashboard_key (id INTEGER PRIMARY KEY CHECK (id = 1), key BLOB NOT NULL);
                CREATE TABLE live_state (agent TEXT PRIMARY KEY, monitor TEXT NOT NULL, tile TEXT NOT NULL, updated_at REAL NOT NULL);
                CREATE INDEX session_on_sort_at_id ON session (sort_at, id);
                """)
        }
        return migrator
    }

    /// Names of the migrations applied to this store, in order.
    public func appliedMigrations() throws -> [String] {
        try run { db in try Self.migrator.appliedMigrations(db) }
    }

    // MARK: Writing

    /// Keeps `summary`, replacing the session with the same id if there is one.
    @discardableResult
    public func save(_ summary: Summary, json: String? = nil, storedAt: Date = Date()) throws -> SaveOutcome {
        try save(summary, json: json, storedAt: storedAt, unsent: false)
    }

    /// Keeps `summary`; with `unsent`, in the same transaction it joins the queue of sessions
    /// the team store has not got yet.
    @discardableResult
    public func save(_ summary: Summary, json: String? = nil, storedAt: Date = Date(), unsent: Bool) throws -> SaveOutcome {
        let record: SessionRecord
        do {
            record = try SessionRecord(summary: summary, storedAt: storedAt, json: json)
        } catch {
            throw StoreError.unreadableSummary(id: summary.session.id, reason: "\(error)")
        }
        return try write { db in
            let existed = try SessionRecord.exists(db, key: record.id)
            try record.upsert(db)
            if unsent {
                try db.execute(sql: "INSERT OR REPLACE INTO unsent (id, queued_at) VALUES (?, ?)", arguments: [record.id, StoreDate.string(storedAt)])
            }
            return existed ? .replaced : .inserted
        }
    }

    /// The sessions waiting for the team store, oldest first.
    public func unsentRecords() throws -> [SessionRecord] {
        try records(SessionFilter(unsentOnly: true))
    }

    /// Takes `ids` off the queue: the team store has them.
    public func markSent(_ ids: [String]) throws {
        guard !ids.isEmpty else { return }
        try write { db in
            for id in ids { try db.execute(sql: "DELETE FROM unsent WHERE id = ?", arguments: [id]) }
        }
    }

    /// Deletes one session by its id or a unique prefix of it; returns the full id.
    @discardableResult
    public func delete(id: String) throws -> String {
        try write { db in
            let fullID = try Self.resolve(id, db)
            _ = try SessionRecord.deleteOne(db, key: fullID)
            return fullID
        }
    }

    /// Deletes every session before `date`; returns how many.
    @discardableResult
    public func delete(before date: Date) throws -> Int {
        try write { db in
            try SessionRecord.filter(SessionRecord.Columns.sortAt < StoreDate.string(date)).deleteAll(db)
        }
    }

    // MARK: Reading

    /// The sessions that pass `filter`, oldest first. A damaged row throws `.damagedSession`.
    public func records(_ filter: SessionFilter = SessionFilter()) throws -> [SessionRecord] {
        try rows(filter).map { try $0.get() }
    }

    /// The summaries of the sessions that pass `filter`, oldest first, and one
    /// `.damagedSession` for each row that cannot be read: one damaged row does not hide
    /// the others.
    public func summaries(_ filter: SessionFilter = SessionFilter()) throws -> StoredSummaries {
        var result = StoredSummaries()
        for row in try rows(filter) {
            do {
                result.summaries.append(try summary(of: row.get()))
            } catch let error as StoreError {
                result.damaged.append(error)
            }
        }
        return result
    }

    /// One session by its id or a unique prefix of it.
    public func record(id: String) throws -> SessionRecord {
        try run { db in
            let fullID = try Self.resolve(id, db)
            guard let row = try Row.fetchOne(db, SessionRecord.filter(key: fullID)) else { throw StoreError.notFound(id: id) }
            return try self.decode(row, id: fullID).get()
        }
    }

    /// The stored summary of one session (id or unique prefix).
    public func summary(id: String) throws -> Summary {
        try summary(of: record(id: id))
    }

    /// The summary a record keeps, or `.damagedSession` naming this store and the session.
    public func summary(of record: SessionRecord) throws -> Summary {
        do {
            return try JSONDecoder().decode(Summary.self, from: Data(record.summaryJSON.utf8))
        } catch {
            throw StoreError.damagedSession(path: path, id: record.id, reason: Self.describe(error))
        }
    }

    private func rows(_ filter: SessionFilter) throws -> [Result<SessionRecord, StoreError>] {
        try run { db in
            var request = SessionRecord.all()
            if let agent = filter.agent {
                request = request.filter(SessionRecord.Columns.agent == agent)
            }
            if let since = filter.since {
                request = request.filter(SessionRecord.Columns.sortAt >= StoreDate.string(since))
            }
            if let until = filter.until {
                request = request.filter(SessionRecord.Columns.sortAt < StoreDate.string(until))
            }
            if filter.flaggedOnly {
                request = request.filter(SessionRecord.Columns.alertCount > 0)
            }
            if let shiftID = filter.shiftID {
                request = request.filter(SessionRecord.Columns.shiftID == shiftID)
            }
            if filter.unsentOnly {
                // A store made before the queue existed has nothing queued.
                guard try db.tableExists("unsent") else { return [] }
                request = request.filter(sql: "id IN (SELECT id FROM unsent)")
            }
            let ordered = filter.shiftID == nil
                ? request.order(SessionRecord.Columns.sortAt, SessionRecord.Columns.id)
                : request.order(SessionRecord.Columns.callIndex, SessionRecord.Columns.id)
            return try Row.fetchAll(db, ordered).map { row in
                self.decode(row, id: (try? String.fromDatabaseValue(row["id"] ?? .null)) ?? "?")
            }
        }
    }

    /// A row as a record, each row on its own: a column of the wrong type is that row's damage.
    private func decode(_ row: Row, id: String) -> Result<SessionRecord, StoreError> {
        do {
            return .success(try SessionRecord(row: row))
        } catch {
            return .failure(.damagedSession(path: path, id: id, reason: Self.describe(error)))
        }
    }

    /// A decoding failure in a few words: where in the summary, and what.
    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        func place(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch decoding {
        case .dataCorrupted(let context):
            return (context.codingPath.isEmpty ? "" : place(context.codingPath) + ": ") + context.debugDescription
        case .keyNotFound(let key, let context):
            return "\(place(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(place(context.codingPath)) has the wrong type"
        @unknown default:
            return "\(error)"
        }
    }

    public func count() throws -> Int {
        try run { db in try SessionRecord.fetchCount(db) }
    }

    // MARK: Plumbing

    private static func resolve(_ id: String, _ db: Database) throws -> String {
        if try SessionRecord.exists(db, key: id) { return id }
        // A prefix of an id is a prefix, compared as text: never a LIKE pattern, where `_`
        // or `%` would match any session (and `delete` would remove it).
        let matches = try String.fetchAll(
            db, sql: "SELECT id FROM session WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id LIMIT 4", arguments: [id])
        guard !id.isEmpty, let first = matches.first else { throw StoreError.notFound(id: id) }
        guard matches.count == 1 else { throw StoreError.ambiguous(id: id, matches: matches) }
        return first
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.write(body)
        } catch {
            throw Self.storeError(error, path: path, busyTimeoutS: Self.defaultBusyTimeoutS, opening: false)
        }
    }

    func run<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch {
            throw Self.storeError(error, path: path, busyTimeoutS: Self.defaultBusyTimeoutS, opening: false)
        }
    }

    private static func systemReason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }

    static func storeError(_ error: any Error, path: String, busyTimeoutS: Double, opening: Bool) -> StoreError {
        if let storeError = error as? StoreError { return storeError }
        guard let databaseError = error as? DatabaseError else {
            return opening ? .cannotOpen(path: path, reason: "\(error)") : .cannotWrite(path: path, reason: "\(error)")
        }
        let reason = databaseError.message ?? "\(databaseError.resultCode)"
        switch databaseError.resultCode.primaryResultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .busy(path: path, timeoutS: busyTimeoutS)
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .corrupt(path: path, reason: reason)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return .cannotOpen(path: path, reason: reason)
        case .SQLITE_FULL:
            return .cannotWrite(path: path, reason: "the disk is full")
        case .SQLITE_READONLY:
            return .cannotWrite(path: path, reason: "the store is read-only (\(reason))")
        default:
            return opening ? .cannotOpen(path: path, reason: reason) : .cannotWrite(path: path, reason: reason)
        }
    }
}
