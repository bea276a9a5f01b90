/// ANSI styling for terminal text, or none. The renderers pad and align the plain text
/// first and style it afterwards, so colour never shifts a column, and text with its escape
/// codes removed is exactly the uncoloured text.
struct TextStyle {
    enum Tone {
        /// Section headings.
        case heading
        /// A broken rule: must stand out.
        case alert
        /// A kept rule.
        case good
        /// Figures that could not be measured.
        case muted
    }

    let color: Bool

    func apply(_ tone: Tone, _ text: String) -> String {
        guard color, !text.isEmpty else { return text }
        return Self.code(tone) + text + Self.reset
    }

    static let reset = "\u{1B}[0m"

    static func code(_ tone: Tone) -> String {
        switch tone {
        case .heading: "\u{1B}[1m"
        case .alert: "\u{1B}[1;31m"
        case .good: "\u{1B}[32m"
        case .muted: "\u{1B}[2m"
        }
    }
}
