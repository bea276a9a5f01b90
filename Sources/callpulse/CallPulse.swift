import ArgumentParser
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// C's standard output stream, which `print` writes through (read at exit, on the main thread).
nonisolated(unsafe) private let standardOutputStream = stdout

@main
struct CallPulse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callpulse",
        abstract: "Measures how a call is handled: rings before answer, silences and dead air, talk share, interruptions, backchannels, levels.",
        discussion: """
        Analyse recorded calls with `callpulse analyze CALL.wav`. Exit status: 0 success, \
        1 output not written, 2 bad usage, 3 bad input, 4 audio device, 5 session store.
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
            exitAfterOutput(.success)
        } catch let failure as CommandFailure {
            exitAfterOutput(failure.status)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                exitAfterOutput(.success)
            }
            let message = self.message(for: error)
                .split(whereSeparator: \.isNewline).first.map(String.init) ?? "invalid arguments"
            printError("\(message) (see `callpulse --help`)")
            Glibc.exit(ExitStatus.usage.rawValue)
        }
    }

    /// Exits once standard output is written out. Output that could not be written (a full
    /// disk, `> /dev/full`) is one line on standard error and exit status 1, unless a failure
    /// already chose a status; until now such a run said nothing and exited 0 (SPEC "Errors":
    /// nothing is silently dropped). A pipe whose reader went away (`| head`) is not an error:
    /// the reader chose to stop.
    static func exitAfterOutput(_ status: ExitStatus) -> Never {
        let output = standardOutputStream
        errno = 0
        let flushed = fflush(output) == 0
        let error = errno
        if (!flushed || ferror(output) != 0) && reportOutputFailure(errno: error) {
            Glibc.exit(status == .success ? ExitStatus.output.rawValue : status.rawValue)
        }
        Glibc.exit(status.rawValue)
    }
}
