/// ISO 8601 timestamps in UTC (`2026-11-23T10:00:00Z`, the summary's `started_at`) without
/// Foundation: its ISO8601DateFormatter loads ICU, which alone added 6 MB to the resident
/// memory of `callpulse analyze` (measured with /usr/bin/time -v on Samples/call-48k.wav).
/// Calendar arithmetic after H. Hinnant's days-from-civil algorithms (proleptic Gregorian).
public enum UTCTimestamp {
    /// `unixSeconds` as `YYYY-MM-DDTHH:MM:SSZ`.
    public static func format(unixSeconds: Int64) -> String {
        let days = unixSeconds >= 0 ? unixSeconds / 86_400 : (unixSeconds - 86_399) / 86_400
        let secondOfDay = unixSeconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
            + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2) + "Z"
    }

    /// Seconds since 1970 of `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or `±HH:MM`;
    /// `nil` for anything else (or an impossible date such as February 30).
    public static func parse(_ text: String) -> Double? {
        let chars = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= chars.count else { return nil }
            var value: Int64 = 0
            for c in chars[start..<(start + count)] {
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int64(c - 48)
            }
            return value
        }
        func char(_ index: Int, _ expected: UInt8) -> Bool { index < chars.count && chars[index] == expected }
        guard let year = number(0, 4), char(4, 45), let month = number(5, 2), char(7, 45), let day = number(8, 2),
              char(10, 84) || char(10, 116), let hour = number(11, 2), char(13, 58), let minute = number(14, 2),
              char(16, 58), let second = number(17, 2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var fraction = 0.0
        if char(index, 46) {
            index += 1
            var scale = 0.1
            let start = index
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                fraction += Double(chars[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset: Int64 = 0
        if char(index, 90) || char(index, 122) {
            index += 1
        } else if char(index, 43) || char(index, 45) {
            guard let offsetHours = number(index + 1, 2), char(index + 3, 58), let offsetMinutes = number(index + 4, 2),
                  offsetHours < 24, offsetMinutes < 60 else { return nil }
            offset = (offsetHours * 60 + offsetMinutes) * 60 * (chars[index] == 43 ? 1 : -1)
            index += 6
        } else {
            return nil
        }
        guard index == chars.count else { return nil }
        let seconds = days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Double(seconds) + fraction
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day count since 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
