import CallPulseCore
import CallPulseRender
import CallPulseStore
import Foundation

/// `/report`'s trend charts: per agent, per day or week, the share answered within the ring
/// limit, the median ring-to-answer, the median agent talk share and the dead-air silences;
/// SVG drawn here, no chart library. Bars with their value written on them, so the charts
/// read in grey scale and without colour.
enum Trends {
    enum Unit: String, Sendable {
        case day
        case week
    }

    struct Point: Equatable, Sendable {
        /// The bucket's first day, `YYYY-MM-DD` (UTC).
        var start: String
        var answeredWithinLimit: Double?
        var ringToAnswerMedianS: Double?
        var talkShareMedian: Double?
        var deadAir: Int
        var calls: Int
    }

    /// Buckets the rows of each agent (agents by name, the unnamed last).
    static func series(_ rows: [TrendRow], unit: Unit, maxRings: Int) -> [(agent: String, points: [Point])] {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        func bucket(_ date: Date) -> Date {
            switch unit {
            case .day: return calendar.startOfDay(for: date)
            case .week: return calendar.dateInterval(of: .weekOfYear, for: date)?.start ?? calendar.startOfDay(for: date)
            }
        }
        var byAgent: [String: [Date: [TrendRow]]] = [:]
        for row in rows {
            byAgent[row.agent ?? Report.noAgentLabel, default: [:]][bucket(row.sortAt), default: []].append(row)
        }
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        return byAgent.keys.sorted().map { agent in
            let buckets = byAgent[agent]!
            let points = buckets.keys.sorted().map { start -> Point in
                let calls = buckets[start]!
                let withRinging = calls.filter { $0.rings != nil }
                let within = withRinging.filter { $0.answered == true && ($0.rings ?? 0) <= maxRings }.count
                let answers = calls.compactMap { $0.answered == true ? $0.ringToAnswerS : nil }.sorted()
                let shares = calls.filter { $0.answered != false }.compactMap(\.agentShare).sorted()
                return Point(
                    start: formatter.string(from: start),
                    answeredWithinLimit: withRinging.isEmpty ? nil : Double(within) / Double(withRinging.count),
                    ringToAnswerMedianS: Percentile.linear(sortedValues: answers, fraction: 0.5),
                    talkShareMedian: Percentile.linear(sortedValues: shares, fraction: 0.5),
                    deadAir: calls.map(\.deadAirCount).reduce(0, +), calls: calls.count)
            }
            return (agent, points)
        }
    }

    struct Measure: Sendable {
        var title: String
        var value: @Sendable (Point) -> Double?
        var label: @Sendable (Double) -> String
        /// The top of the scale; `nil`: the largest value.
        var fixedMax: Double?
    }

    static let measures: [Measure] = [
        Measure(title: "Answered within the ring limit", value: { $0.answeredWithinLimit }, label: { String(format: "%.0f%%", $0 * 100) }, fixedMax: 1),
        Measure(title: "Median ring to answer", value: { $0.ringToAnswerMedianS }, label: { String(format: "%.1fs", $0) }, fixedMax: nil),
        Measure(title: "Median agent talk share", value: { $0.talkShareMedian }, label: { String(format: "%.0f%%", $0 * 100) }, fixedMax: 1),
        Measure(title: "Dead-air silences", value: { Double($0.deadAir) }, label: { String(Int($0)) }, fixedMax: nil),
    ]

    /// Width and height of one chart, SVG units.
    static let widthUnits = 360.0
    static let heightUnits = 120.0

    static func chart(_ measure: Measure, points: [Point], agent: String) -> String {
        let values = points.map(measure.value)
        let top = max(measure.fixedMax ?? (values.compactMap { $0 }.max() ?? 0), 1e-9)
        let left = 6.0, bottom = heightUnits - 18, plotTop = 14.0
        let slot = (widthUnits - left * 2) / Double(max(points.count, 1))
        let barWidth = max(2, min(40, slot * 0.7))
        var svg = ##"<svg class="trend" viewBox="0 0 \##(Int(widthUnits)) \##(Int(heightUnits))" width="100%" role="img" aria-label="\##(HTMLText.escape(measure.title + ", " + agent))">"##
        svg += "<title>\(HTMLText.escape(measure.title + ", " + agent))</title>"
        svg += ##"<line x1="\##(left)" y1="\##(bottom)" x2="\##(widthUnits - left)" y2="\##(bottom)" stroke="#000" stroke-width="1"/>"##
        for (index, point) in points.enumerated() {
            let x = left + slot * Double(index) + (slot - barWidth) / 2
            let centre = x + barWidth / 2
            if let value = values[index] {
                let height = (bottom - plotTop) * min(value / top, 1)
                svg += ##"<rect x="\##(r(x))" y="\##(r(bottom - height))" width="\##(r(barWidth))" height="\##(r(max(height, 0.5)))" fill="#444" stroke="#000" stroke-width="0.5"><title>\##(point.start): \##(HTMLText.escape(measure.label(value))) (\##(point.calls) calls)</title></rect>"##
                svg += ##"<text x="\##(r(centre))" y="\##(r(bottom - height - 2))" font-size="9" text-anchor="middle">\##(HTMLText.escape(measure.label(value)))</text>"##
            } else {
                svg += ##"<text x="\##(r(centre))" y="\##(r(bottom - 2))" font-size="9" text-anchor="middle">n/a</text>"##
            }
            if points.count <= 14 || index % max(1, points.count / 7) == 0 {
                svg += ##"<text x="\##(r(centre))" y="\##(r(heightUnits - 5))" font-size="8" text-anchor="middle">\##(String(point.start.dropFirst(5)))</text>"##
            }
        }
        svg += "</svg>"
        return svg
    }

    private static func r(_ value: Double) -> String { String(format: "%.1f", value) }
}
