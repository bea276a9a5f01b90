/// An `Encoder` that builds a `JSONValue` whose objects keep the order in which `encode(to:)`
/// wrote their keys, so that a summary prints in SPEC order from its one Codable definition.
///
/// Differences from Foundation's `JSONEncoder`: keys keep their order; a non-finite number
/// (NaN, infinity), which JSON cannot hold, is written as `null` ("unknown") instead of
/// failing; nothing here throws, so rendering a summary cannot fail.
enum OrderedJSONEncoder {
    static func encode<Value: Encodable>(_ value: Value) throws -> JSONValue {
        let root = JSONNode()
        try value.encode(to: NodeEncoder(node: root, codingPath: []))
        return root.takeValue()
    }
}

/// A place in the tree under construction; containers fill it in after they are handed out.
/// Objects keep their children as ordered pairs (they have a handful of keys, so a linear
/// look-up beats a dictionary and costs a tenth of its memory: a 10-hour call's summary has
/// thousands of segment objects).
private final class JSONNode {
    enum Content {
        case unset
        case scalar(JSONValue)
        case array([JSONNode])
        case object([(key: String, node: JSONNode)])
    }

    var content: Content = .unset

    /// The finished value; the node gives up its children as it goes, so the tree and the
    /// value it becomes are not both held whole (a 10-hour call's summary has thousands of
    /// segment objects).
    func takeValue() -> JSONValue {
        let taken = content
        content = .unset
        switch taken {
        // An `encode(to:)` that writes nothing gives an empty object, as in JSONEncoder.
        case .unset: return .object([])
        case let .scalar(value): return value
        case let .array(nodes): return .array(nodes.map { $0.takeValue() })
        case let .object(pairs): return .object(pairs.map { (key: $0.key, value: $0.node.takeValue()) })
        }
    }

    func becomeObject() {
        if case .object = content { return }
        content = .object([])
    }

    func becomeArray() {
        if case .array = content { return }
        content = .array([])
    }

    /// The child under `key`, made fresh; a key written twice keeps its first place.
    func child(forKey key: String) -> JSONNode {
        becomeObject()
        guard case .object(var pairs) = content else { preconditionFailure("not an object") }
        content = .unset  // drop the second reference so the append does not copy
        let node = JSONNode()
        if let index = pairs.firstIndex(where: { $0.key == key }) {
            pairs[index].node = node
        } else {
            pairs.append((key: key, node: node))
        }
        content = .object(pairs)
        return node
    }

    func appendChild() -> JSONNode {
        becomeArray()
        guard case .array(var nodes) = content else { preconditionFailure("not an array") }
        content = .unset  // drop the second reference so the append does not copy
        let node = JSONNode()
        nodes.append(node)
        content = .array(nodes)
        return node
    }

    var childCount: Int {
        if case let .array(nodes) = content { return nodes.count }
        return 0
    }
}

/// JSON text of a number. Swift prints the shortest text that reads back as the same
/// double (0.43, 14.1, 1.0, 1e-05), which is valid JSON.
private func jsonNumber<Number: BinaryFloatingPoint & LosslessStringConvertible>(_ number: Number) -> JSONValue {
    number.isFinite ? .number(number.description) : .null
}

private func jsonNumber<Number: BinaryInteger>(_ number: Number) -> JSONValue {
    .number(number.description)
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) {}
    init?(intValue: Int) { nil }
}

private struct NodeEncoder: Encoder {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.becomeArray()
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(node: node, codingPath: codingPath)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]

    private func set(_ value: JSONValue) { node.content = .scalar(value) }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(jsonNumber(value)) }
    mutating func encode(_ value: Float) throws { set(jsonNumber(value)) }
    mutating func encode(_ value: Int) throws { set(jsonNumber(value)) }
    mutating func encode(_ value: Int8) throws { set(jsonNumber(value)) }
    mutating func encode(_ value: Int16) throws { set(jsonNumber(value)) }
    mutating func encode(_ value: Int32) throws { set(jsonNumber(value)) }
    mutating func encode(_ value: Int64) throws { set(jsonNumber(value)) }
    mutating func encode(_ value: UInt) throws { set(jsonNumber(value)) }
    mutating func encode(_ value: UInt8) throws { set(jsonNumber(value)) }
    mutating func encode(_ value: UInt16) throws { set(jsonNumber(value)) }
    mutating func encode(_ value: UInt32) throws { set(jsonNumber(value)) }
    mutating func encode(_ value: UInt64) throws { set(jsonNumber(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try value.encode(to: NodeEncoder(node: node, codingPath: codingPath))
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: JSONNode
    let codingPath: [any CodingKey]

    private func set(_ value: JSONValue, _ key: Key) { node.child(forKey: key.stringValue).content = .scalar(value) }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(jsonNumber(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(jsonNumber(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(jsonNumber(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(jsonNumber(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(jsonNumber(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(jsonNumber(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(jsonNumber(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(jsonNumber(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(jsonNumber(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(jsonNumber(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(jsonNumber(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(jsonNumber(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try value.encode(to: NodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = node.child(forKey: key.stringValue)
        child.becomeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.child(forKey: key.stringValue)
        child.becomeArray()
        return UnkeyedContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(node: node.child(forKey: SuperKey().stringValue), codingPath: codingPath + [SuperKey()])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var count: Int { node.childCount }

    private func append(_ value: JSONValue) { node.appendChild().content = .scalar(value) }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(jsonNumber(value)) }
    mutating func encode(_ value: Float) throws { append(jsonNumber(value)) }
    mutating func encode(_ value: Int) throws { append(jsonNumber(value)) }
    mutating func encode(_ value: Int8) throws { append(jsonNumber(value)) }
    mutating func encode(_ value: Int16) throws { append(jsonNumber(value)) }
    mutating func encode(_ value: Int32) throws { append(jsonNumber(value)) }
    mutating func encode(_ value: Int64) throws { append(jsonNumber(value)) }
    mutating func encode(_ value: UInt) throws { append(jsonNumber(value)) }
    mutating func encode(_ value: UInt8) throws { append(jsonNumber(value)) }
    mutating func encode(_ value: UInt16) throws { append(jsonNumber(value)) }
    mutating func encode(_ value: UInt32) throws { append(jsonNumber(value)) }
    mutating func encode(_ value: UInt64) throws { append(jsonNumber(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath + [IndexKey(count)]
        try value.encode(to: NodeEncoder(node: node.appendChild(), codingPath: path))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [IndexKey(count)]
        let child = node.appendChild()
        child.becomeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [IndexKey(count)]
        let child = node.appendChild()
        child.becomeArray()
        return UnkeyedContainer(node: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = codingPath + [IndexKey(count)]
        return NodeEncoder(node: node.appendChild(), codingPath: path)
    }
}
