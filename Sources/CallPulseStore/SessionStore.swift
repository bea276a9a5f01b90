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

    public init(agent: String? = nil, since: Date? = nil, until: Date? = nil, flaggedOnly: Bool = false) {
        self.agent = agent
        self.since = since
        self.until = until
        self.flaggedOnly = flaggedOnly
    }
}

/// What `save` did.
public enum SaveOutcome: Equatable, Sendable {
    /// A new session.
    case inserted
    /// The same recording was stored before: its row now holds the new summary.
    case replaced
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

    /// The store at `path` (created with its folder when missing: folder 0700, file 0600).
    public init(path: String, busyTimeoutS: Double = defaultBusyTimeoutS) throws {
        self.path = path
        try Self.prepareFile(at: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeoutS)
        configuration.label = "callpulse.sessions"
        // One connection in WAL mode: every command opens the store, does one short job and
        // exits, so a pool's extra reader connections and threads (4.9 MiB of resident memory
        // for `analyze`) buy nothing. Other processes still read while one writes.
        configuration.journalMode = .wal
        do {
            let pool = try DatabaseQueue(path: path, configuration: configuration)
            writer = pool
            if try pool.read(Self.migrator.hasBeenSuperseded) {
                throw StoreError.newerSchema(path: path)
            }
            do {
                try Self.migrator.migrate(pool)
            } catch {
                // Two processes opening a new store at once both see it unmigrated, and the
                // second one's CREATE fails once the first has committed. Run the migrator again:
                // it now finds the migrations applied (a real failure fails again).
                try Self.migrator.migrate(pool)
            }
            // SQLite gives -wal and -shm the main file's mode; make sure of it all the same.
            for suffix in ["-wal", "-shm"] {
                _ = chmod(path + suffix, 0o600)
            }
        } catch {
            throw Self.storeError(error, path: path, busyTimeoutS: busyTimeoutS, opening: true)
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
        let record: SessionRecord
        do {
            record = try SessionRecord(summary: summary, storedAt: storedAt, json: json)
        } catch {
            throw StoreError.unreadableSummary(id: summary.session.id, reason: "\(error)")
        }
        return try write { db in
            let existed = try SessionRecord.exists(db, key: record.id)
            try record.upsert(db)
            return existed ? .replaced : .inserted
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

    /// The sessions that pass `filter`, oldest first.
    public func records(_ filter: SessionFilter = SessionFilter()) throws -> [SessionRecord] {
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
            return try request.order(SessionRecord.Columns.sortAt, SessionRecord.Columns.id).fetchAll(db)
        }
    }

    /// The summaries of the sessions that pass `filter`, oldest first.
    public func summaries(_ filter: SessionFilter = SessionFilter()) throws -> [Summary] {
        try records(filter).map { try $0.summary() }
    }

    /// One session by its id or a unique prefix of it.
    public func record(id: String) throws -> SessionRecord {
        try run { db in
            let fullID = try Self.resolve(id, db)
            guard let record = try SessionRecord.fetchOne(db, key: fullID) else { throw StoreError.notFound(id: id) }
            return record
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

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.write(body)
        } catch {
            throw Self.storeError(error, path: path, busyTimeoutS: Self.defaultBusyTimeoutS, opening: false)
        }
    }

    private func run<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch {
            throw Self.storeError(error, path: path, busyTimeoutS: Self.defaultBusyTimeoutS, opening: false)
        }
    }

    /// Creates the folder (0700) and an empty file (0600) before SQLite opens it, so that the
    /// file never exists with the process umask's looser mode.
    private static func prepareFile(at path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let manager = FileManager.default
        if !folder.isEmpty, !manager.fileExists(atPath: folder) {
            do {
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.cannotOpen(path: path, reason: "cannot create the folder \(folder): \(systemReason(error))")
            }
        }
        if !manager.fileExists(atPath: path) {
            let descriptor = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            close(descriptor)
        }
        // Calls are personal data: only the owner reads the store.
        _ = chmod(path, 0o600)
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
