/// A JSON document whose objects keep their keys in the order they were written.
///
/// Foundation's `JSONEncoder` on Linux writes object keys in hash order (checked with
/// Swift 6.3.1), while SPEC "Summary JSON" shows a fixed order that people read and diff;
/// so callpulse builds this tree with `OrderedJSONEncoder` and prints it with `JSONWriter`.
/// The one JSON form of the project: the summary, events, the sessions list and the store's
/// `summary_json` are all written through it.
public enum JSONValue: Equatable {
    case null
    case bool(Bool)
    /// The number's text, already in JSON syntax (`14.1`, `3`, `1e-05`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])
    /// An array whose items are made one at a time as they are written, so a long list
    /// (a 10-hour call's thousands of segments) is never held as a tree.
    case generated(count: Int, item: (Int) -> JSONValue)

    /// The items of an array, generated ones made now; `nil` for anything else.
    public var items: [JSONValue]? {
        switch self {
        case let .array(items): items
        case let .generated(count, item): (0..<count).map(item)
        default: nil
        }
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.number(a), .number(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array, .generated), (.generated, .array), (.generated, .generated):
            lhs.items == rhs.items
        default: false
        }
    }

    /// Whether the value is a container (array or object).
    public var isContainer: Bool {
        switch self {
        case .array, .object, .generated: true
        default: false
        }
    }
}
