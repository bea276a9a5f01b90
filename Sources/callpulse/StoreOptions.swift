import ArgumentParser
import CallPulseCore
import CallPulseRender
import CallPulseStore
import Foundation

/// `--store PATH` / `--no-store` for the commands that produce sessions (analyze, live).
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("store"), help: ArgumentHelp(
        "The session store to keep the summaries in (default: $XDG_DATA_HOME/callpulse/sessions.sqlite, or ~/.local/share/callpulse/sessions.sqlite).",
        valueName: "PATH"
    ))
    var storePath: String?

    @Flag(name: .customLong("no-store"), help: "Do not keep the summaries in the session store.")
    var noStore = false

    func validate() throws {
        if noStore && storePath != nil {
            throw ValidationError("Choose one of --store and --no-store.")
        }
        if let storePath, storePath.isEmpty {
            throw ValidationError("--store needs a file path.")
        }
    }

    /// The store summaries go to, or `nil` with `--no-store`.
    var location: String? { noStore ? nil : storePath ?? SessionStore.defaultPath() }

    /// Keeps `summaries` in the store (replacing earlier analyses of the same recordings).
    /// When the store cannot take them, they go to a fallback file, one line names the store
    /// and that file, and the command fails with exit status 5 (SPEC "Errors").
    func keep(_ summaries: [Summary]) throws {
        guard let path = location, !summaries.isEmpty else { return }
        var unsaved = summaries
        do {
            let store = try SessionStore(path: path, access: .write)
            while let summary = unsaved.first {
                try store.save(summary, json: SummaryJSON.render(summary, compact: true))
                unsaved.removeFirst()
            }
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
    }
}

/// `--store PATH` for the commands that read the store (sessions, report).
struct StoreLocation: ParsableArguments {
    @Option(name: .customLong("store"), help: ArgumentHelp(
        "The session store to read (default: $XDG_DATA_HOME/callpulse/sessions.sqlite, or ~/.local/share/callpulse/sessions.sqlite).",
        valueName: "PATH"
    ))
    var storePath: String?

    var path: String { storePath ?? SessionStore.defaultPath() }

    /// The store, or one error line and exit status 5. A store named with `--store` must
    /// exist: reading commands never create one at a mistyped path.
    /// `sessions delete` opens it to write; every other reading command read-only.
    func open(access: SessionStore.Access = .read) throws -> SessionStore {
        if let storePath, !FileManager.default.fileExists(atPath: storePath) {
            printError("\(storePath): there is no session store there; check the path, or leave out --store for the default store")
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
