import ArgumentParser
import CallPulseStore
import Foundation

/// `callpulse store`: setting up the team store (PostgreSQL), for its administrator.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Set up the team store: its schema, and the login roles of agents and supervisors.",
        discussion: """
        Run as a PostgreSQL administrator: callpulse store init --store postgres://ADMIN@HOST/DB. \
        Agents may add and read only their own sessions, supervisors read and delete all: \
        PostgreSQL enforces it with row-level security. Passwords come from PGPASSWORD or \
        ~/.pgpass; a new role's password is read from the terminal or standard input.
        """,
        subcommands: [Init.self, GrantAgent.self, GrantSupervisor.self]
    )

    /// `--store URL`, required to be the team store.
    struct TeamStoreOption: ParsableArguments {
        @Option(name: .customLong("store"), help: ArgumentHelp(
            "The team store: postgres://ADMIN@HOST:PORT/DB?sslmode=MODE (default: $CALLPULSE_STORE).", valueName: "URL"))
        var storeURL: String?

        func validate() throws {
            guard let target = storeTarget(storeURL), TeamStoreURL.isURL(target) else {
                throw ValidationError("Name the team store: --store postgres://ADMIN@HOST:PORT/DB (or set CALLPULSE_STORE).")
            }
            try validateStoreTarget(target)
        }

        func open() throws -> TeamSessionStore {
            guard let target = storeTarget(storeURL) else { throw CommandFailure(status: .usage) }
            do {
                return try TeamSessionStore(url: TeamStoreURL(target), requireSchema: false)
            } catch {
                printError("\(error)")
                throw CommandFailure(status: .store)
            }
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update the team store's schema and the roles callpulse_agent and callpulse_supervisor.")

        @OptionGroup var store: TeamStoreOption

        func run() throws {
            let team = try store.open()
            defer { team.close() }
            let applied = try withStore { try team.migrate() }
            let all = try withStore { try team.appliedMigrations() }
            print(applied.isEmpty
                ? "The team store \(team.location) is up to date (\(all.count) migrations)."
                : "The team store \(team.location) now has migrations " + applied.joined(separator: "; ") + ".")
        }
    }

    struct GrantAgent: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grant-agent",
            abstract: "Create (or update) an agent's login role: it adds and reads only sessions under its own name.")

        @Argument(help: ArgumentHelp("The agent's login name: also the agent name its sessions are kept under.", valueName: "NAME"),
                  transform: AgentName.canonical)
        var name: String

        @OptionGroup var store: TeamStoreOption

        func run() throws { try grantRole(.agent, name: name, store: store) }
    }

    struct GrantSupervisor: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grant-supervisor",
            abstract: "Create (or update) a supervisor's login role: it reads and deletes every session.")

        @Argument(help: ArgumentHelp("The supervisor's login name.", valueName: "NAME"), transform: AgentName.canonical)
        var name: String

        @OptionGroup var store: TeamStoreOption

        func run() throws { try grantRole(.supervisor, name: name, store: store) }
    }
}

private func grantRole(_ grant: TeamSessionStore.Grant, name: String, store: StoreCommand.TeamStoreOption) throws {
    guard let password = readNewPassword(for: name) else {
        printError("no password given for \(name): type it at the prompt, or pipe it on standard input")
        throw CommandFailure(status: .usage)
    }
    let team = try store.open()
    defer { team.close() }
    try withStore { try team.grant(grant, to: name, password: password) }
    print("\(name) may now log in to \(team.location) as \(grant == .agent ? "an agent" : "a supervisor").")
}

/// The new role's password: asked for without echo on a terminal, else the first line of
/// standard input. Never an argument.
private func readNewPassword(for name: String) -> String? {
    if isatty(STDIN_FILENO) == 1 {
        guard let entered = getpass("Password for \(name): ") else { return nil }
        let password = String(cString: entered)
        return password.isEmpty ? nil : password
    }
    guard let line = readLine(strippingNewline: true), !line.isEmpty else { return nil }
    return line
}
