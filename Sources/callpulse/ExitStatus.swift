import CallPulseRender
import Foundation

/// Exit statuses of SPEC "Errors".
enum ExitStatus: Int32 {
    case success = 0
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
