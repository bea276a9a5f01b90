import ArgumentParser
import CallPulseCore
import CallPulseRender
import CallPulseServer
import CallPulseStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `callpulse serve`: the supervisor's dashboard in the browser (SPEC "Supervisor dashboard").
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the supervisor's wallboard, calls and report to the browser.",
        discussion: """
        Open http://127.0.0.1:8080/ and log in as a user made with `callpulse serve add-user`. \
        The wallboard shows every agent whose `callpulse live` keeps its sessions in the same \
        store. /metrics (Prometheus) and /healthz need no login.
        """,
        subcommands: [ServeRun.self, ServeAddUser.self, ServeRemoveUser.self],
        defaultSubcommand: ServeRun.self
    )
}

struct ServeRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Serve the dashboard (the default)."
    )

    @Option(help: ArgumentHelp("Address and port to listen on (port 0: any free port).", valueName: "HOST:PORT"))
    var listen = "127.0.0.1:8080"

    @OptionGroup(title: "Session store")
    var store: StoreLocation

    @Flag(name: .customLong("secure-cookies"), help: "Mark the login cookie Secure: the dashboard is reached through HTTPS (a TLS proxy in front).")
    var secureCookies = false

    @OptionGroup(title: "Thresholds")
    var thresholds: ThresholdOptions

    func validate() throws {
        guard ServeAddress(listen) != nil else {
            throw ValidationError("--listen takes HOST:PORT, such as 127.0.0.1:8080, not '\(listen)'.")
        }
    }

    func run() throws {
        let address = ServeAddress(listen)!
        let dashboard = try openDashboardStore(store)
        let location = store
        let options = DashboardServer.Options(host: address.host, port: address.port, limits: thresholds.limits, secureCookies: secureCookies)
        let server = DashboardServer(store: dashboard, options: options) {
            if let team = location.teamStore { return try TeamSessionStore(url: team) }
            return try SessionStore(path: location.path, access: .write)
        }
        let outcome = ServeOutcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run { bound in
                    FileHandle.standardError.write(Data("callpulse: serving the dashboard on http://\(bound)/ (store \(TerminalText.escaped(dashboard.location)))\n".utf8))
                }
            } catch {
                outcome.error = error
            }
            await dashboard.close()
            done.signal()
        }
        done.wait()
        guard let error = outcome.error else { return }
        if let store = error as? StoreError {
            printError(store.description)
            throw CommandFailure(status: .store)
        }
        let text = "\(error)"
        if text.contains("Address already in use") || text.contains("errno: 98") {
            printError("cannot listen on \(listen): the address is in use by another program; name another with --listen HOST:PORT")
        } else if text.contains("Cannot assign requested address") || text.contains("errno: 99") {
            printError("cannot listen on \(listen): this machine has no such address; name one of its own with --listen HOST:PORT")
        } else if text.contains("Permission denied") || text.contains("errno: 13") {
            printError("cannot listen on \(listen): permission denied (ports below 1024 need privileges); choose a port above 1024")
        } else {
            printError("cannot serve on \(listen): \(text.split(whereSeparator: \.isNewline).first ?? "")")
        }
        throw CommandFailure(status: .usage)
    }
}

/// `callpulse serve add-user NAME --role supervisor|viewer`.
struct ServeAddUser: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-user",
        abstract: "Add a dashboard user, or give one a new password and role.",
        discussion: """
        Asks for the password twice on the terminal; reads two lines from standard input \
        when it is not a terminal (for scripts). The password is kept as a bcrypt hash.
        """
    )

    @Argument(help: ArgumentHelp("The user's login name.", valueName: "NAME"), transform: AgentName.canonical)
    var name: String

    @Option(help: ArgumentHelp("supervisor (reads and deletes calls) or viewer (reads only).", valueName: "ROLE"))
    var role: String

    @OptionGroup(title: "Session store")
    var store: StoreLocation

    func validate() throws {
        guard DashboardRole(rawValue: role) != nil else {
            throw ValidationError("--role takes supervisor or viewer, not '\(role)'.")
        }
        guard !name.isEmpty, name.count <= 64, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValidationError("A user name is 1-64 characters without control characters.")
        }
    }

    func run() throws {
        let password = try PasswordPrompt.readTwice()
        let user = DashboardUser(name: name, role: DashboardRole(rawValue: role)!, passwordHash: Passwords.hash(password))
        let (_, location) = try onDashboardStore(store) { try await $0.putUser(user) }
        print("User \(TerminalText.escaped(name)) (\(role)) kept in \(TerminalText.escaped(location)).")
    }
}

