import ArgumentParser
import CallPulseCore
import CallPulseRender
import CallPulseStore
import Foundation

/// What `--store` names, else `CALLPULSE_STORE`, else nothing (the default SQLite store).
/// SPEC "Team store": a path is a SQLite store, `postgres://…` the team store.
func storeTarget(_ option: String?) -> String? {
    if let option { return option }
    if let fromEnvironment = ProcessInfo.processInfo.environment["CALLPULSE_STORE"], !fromEnvironment.isEmpty {
        return fromEnvironment
    }
    return nil
}

/// Checks a `--store` value (or `CALLPULSE_STORE`): a non-empty path, or a team store URL
/// that parses and holds no password.
func validateStoreTarget(_ target: String?) throws {
    guard let target else { return }
    if target.isEmpty { throw ValidationError("--store needs a file path or a postgres:// URL.") }
    if TeamStoreURL.isURL(target) {
        do {
            _ = try TeamStoreURL(target)
        } catch {
            throw ValidationError("\(error).")
        }
    }
}

/// `--store PATH|URL` / `--no-store` for the commands that produce sessions (analyze, live).
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("store"), help: ArgumentHelp(
        "The session store to keep the summaries in: a SQLite file, or the team store postgres://USER@HOST:PORT/DB?sslmode=MODE (default: $CALLPULSE_STORE, else $XDG_DATA_HOME/callpulse/sessions.sqlite).",
        valueName: "PATH|URL"
    ))
    var storePath: String?

    @Flag(name: .customLong("no-store"), help: "Do not keep the summaries in the session store.")
    var noStore = false

    func validate() throws {
        if noStore && storePath != nil {
            throw ValidationError("Choose one of --store and --no-store.")
        }
        if !noStore { try validateStoreTarget(storeTarget(storePath)) }
    }

    /// The store summaries go to, or `nil` with `--no-store`.
    var location: String? { noStore ? nil : storeTarget(storePath) ?? SessionStore.defaultPath() }

    /// The team store, when the summaries are meant for one.
    var teamStore: TeamStoreURL? {
        guard let location, TeamStoreURL.isURL(location) else { return nil }
        return try? TeamStoreURL(location)
    }

    /// The agent a session is kept under when no --agent is given: on the team store, the
    /// database user (row-level security admits an agent's own sessions only).
    var defaultAgent: String? { teamStore?.user }

    /// Keeps `summaries` in the store (replacing earlier analyses of the same recordings).
    /// When the store cannot take them, they go to a fallback file, one line names the store
    /// and that file, and the command fails with exit status 5 (SPEC "Errors").
    ///
    /// For the team store, offline first: they are committed to the local store and queued,
    /// then the queue is sent; a send that fails leaves them queued with one warning line.
    func keep(_ summaries: [Summary]) throws {
        guard let target = location, !summaries.isEmpty else { return }
        let team = teamStore
        let path = team == nil ? target : SessionStore.defaultPath()
        var unsaved = summaries
        let local: SessionStore
        do {
            let store = try SessionStore(path: path, access: .write)
            while let summary = unsaved.first {
                try store.save(summary, json: SummaryJSON.render(summary, compact: true), unsent: team != nil)
                unsaved.removeFirst()
            }
            local = store
        } catch {
            let contents = (unsaved.count == 1 ? SummaryJSON.render(unsaved[0]) : SummaryJSON.render(unsaved)) + "\n"
            let what = unsaved.count == 1 ? "the summary" : "\(unsaved.count) summaries"
            if let fallback = FallbackFile.write(contents, sessionID: unsaved[0].session.id) {
                printError("\(error); \(what) of this run \(unsaved.count == 1 ? "was" : "were") saved to \(fallback) instead")
            } else {
                printError("\(error); \(what) could not be saved anywhere else either: keep the output above")
            }
            throw CommandFailure(status: .store)
        }
        if let team {
            do {
                _ = try TeamPush.send(from: local, to: team)
            } catch {
                let waiting = (try? local.unsentRecords().count) ?? summaries.count
                printWarning("\(error); \(waiting) session\(waiting == 1 ? "" : "s") wait\(waiting == 1 ? "s" : "") in \(local.path) and go with the next call or `callpulse sessions push`")
            }
        }
    }
}

