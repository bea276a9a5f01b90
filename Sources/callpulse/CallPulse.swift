import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

@main
struct CallPulse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callpulse",
        abstract: "Measures how a call is handled: rings before answer, silences and dead air, talk share, interruptions, backchannels, levels.",
        discussion: """
        Analyse recorded calls with `callpulse analyze CALL.wav`. Exit status: 0 success, \
        2 bad usage, 3 bad input, 4 audio device, 5 session store.
        """,
        version: "0.1.0",
        subcommands: [AnalyzeCommand.self, LiveCommand.self, DevicesCommand.self, SessionsCommand.self, ReportCommand.self, StoreCommand.self, ServeCommand.self]
    )

    /// Runs the command and maps every failure to one line and a SPEC exit status:
    /// argument errors exit 2 (not ArgumentParser's 64), help and version exit 0.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            Glibc.exit(failure.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            let message = self.message(for: error)
                .split(whereSeparator: \.isNewline).first.map(String.init) ?? "invalid arguments"
            printError("\(message) (see `callpulse --help`)")
            Glibc.exit(ExitStatus.usage.rawValue)
        }
    }
}