/// `callpulse serve remove-user NAME`.
struct ServeRemoveUser: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-user",
        abstract: "Remove a dashboard user; their logins end at their next request."
    )

    @Argument(help: ArgumentHelp("The user's login name.", valueName: "NAME"), transform: AgentName.canonical)
    var name: String

    @OptionGroup(title: "Session store")
    var store: StoreLocation

    func run() throws {
        let name = name
        let (removed, location) = try onDashboardStore(store) { try await $0.removeUser(named: name) }
        guard removed else {
            printError("no dashboard user \(name) in \(location); nothing was changed")
            throw CommandFailure(status: .store)
        }
        print("User \(TerminalText.escaped(name)) removed from \(TerminalText.escaped(location)).")
    }
}

/// The dashboard's store: the team store, or the SQLite store (made if missing, as `live` would).
func openDashboardStore(_ store: StoreLocation) throws -> any DashboardStore {
    do {
        if let team = store.teamStore {
            let dashboard = try PostgresDashboardStore(url: team)
            let outcome = ServeOutcome()
            let done = DispatchSemaphore(value: 0)
            Task {
                do { try await dashboard.checkSchema() } catch { outcome.error = error }
                done.signal()
            }
            done.wait()
            if let error = outcome.error { throw error }
            return dashboard
        }
        return try SQLiteDashboardStore(path: store.path)
    } catch {
        printError((error as? StoreError)?.description ?? "\(error)")
        throw CommandFailure(status: .store)
    }
}

final class ServeOutcome: @unchecked Sendable {
    var error: (any Error)?
}

/// A result handed from a task to the thread waiting for it.
final class ResultBox<Value>: @unchecked Sendable {
    var result: Result<Value, any Error>?
}

/// Runs `body` on the dashboard's store from a command's synchronous `run`, then closes the
/// store; a store failure is its one error line and exit 5. Returns the result and where
/// the store is (for the command's own line).
func onDashboardStore<Value: Sendable>(
    _ store: StoreLocation, _ body: @escaping @Sendable (any DashboardStore) async throws -> Value
) throws -> (Value, location: String) {
    let dashboard = try openDashboardStore(store)
    let box = ResultBox<Value>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body(dashboard)) } catch { box.result = .failure(error) }
        await dashboard.close()
        done.signal()
    }
    done.wait()
    switch box.result {
    case .success(let value)?:
        return (value, dashboard.location)
    case .failure(let error)?:
        printError((error as? StoreError)?.description ?? "\(error)")
        throw CommandFailure(status: .store)
    case nil:
        preconditionFailure("the store task ended without a result")
    }
}

/// `HOST:PORT`, `[v6]:PORT`.
struct ServeAddress {
    var host: String
    var port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        self.host = host
        self.port = port
    }
}

/// The password for `add-user`: twice, without echo, on a terminal; two lines otherwise.
enum PasswordPrompt {
    static func readTwice() throws -> String {
        let first: String?
        let second: String?
        if isatty(STDIN_FILENO) == 1 {
            first = readHidden("Password for the dashboard user: ")
            second = readHidden("The same password again: ")
        } else {
            first = readLine(strippingNewline: true)
            second = readLine(strippingNewline: true)
        }
        guard let first, let second else {
            printError("add-user needs the password twice: on the terminal, or as two lines on standard input")
            throw CommandFailure(status: .usage)
        }
        guard first == second else {
            printError("the two passwords differ; nothing was changed")
            throw CommandFailure(status: .usage)
        }
        guard first.count >= 8 else {
            printError("a dashboard password has at least 8 characters")
            throw CommandFailure(status: .usage)
        }
        return first
    }

    private static func readHidden(_ prompt: String) -> String? {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}
