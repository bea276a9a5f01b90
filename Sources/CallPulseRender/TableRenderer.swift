/// A plain text table that fits a terminal: columns padded to their widest cell, two spaces
/// apart. When the table is wider than `width`, shrinkable columns (paths, reasons) are cut
/// with `…` down to `minWidth`; if that is not enough, the columns with the lowest
/// `priority` are left out. The text has no trailing newline.
public enum TableRenderer {
    public struct Column: Sendable {
        public enum Alignment: Sendable { case left, right }

        public var header: String
        public var alignment: Alignment
        /// May be cut with `…` (free text such as paths); others are shown whole or not at all.
        public var shrinkable: Bool
        /// Narrowest a shrinkable column gets, in characters.
        public var minWidth: Int
        /// Higher stays longer when the terminal is narrow.
        public var priority: Int

        public init(_ header: String, alignment: Alignment = .left, shrinkable: Bool = false, minWidth: Int = 8, priority: Int = 50) {
            self.header = header
            self.alignment = alignment
            self.shrinkable = shrinkable
            self.minWidth = minWidth
            self.priority = priority
        }
    }

    /// Space between two columns.
    static let gap = "  "

    public static func render(columns: [Column], rows: [[String]], width: Int) -> String {
        precondition(rows.allSatisfy { $0.count == columns.count }, "every row has one cell per column")
        var widths = columns.indices.map { index in
            rows.reduce(columns[index].header.count) { max($0, $1[index].count) }
        }
        var kept = Array(columns.indices)
        func total() -> Int {
            kept.reduce(0) { $0 + widths[$1] } + gap.count * max(0, kept.count - 1)
        }
        while total() > width {
            let excess = total() - width
            if let widest = kept.filter({ columns[$0].shrinkable && widths[$0] > columns[$0].minWidth })
                .max(by: { widths[$0] < widths[$1] }) {
                widths[widest] = max(columns[widest].minWidth, widths[widest] - excess)
                continue
            }
            guard kept.count > 1,
                  let dropped = kept.dropFirst().min(by: { columns[$0].priority < columns[$1].priority }) else { break }
            kept.removeAll { $0 == dropped }
        }
        func line(_ cells: [String]) -> String {
            let text = kept.map { index in
                pad(fit(cells[index], widths[index]), widths[index], columns[index].alignment)
            }.joined(separator: gap)
            return String(text.reversed().drop(while: { $0 == " " }).reversed())
        }
        return ([line(columns.map(\.header))] + rows.map(line)).joined(separator: "\n")
    }

    static func fit(_ text: String, _ width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(width)) }
        return String(text.prefix(width - 1)) + "…"
    }

    static func pad(_ text: String, _ width: Int, _ alignment: Column.Alignment) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return alignment == .left ? text + padding : padding + text
    }
}
