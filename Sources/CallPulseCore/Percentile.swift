/// Percentiles of a small sample, by linear interpolation between closest ranks.
///
/// Method (Hyndman & Fan type 7, the default of R, NumPy and spreadsheet `PERCENTILE.INC`):
/// for `n` sorted values `x[0] … x[n-1]` and a fraction `p` in 0…1, the position is
/// `h = (n - 1) · p`; the percentile is `x[⌊h⌋] + (h - ⌊h⌋) · (x[⌊h⌋ + 1] - x[⌊h⌋])`.
/// So the median of an even count is the mean of the two middle values, p = 0 is the
/// minimum and p = 1 the maximum.
public enum Percentile {
    /// The `fraction` percentile (0.5 = median, 0.9 = 90th) of `sortedValues`, which must be
    /// in ascending order; `nil` for an empty sample.
    public static func linear(sortedValues: [Double], fraction: Double) -> Double? {
        linear(count: sortedValues.count, fraction: fraction) { sortedValues[$0] }
    }

    /// The same percentile of `count` sorted values of which `value(i)` gives the `i`th; it
    /// reads only ranks `⌊h⌋` and `⌊h⌋ + 1` (a store that ranks the values in SQL fetches
    /// just those).
    public static func linear(count: Int, fraction: Double, value: (Int) -> Double) -> Double? {
        precondition(fraction >= 0 && fraction <= 1, "a percentile fraction lies in 0…1")
        guard count > 0 else { return nil }
        if count == 1 { return value(0) }
        let position = Double(count - 1) * fraction
        let lowerIndex = Int(saturating: position.rounded(.down))
        if lowerIndex >= count - 1 { return value(count - 1) }
        let weight = position - Double(lowerIndex)
        let lower = value(lowerIndex)
        return lower + weight * (value(lowerIndex + 1) - lower)
    }

    /// Same as `linear(sortedValues:fraction:)` for values in any order.
    public static func linear(values: [Double], fraction: Double) -> Double? {
        linear(sortedValues: values.sorted(), fraction: fraction)
    }
}
