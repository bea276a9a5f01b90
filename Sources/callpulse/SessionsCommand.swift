import ArgumentParser
import CallPulseCore
import CallPulseRender
import CallPulseStore
import Foundation

/// `callpulse sessions`: the stored calls, for the supervisor.
struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List, show, export and delete stored call sessions.",
        discussion: """
        Every call that `callpulse analyze` (or `live`) measures is kept in the session store, \
        one session per recording: analysing the same recording again replaces it. Calls are \
        personal data: delete what you no longer need with `callpulse sessions delete`.
        """,
        subcommands: [List.self, Show.self, Export.self, Delete.self, Push.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stored sessions, oldest first, one line each.",
            discussion: "ID is the start of the session id; give it to `sessions show`. Times are UTC."
        )

        @OptionGroup var filter: SessionFilterOptions
        @OptionGroup var location: StoreLocation

        @Option(help: ArgumentHelp("Only the calls of this shift (session.call.shift_id: a live capture's, or a --split-calls recording's), in call order.", valueName: "ID"))
        var shift: String?

        @Flag(help: "Print the list as a JSON array.")
        var json = false

        @Flag(help: "Print the list as CSV: a header and one row per session.")
        var csv = false

        @Flag(help: "Only the sessions of this machine's store that the team store has not got yet.")
        var unsent = false

        func validate() throws {
            if json && csv { throw ValidationError("Choose one of --json and --csv.") }
        }

        func run() throws {
            let store: any SessionStoring = unsent ? try location.openLocal() : try location.open()
            var selection = filter.filter
            selection.shiftID = shift
            selection.unsentOnly = unsent
            let stored = try withStore { try store.listings(selection) }
            let listings = stored.listings
            if json {
                print(TableRenderer.sessionsJSON(listings: listings))
            } else if csv {
                print(TableRenderer.sessionsCSV(listings: listings))
            } else if listings.isEmpty {
                print("No stored sessions match.")
            } else {
                print(TableRenderer.sessions(listings: listings, width: terminalColumns()))
            }
            try reportDamaged(StoredSummaries(damaged: stored.damaged))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one stored session as `callpulse analyze` printed it.")

        @Argument(help: ArgumentHelp("The session id, or enough of its start to be unique.", valueName: "ID"))
        var id: String

        @Flag(help: "Print the summary as JSON (schema callpulse.summary/1).")
        var json = false

        @OptionGroup var location: StoreLocation

        func run() throws {
            let store = try location.open()
            let summary = try withStore { try store.summary(id: id) }
            if json {
                print(SummaryJSON.render(summary))
            } else {
                print(TextRenderer.render(summary, limits: AlertLimits(judging: summary), color: colorWanted()))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export stored sessions whole: JSON (an array of summaries) or CSV (the analyze columns).",
            discussion: "The CSV has the columns of `callpulse analyze --csv` after session_id, agent and started_at."
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

        @Option(help: ArgumentHelp("csv or json.", valueName: "FORMAT"))
        var format: Format

        @OptionGroup var filter: SessionFilterOptions
        @OptionGroup var location: StoreLocation

        func run() throws {
            let store = try location.open()
            let stored = try withStore { try store.summaries(filter.filter) }
            switch format {
            case .json:
                print(SummaryJSON.render(stored.summaries))
            case .csv:
                print(TableRenderer.exportCSV(stored.summaries))
            }
            try reportDamaged(stored)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete one stored session, or every session before a date.",
            discussion: "A plain date means the start of that day in local time: --before 2026-11-01 keeps 1 November."
        )

        @Argument(help: ArgumentHelp("The session id, or enough of its start to be unique.", valueName: "ID"))
        var id: String?

        @Option(help: ArgumentHelp("Delete every session that started before this date (YYYY-MM-DD or ISO 8601).", valueName: "DATE"))
        var before: String?

        @OptionGroup var location: StoreLocation

        func validate() throws {
            if (id == nil) == (before == nil) {
                throw ValidationError("Give either a session ID or --before DATE.")
            }
            if let before, StoreDate.parseArgument(before) == nil {
                throw ValidationError(SessionFilterOptions.dateMessage("--before", before))
            }
        }

        func run() throws {
            let store = try location.open(access: .write)
            if let id {
                let fullID = try withStore { try store.delete(id: id) }
                print("Deleted session \(fullID).")
            } else if let before, let date = StoreDate.parseArgument(before) {
                let count = try withStore { try store.delete(before: date) }
                print("Deleted \(count) session\(count == 1 ? "" : "s") before \(StoreDate.string(date)).")
            }
        }
    }

    struct Push: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the sessions waiting in this machine's store to the team store.",
            discussion: """
            Sessions meant for the team store (--store postgres://… or CALLPULSE_STORE) are \
            kept on this machine first and sent after every call; those a send could not deliver \
            wait until the next call or this command. Sending twice stores once.
            """
        )

        @OptionGroup var location: StoreLocation

        func run() throws {
            guard let team = location.teamStore else {
                printError("sessions push sends to the team store: give --store postgres://USER@HOST:PORT/DB or set CALLPULSE_STORE")
                throw CommandFailure(status: .usage)
            }
            let local = try location.openLocal(access: .write)
            let sent = try withStore { try TeamPush.send(from: local, to: team) }
            print(sent == 0 ? "Nothing to send: the team store has every session." : "Sent \(sent) session\(sent == 1 ? "" : "s") to \(team).")
        }
    }
}

