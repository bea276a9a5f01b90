/// Text from outside (a file name, a device name, a stored path) made safe to print on a
/// terminal: every control character is shown as an escape, the way `ls -b` shows a file
/// name, so a newline cannot split a line and an ESC sequence cannot clear the screen or
/// colour it (issue 9). Printable text, including non-ASCII letters, is left as it is.
public enum TerminalText {
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" : "") + hex : "\\u{" + hex + "}"
            }
        }
        return result
    }

    /// C0 controls, DEL, C1 controls (general category Cc), and the bidirectional overrides
    /// and isolates (U+202A-202E, U+2066-2069) that reorder what follows them on screen.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
            || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }
}