/// Sending the local queue to the team store.
enum TeamPush {
    /// How many sessions go in one transaction: large enough that a push of thousands is a
    /// few round trips per batch, small enough that a failure repeats little.
    static let batchSize = 500

    /// Sends every queued session of `local` to `url`; returns how many were sent. Each batch
    /// leaves the queue only once the team store has committed it: a failure part way leaves
    /// the rest queued, and sending a batch again stores each session once.
    static func send(from local: SessionStore, to url: TeamStoreURL) throws -> Int {
        let queued = try local.unsentRecords()
        guard !queued.isEmpty else { return 0 }
        let team = try TeamSessionStore(url: url)
        defer { team.close() }
        var sent = 0
        var refused: StoreError?
        var start = 0
        while start < queued.count {
            let batch = Array(queued[start..<min(start + batchSize, queued.count)])
            start += batch.count
            do {
                try team.push(batch)
                try local.markSent(batch.map(\.id))
                sent += batch.count
            } catch StoreError.teamStoreFailed(let host, let reason) {
                // The server refused one of them (row-level security: a session under another
                // agent's name): send the others one by one; the refused stay queued.
                refused = refused ?? .teamStoreFailed(host: host, reason: reason)
                for record in batch {
                    do {
                        try team.push([record])
                        try local.markSent([record.id])
                        sent += 1
                    } catch StoreError.teamStoreFailed(_, _) {
                        continue
                    }
                }
            }
        }
        if let refused { throw refused }
        return sent
    }
}

/// `--store PATH|URL` for the commands that read the store (sessions, report).
struct StoreLocation: ParsableArguments {
    @Option(name: .customLong("store"), help: ArgumentHelp(
        "The session store to read: a SQLite file, or the team store postgres://USER@HOST:PORT/DB?sslmode=MODE (default: $CALLPULSE_STORE, else $XDG_DATA_HOME/callpulse/sessions.sqlite).",
        valueName: "PATH|URL"
    ))
    var storePath: String?

    func validate() throws {
        try validateStoreTarget(storeTarget(storePath))
    }

    var target: String? { storeTarget(storePath) }

    var path: String { target ?? SessionStore.defaultPath() }

    /// The team store named, if any.
    var teamStore: TeamStoreURL? {
        guard let target, TeamStoreURL.isURL(target) else { return nil }
        return try? TeamStoreURL(target)
    }

    /// The store, or one error line and exit status 5. A store named with `--store` must
    /// exist: reading commands never create one at a mistyped path.
    /// `sessions delete` opens it to write; every other reading command read-only.
    func open(access: SessionStore.Access = .read) throws -> any SessionStoring {
        if let teamStore {
            do {
                return try TeamSessionStore(url: teamStore)
            } catch {
                printError("\(error)")
                throw CommandFailure(status: .store)
            }
        }
        return try openLocal(access: access)
    }

    /// The SQLite store: the one named, or (for a team store) this machine's own, which
    /// holds the queue of unsent sessions.
    func openLocal(access: SessionStore.Access = .read) throws -> SessionStore {
        let path = teamStore == nil ? path : SessionStore.defaultPath()
        if teamStore == nil, let target, !FileManager.default.fileExists(atPath: target) {
            printError("\(target): there is no session store there; check the path, or leave out --store for the default store")
            throw CommandFailure(status: .store)
        }
        do {
            return try SessionStore(path: path, access: access)
        } catch {
            printError("\(error)")
            throw CommandFailure(status: .store)
        }
    }
}

/// Reports each damaged stored session on one line; with any, the command ends with exit
/// status 5 once the others have been shown.
func reportDamaged(_ stored: StoredSummaries) throws {
    for error in stored.damaged { printError(error.description) }
    if !stored.damaged.isEmpty { throw CommandFailure(status: .store) }
}

/// Runs a store operation; a `StoreError` becomes one error line and exit status 5.
func withStore<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as StoreError {
        switch error {
        case .notFound, .ambiguous:
            printError(error.description)
            throw CommandFailure(status: .usage)
        default:
            printError(error.description)
            throw CommandFailure(status: .store)
        }
    }
}
