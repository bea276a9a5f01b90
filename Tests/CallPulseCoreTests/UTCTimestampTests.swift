import CallPulseCore
import Testing

/// Expected values are worked out by hand from the calendar (1970-01-01 is day 0).
@Suite struct UTCTimestampTests {
    static let instants: [(Int64, String)] = [
        (0, "1970-01-01T00:00:00Z"),
        (86_399, "1970-01-01T23:59:59Z"),
        (-1, "1969-12-31T23:59:59Z"),
        // 2000-02-29 is day 11016: 30 years of days (10957) + 31 (Jan) + 28.
        (951_825_600, "2000-02-29T12:00:00Z"),
        // 2026-11-23: day 20780 (56 years of which 14 leap: 20454 days, then 326 days into 2026).
        (1_795_428_000, "2026-11-23T10:00:00Z"),
    ]

    @Test("formatting known instants", arguments: instants)
    func format(seconds: Int64, text: String) {
        #expect(UTCTimestamp.format(unixSeconds: seconds) == text)
        #expect(UTCTimestamp.parse(text) == Double(seconds))
    }

    @Test("offsets and fractions")
    func offsets() {
        #expect(UTCTimestamp.parse("2026-11-23T11:00:00+01:00") == UTCTimestamp.parse("2026-11-23T10:00:00Z"))
        #expect(UTCTimestamp.parse("2026-11-23T05:30:00-04:30") == UTCTimestamp.parse("2026-11-23T10:00:00Z"))
        #expect(UTCTimestamp.parse("1970-01-01T00:00:01.25Z") == 1.25)
    }

    @Test("not timestamps", arguments: ["", "2026-11-23", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
                                        "2026-11-23T24:00:00Z", "2026-11-23T10:00:00", "2026-11-23T10:00:00Zjunk", "2026-11-23T10:00:00.Z"])
    func invalid(text: String) {
        #expect(UTCTimestamp.parse(text) == nil)
    }
}
