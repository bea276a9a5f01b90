/// Number and time text for the renderers. Locale-free on purpose: a decimal point is
/// always `.`, so text, CSV and JSON read the same on every machine.
enum NumberFormat {
    /// What an unknown figure prints as in text output.
    static let unknown = "n/a"

    /// `value` with exactly `decimals` digits after the point, rounded half away from zero
    /// (`fixed(14.1, decimals: 2)` is `14.10`); never `-0.00`.
    static func fixed(_ value: Double, decimals: Int) -> String {
        precondition(decimals >= 0 && decimals <= 9, "decimals must be 0...9")
        guard value.isFinite else { return unknown }
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * Double(scale)).rounded(.toNearestOrAwayFromZero)
        guard scaled < Double(Int.max / 10) else { return value.description }
        let units = Int(saturating: scaled)
        let sign = value < 0 && units != 0 ? "-" : ""
        let whole = String(units / scale)
        guard decimals > 0 else { return sign + whole }
        let fraction = String(units % scale)
        return sign + whole + "." + String(repeated: "0", count: decimals - fraction.utf8.count) + fraction
    }

    /// A time from the start of the session as `m:ss.ss` (`0:20.10`, `3:03.20`, `72:00.00`).
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return unknown }
        let hundredths = Int(saturating: (abs(seconds) * 100).rounded(.toNearestOrAwayFromZero))
        let sign = seconds < 0 && hundredths != 0 ? "-" : ""
        let minutes = hundredths / 6000
        let secondHundredths = hundredths % 6000
        let wholeSeconds = secondHundredths / 100
        let fraction = secondHundredths % 100
        return sign + String(minutes) + ":" + twoDigits(wholeSeconds) + "." + twoDigits(fraction)
    }

    /// The shortest text that reads back as `value` (Swift's `description`), without a
    /// trailing `.0` for whole numbers: `0.43`, `183.2`, `3`, `1e-05`. For CSV fields and limits.
    static func plain(_ value: Double) -> String {
        guard value.isFinite else { return unknown }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int(saturating: value))
        }
        return value.description
    }

    /// Seconds with 2 decimals and a unit: `61.30 s`, or `n/a`.
    static func seconds(_ value: Double?) -> String {
        value.map { fixed($0, decimals: 2) + " s" } ?? unknown
    }

    /// A ratio as a whole percentage: `0.37` is `37%`.
    static func percent(_ ratio: Double?) -> String {
        ratio.map { fixed($0 * 100, decimals: 0) + "%" } ?? unknown
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0" + String(value) : String(value)
    }
}

/// Column alignment by character count (every character the renderers print is one
/// terminal column wide: ASCII, `█`, `░`, `✔`, `✘`, `→`).
extension String {
    /// The text followed by spaces up to `width` characters (never cut).
    func padded(to width: Int) -> String {
        let count = characterCount
        return count >= width ? self : self + String(repeated: " ", count: width - count)
    }

    /// Spaces and then the text, right-aligned in `width` characters (never cut).
    func rightAligned(in width: Int) -> String {
        let count = characterCount
        return count >= width ? self : String(repeated: " ", count: width - count) + self
    }

    /// `count` (Characters), without the grapheme-cluster walk when every scalar is one that
    /// stands alone as a Character: the live view counts its lines twenty times a second, and
    /// that walk was half the CPU of a paced `callpulse live` (callgrind, README "Performance").
    var characterCount: Int {
        var scalars = 0
        for scalar in unicodeScalars {
            guard scalar.standsAlone else { return count }
            scalars += 1
        }
        return scalars
    }

    /// `scalar` `count` times (none for a count under 1), written as UTF-8 at once: the
    /// standard library's `String(repeating:count:)` appends the text once per repetition,
    /// which was a quarter of a paced `callpulse live` in the view's padding and bars.
    init(repeated scalar: Unicode.Scalar, count: Int) {
        let bytes = Array(String(scalar).utf8)
        let total = Swift.max(0, count) * bytes.count
        self.init(unsafeUninitializedCapacity: total) { buffer in
            var index = 0
            while index < total {
                for byte in bytes {
                    buffer[index] = byte
                    index += 1
                }
            }
            return total
        }
    }

    /// The first `length` Characters, the same shortcut as `characterCount`.
    func prefix(characters length: Int) -> String {
        let scalars = unicodeScalars
        var index = scalars.startIndex
        var taken = 0
        while index != scalars.endIndex {
            // The scalar at the cut stands alone too, so nothing kept joins it.
            guard scalars[index].standsAlone else { return String(prefix(Swift.max(0, length))) }
            if taken >= length { return String(self[..<index]) }
            taken += 1
            scalars.formIndex(after: &index)
        }
        return self
    }
}

extension Unicode.Scalar {
    /// A scalar that is a grapheme cluster of its own whatever its neighbours (UAX #29: not
    /// CR, Extend, ZWJ, SpacingMark, Prepend, Hangul or a regional indicator): Latin below the
    /// combining diacritics (U+0300), general punctuation without the joiners and format
    /// controls, and arrows through dingbats (U+2190-U+27BF: `→`, `─`, `█`, `░`, `✔`, `✘`).
    var standsAlone: Bool {
        switch value {
        case 0x0D: false
        case 0..<0x300, 0x2010...0x2027, 0x2030...0x205E, 0x2190...0x27BF: true
        default: false
        }
    }
}
