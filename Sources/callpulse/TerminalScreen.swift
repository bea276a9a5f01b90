import CallPulseCore
#if canImport(Glibc)
import Glibc
#endif

/// The terminal while the live view runs: the alternate screen (the shell's screen comes
/// back untouched), no cursor, no echo of typed keys; `restore()` undoes all of it.
/// Frames are written in one `write` each and overwrite the previous frame cell by cell,
/// with no clearing in between: no flicker. Only the rows that changed are sent: most of
/// the view holds still between redraws, and the terminal write was a third of the live
/// view's CPU time (perf, 16 kHz stereo paced call).
final class TerminalScreen {
    private let fd: Int32
    /// The rows on screen now, to send only what changed.
    private var shown: [String] = []
    private var savedAttributes = termios()
    private var attributesSaved = false
    private var active = false

    init(fd: Int32 = STDOUT_FILENO) {
        self.fd = fd
    }

    /// Whether `fd` is a terminal: the live view, else NDJSON.
    static func isTerminal(_ fd: Int32 = STDOUT_FILENO) -> Bool { isatty(fd) == 1 }

    /// Columns and rows now (re-read after SIGWINCH); 80x24 when the terminal does not say.
    var size: (columns: Int, rows: Int) {
        var window = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 {
            return (Int(window.ws_col), Int(window.ws_row))
        }
        return (80, 24)
    }

    func enter() {
        if tcgetattr(STDIN_FILENO, &savedAttributes) == 0 {
            attributesSaved = true
            var quiet = savedAttributes
            // No echo and no line editing, but keep ISIG: Ctrl-C still sends SIGINT.
            quiet.c_lflag &= ~tcflag_t(ECHO | ICANON)
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        }
        // Alternate screen, hide the cursor, clear once.
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
        active = true
    }

    /// Draws one frame: `lines` are exactly the screen's rows, each one column narrower than
    /// the screen so that no line ever wraps or scrolls.
    func draw(_ lines: [String], clearFirst: Bool) {
        if clearFirst { shown = [] }
        var frame = clearFirst ? "\u{1B}[H\u{1B}[2J" : ""
        for (row, line) in lines.enumerated() where row >= shown.count || shown[row] != line {
            frame += "\u{1B}[" + String(row + 1) + ";1H" + line
        }
        shown = lines
        if !frame.isEmpty { write(frame) }
    }

    func restore() {
        guard active else { return }
        active = false
        write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        if attributesSaved { tcsetattr(STDIN_FILENO, TCSANOW, &savedAttributes) }
    }

    deinit { restore() }

    private func write(_ text: String) {
        writeAll(fd: fd, text)
    }
}

/// Writes all of `text` to `fd`, retrying short writes; gives up silently when the reader
/// has gone (EPIPE): the session is still kept.
@discardableResult
func writeAll(fd: Int32, _ text: String) -> Bool {
    Array(text.utf8).withUnsafeBytes { bytes in
        writeFully(bytes, write: { Glibc.write(fd, $0.baseAddress!, $0.count) }, interrupted: { errno == EINTR })
    }
}
