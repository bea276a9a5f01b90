import CallPulseRender
import Foundation

/// Exit statuses of SPEC "Errors".
enum ExitStatus: Int32 {
    case success = 0
    /// The output could not be written (standard output on a full disk, a closed file): none
    /// of SPEC's causes (2-5), so the status every other program gives a failure.
    case output = 1
    case usage = 2
    case badInput = 3
    case device = 4
    case store = 5
}

/// Thrown once the failure has been reported; carries the exit status.
struct CommandFailure: Error {
    var status: ExitStatus
}

/// Prints `callpulse: error: MESSAGE` on standard error: the one line SPEC asks for. Control
/// characters in the message (a file name with a newline or an ESC sequence) are escaped:
/// every error line is one line, and none can drive the terminal.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("callpulse: error: \(TerminalText.escaped(message))\n".utf8))
}

/// Prints `callpulse: warning: MESSAGE` on standard error: something went wrong that lost
/// nothing (a session queued for the team store), one line.
func printWarning(_ message: String) {
    FileHandle.standardError.write(Data("callpulse: warning: \(TerminalText.escaped(message))\n".utf8))
}

/// Says, in the one error line, that standard output could not be written (`error`: the
/// failed write's errno, 0 when unknown), and returns true; returns false, saying nothing,
/// when the output is a pipe whose reader went away (`| head`: the reader chose to stop;
/// EPIPE, or any failure on a pipe).
func reportOutputFailure(errno error: Int32) -> Bool {
    var target = stat()
    let toPipe = fstat(STDOUT_FILENO, &target) == 0 && (target.st_mode & S_IFMT) == S_IFIFO
    if error == EPIPE || toPipe { return false }
    let reason = error == 0 ? "a write failed" : String(cString: strerror(error))
    printError("the output could not be written to standard output: \(reason)")
    return true
}
