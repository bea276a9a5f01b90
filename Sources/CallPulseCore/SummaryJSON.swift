/// Summaries as JSON, schema `callpulse.summary/1` (SPEC "Summary JSON"): keys in SPEC
/// order, unknown figures `null`, times with at most 2 decimals. The text has no trailing
/// newline. The one writer of summary JSON: the CLI's output, the store's `summary_json`,
/// the fallback file and the live `summary` event all come from here.
public enum SummaryJSON {
    /// One summary: pretty (indented, for people) or `compact` (one line, for NDJSON).
    public static func render(_ summary: Summary, compact: Bool = false) -> String {
        JSONWriter.write(tree(summary), pretty: !compact)
    }

    /// Several summaries as one JSON array (`callpulse analyze --json` with several files).
    public static func render(_ summaries: [Summary], compact: Bool = false) -> String {
        JSONWriter.write(.array(summaries.map(tree)), pretty: !compact)
    }

    /// Streaming a JSON array of summaries whose number is not known beforehand (an archive
    /// run prints each as its file finishes): the opening, each item as `render(_: [Summary])`
    /// writes it inside the array, the separator and the closing. Joined, they give exactly
    /// `render(summaries)`.
    public static let arrayOpening = "[\n"
    public static let arraySeparator = ",\n"
    public static let arrayClosing = "\n]"
    public static func arrayItem(_ summary: Summary) -> String {
        let whole = render([summary])
        return String(whole.dropFirst(arrayOpening.count).dropLast(arrayClosing.count))
    }

    /// The summary as a tree, except that its two long lists, `segments` and `pauses`, are
    /// made item by item as they are written: a 10-hour call's summary then takes a few
    /// kilobytes to write instead of a 4 MB tree.
    public static func tree(_ summary: Summary) -> JSONValue {
        var skeleton = summary
        skeleton.segments = []
        skeleton.pauses = []
        guard case let .object(members) = wholeTree(skeleton) else { return wholeTree(summary) }
        return .object(members.map { member in
            switch member.key {
            case "segments":
                (key: member.key, value: .generated(count: summary.segments.count) { wholeTree(summary.segments[$0]) })
            case "pauses":
                (key: member.key, value: .generated(count: summary.pauses.count) { wholeTree(summary.pauses[$0]) })
            default:
                member
            }
        })
    }

    /// Any Encodable value as a whole tree.
    static func wholeTree<Value: Encodable>(_ value: Value) -> JSONValue {
        do {
            return try OrderedJSONEncoder.encode(value)
        } catch {
            // OrderedJSONEncoder has no throwing path (non-finite numbers become null), and
            // the synthesized and hand-written encode(to:) of callpulse's types throw only what
            // their encoder throws.
            preconditionFailure("OrderedJSONEncoder failed: \(error)")
        }
    }
}