/// `--agent`, `--since`, `--until`, `--flagged`: which stored sessions a command looks at.
/// `--agent`, `--since`, `--until`: the period of stored sessions a reading command looks at
/// (`sessions list/export`, `report`).
struct PeriodOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only this agent's sessions.", valueName: "NAME"), transform: AgentName.canonical)
    var agent: String?

    @Option(help: ArgumentHelp("Only sessions from this date on (YYYY-MM-DD, local time, or ISO 8601 such as 2026-11-23T10:00:00Z).", valueName: "DATE"))
    var since: String?

    @Option(help: ArgumentHelp("Only sessions up to this date (YYYY-MM-DD includes that whole day) or ISO 8601 time.", valueName: "DATE"))
    var until: String?

    func validate() throws {
        try SessionFilterOptions.validateDates(since: since, until: until)
    }

    /// The sessions of the period, flagged ones only when `flagged`.
    func filter(flagged: Bool) -> SessionFilter {
        SessionFilterOptions.filter(agent: agent, since: since, until: until, flagged: flagged)
    }

    func periodDescription(flagged: Bool) -> String {
        SessionFilterOptions.periodDescription(agent: agent, since: since, until: until, flagged: flagged)
    }
}

struct SessionFilterOptions: ParsableArguments {
    @OptionGroup var period: PeriodOptions

    @Flag(help: "Only sessions that broke at least one rule.")
    var flagged = false

    static func dateMessage(_ option: String, _ text: String) -> String {
        "\(option) must be a date (YYYY-MM-DD) or an ISO 8601 time (2026-11-23T10:00:00Z), not '\(text)'."
    }

    var filter: SessionFilter { period.filter(flagged: flagged) }

    var periodDescription: String { period.periodDescription(flagged: flagged) }

    static func validateDates(since: String?, until: String?) throws {
        if let since, StoreDate.parseArgument(since) == nil { throw ValidationError(dateMessage("--since", since)) }
        if let until, StoreDate.parseArgument(until, endOfDay: true) == nil { throw ValidationError(dateMessage("--until", until)) }
    }

    static func filter(agent: String?, since: String?, until: String?, flagged: Bool) -> SessionFilter {
        SessionFilter(
            agent: agent, since: since.flatMap { StoreDate.parseArgument($0) },
            until: until.flatMap { StoreDate.parseArgument($0, endOfDay: true) }, flaggedOnly: flagged
        )
    }

    /// One line naming the selection, for report headings.
    static func periodDescription(agent: String?, since: String?, until: String?, flagged: Bool) -> String {
        var parts: [String] = []
        if let agent { parts.append("agent \(agent)") }
        if let since { parts.append("since \(since)") }
        if let until { parts.append("until \(until)") }
        if flagged { parts.append("flagged only") }
        return parts.isEmpty ? "all stored sessions" : parts.joined(separator: ", ")
    }
}

/// Colour on a terminal unless `NO_COLOR` is set (no-color.org): the one colour decision of
/// every command (the live view included: it draws only on a terminal).
func colorWanted() -> Bool {
    isatty(STDOUT_FILENO) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true)
}

/// Width for tables: the terminal's, else `$COLUMNS`, else unlimited (a pipe or a file
/// gets whole lines).
func terminalColumns() -> Int {
    var size = winsize()
    if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
        return Int(size.ws_col)
    }
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
        return columns
    }
    return Int.max / 2
}
