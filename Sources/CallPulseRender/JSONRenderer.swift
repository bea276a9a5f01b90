import CallPulseCore

/// Summaries as JSON, schema `callpulse.summary/1` (SPEC "Summary JSON"): keys in SPEC
/// order, unknown figures `null`, times with at most 2 decimals. The text has no trailing
/// newline.
public enum JSONRenderer {
    /// One summary: pretty (indented, for people) or `compact` (one line, for NDJSON).
    public static func render(_ summary: Summary, compact: Bool = false) -> String {
        JSONWriter.write(tree(summary), pretty: !compact)
    }

    /// Several summaries as one JSON array (`callpulse analyze --json` with several files).
    public static func render(_ summaries: [Summary], compact: Bool = false) -> String {
        JSONWriter.write(.array(summaries.map(tree)), pretty: !compact)
    }

    private static func tree(_ summary: Summary) -> JSONValue {
        do {
            return try OrderedJSONEncoder.encode(summary)
        } catch {
            // OrderedJSONEncoder has no throwing path (non-finite numbers become null), and
            // Summary.encode(to:) throws only what its encoder throws.
            preconditionFailure("OrderedJSONEncoder failed on a summary: \(error)")
        }
    }
}
