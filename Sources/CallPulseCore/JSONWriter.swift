/// Prints a `JSONValue` as text, keeping object keys in their order.
///
/// Numbers are printed as they were given (Swift's shortest round-trip form, so a rounded
/// 0.43 prints `0.43`), `/` is not escaped, non-ASCII text is written as UTF-8.
public enum JSONWriter {
    /// Spaces per nesting level in pretty output.
    public static let indentWidth = 2

    /// `pretty`: one member per line, indented, except that arrays of plain values
    /// (`[425]`, `[1.0, 4.0]`) and flat objects inside arrays (one segment, one pause)
    /// stay on one line, so that long lists read as one item per line.
    /// Not pretty: one line without spaces (for NDJSON).
    public static func write(_ value: JSONValue, pretty: Bool) -> String {
        var output = ""
        if pretty {
            writePretty(value, indent: 0, insideArray: false, into: &output)
        } else {
            writeCompact(value, separator: ",", colon: ":", into: &output)
        }
        return output
    }

    /// Any Encodable value on one line, its keys in the order `encode(to:)` writes them and a
    /// number that is not finite written as `null` (Foundation's encoder would fail on it).
    public static func compact<Value: Encodable>(_ value: Value) -> String {
        write(SummaryJSON.wholeTree(value), pretty: false)
    }

    private static func writePretty(_ value: JSONValue, indent: Int, insideArray: Bool, into output: inout String) {
        switch value {
        case let .array(items):
            if items.isEmpty || !items.contains(where: \.isContainer) {
                writeCompact(value, separator: ", ", colon: ": ", into: &output)
                return
            }
            let innerPad = String(repeating: " ", count: indent + indentWidth)
            output += "[\n"
            for (index, item) in items.enumerated() {
                output += innerPad
                writePretty(item, indent: indent + indentWidth, insideArray: true, into: &output)
                output += index == items.count - 1 ? "\n" : ",\n"
            }
            output += String(repeating: " ", count: indent) + "]"
        case let .generated(count, item):
            // Items are objects (segments, pauses): one per line, made and dropped in turn.
            if count == 0 {
                output += "[]"
                return
            }
            let innerPad = String(repeating: " ", count: indent + indentWidth)
            output += "[\n"
            for index in 0..<count {
                output += innerPad
                writePretty(item(index), indent: indent + indentWidth, insideArray: true, into: &output)
                output += index == count - 1 ? "\n" : ",\n"
            }
            output += String(repeating: " ", count: indent) + "]"
        case let .object(members):
            if members.isEmpty || (insideArray && !members.contains(where: \.value.isContainer)) {
                writeCompact(value, separator: ", ", colon: ": ", into: &output)
                return
            }
            let innerPad = String(repeating: " ", count: indent + indentWidth)
            output += "{\n"
            for (index, member) in members.enumerated() {
                output += innerPad
                writeString(member.key, into: &output)
                output += ": "
                writePretty(member.value, indent: indent + indentWidth, insideArray: false, into: &output)
                output += index == members.count - 1 ? "\n" : ",\n"
            }
            output += String(repeating: " ", count: indent) + "}"
        default:
            writeCompact(value, separator: ",", colon: ":", into: &output)
        }
    }

    private static func writeCompact(_ value: JSONValue, separator: String, colon: String, into output: inout String) {
        switch value {
        case .null:
            output += "null"
        case let .bool(flag):
            output += flag ? "true" : "false"
        case let .number(text):
            output += text
        case let .string(text):
            writeString(text, into: &output)
        case let .array(items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += separator }
                writeCompact(item, separator: separator, colon: colon, into: &output)
            }
            output += "]"
        case let .generated(count, item):
            output += "["
            for index in 0..<count {
                if index > 0 { output += separator }
                writeCompact(item(index), separator: separator, colon: colon, into: &output)
            }
            output += "]"
        case let .object(members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += separator }
                writeString(member.key, into: &output)
                output += colon
                writeCompact(member.value, separator: separator, colon: colon, into: &output)
            }
            output += "}"
        }
    }

    /// A JSON string literal (RFC 8259 section 7): quote, backslash and control characters escaped.
    public static func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16, uppercase: false)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
