/// The one way callpulse turns a `Double` into an `Int`.
///
/// Swift's `Int(_ value: Double)` traps on NaN, on infinity and on anything beyond ±2^63
/// ("Double value cannot be converted to Int"): a threshold of `1e300` typed on the command
/// line, or a damaged figure read back from the store, ended the program with no output.
/// Every conversion goes through `Int(saturating:)` instead; values that must not be absurd
/// are refused before they get here (option `validate()`, summary decoding).
extension Int {
    /// `value` rounded toward zero, held to `Int.min...Int.max`: NaN is 0, +∞ and anything
    /// from 2^63 up is `Int.max`, −∞ and anything from −2^63 down is `Int.min`. Never traps.
    @inlinable
    public init(saturating value: Double) {
        // 2^63 is exactly representable as a Double; Int.max (2^63 - 1) is not.
        let limit = 9_223_372_036_854_775_808.0
        if value.isNaN {
            self = 0
        } else if value >= limit {
            self = .max
        } else if value <= -limit {
            self = .min
        } else {
            self = Int(value)
        }
    }
}
