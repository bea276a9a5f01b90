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
        return sign + whole + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
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
        return sign + "\(minutes):" + twoDigits(wholeSeconds) + "." + twoDigits(fraction)
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
        value < 10 ? "0\(value)" : "\(value)"
    }
}

/// Column alignment by character count (every character the renderers print is one
/// terminal column wide: ASCII, `█`, `░`, `✔`, `✘`, `→`).
extension String {
    /// The text followed by spaces up to `width` characters (never cut).
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// Spaces and then the text, right-aligned in `width` characters (never cut).
    func rightAligned(in width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
