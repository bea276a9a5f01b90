import CallPulseCore

/// One call drawn as an inline SVG timeline (SPEC "segments" is what it reads): ringing on
/// the top lane, agent and customer speech on two lanes, overlaps between them, pauses and
/// dead air on a silence lane, interruption marks on the interrupter's lane, and a time axis.
///
/// Legible in print and in grey scale: every kind of mark has its own pattern or outline
/// and a label, never a colour alone (agent solid dark, customer hatched, overlap
/// cross-hatched, pause dotted outline, dead air dense stripes with `DEAD AIR`, ringing
/// vertical bars, interruptions a black triangle with `I`). Each mark carries a `<title>`
/// with its times, which browsers show on hover without any script.
public enum TimelineSVG {
    /// Drawing width in SVG user units; the element scales to the page width.
    static let widthUnits = 1000.0
    /// Left margin for the lane labels.
    static let labelWidthUnits = 88.0
    static let rightMarginUnits = 12.0

    struct Lane {
        var top: Double
        var height: Double
        var label: String
        var middle: Double { top + height / 2 }
    }

    static let ringLane = Lane(top: 8, height: 16, label: "Ringing")
    static let agentLane = Lane(top: 34, height: 24, label: "Agent")
    static let customerLane = Lane(top: 70, height: 24, label: "Customer")
    /// The strip between the two speech lanes where overlaps are drawn.
    static let overlapStrip = Lane(top: 59, height: 10, label: "")
    static let silenceLane = Lane(top: 104, height: 18, label: "Silence")
    static let axisTop = 132.0
    static let heightUnits = 156.0

    /// Pattern and marker definitions, once per page (ids are shared by every timeline).
    public static let definitions = """
    <svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
    <pattern id="cp-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#333" stroke-width="2"/></pattern>
    <pattern id="cp-cross" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#fff"/><path d="M0,0 L5,5 M5,0 L0,5" stroke="#000" stroke-width="1.2"/></pattern>
    <pattern id="cp-ring" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#fff"/><line x1="1" y1="0" x2="1" y2="4" stroke="#444" stroke-width="1.5"/></pattern>
    <pattern id="cp-deadair" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="4" height="4" fill="#bbb"/><line x1="0" y1="0" x2="0" y2="4" stroke="#000" stroke-width="2.5"/></pattern>
    </defs></svg>
    """

    public static func render(_ summary: Summary) -> String {
        let lastSpeechS = summary.segments.map(\.endS).max() ?? 0
        let durationS = max(summary.session.durationS, lastSpeechS, 1)
        let plotWidth = widthUnits - labelWidthUnits - rightMarginUnits
        func x(_ seconds: Double) -> Double { labelWidthUnits + plotWidth * min(max(seconds, 0), durationS) / durationS }
        func width(_ from: Double, _ to: Double) -> Double { max(x(to) - x(from), 0.8) }

        var body: [String] = []
        let title = "Timeline of session \(summary.session.id)" + (summary.session.agent.map { ", agent \($0)" } ?? "")
        body.append(##"<svg class="timeline" viewBox="0 0 \##(n(widthUnits)) \##(n(heightUnits))" width="100%" role="img" aria-label="\##(HTMLText.escape(title))" data-session="\##(HTMLText.escape(summary.session.id))">"##)
        body.append("<title>\(HTMLText.escape(title))</title>")
        for lane in [ringLane, agentLane, customerLane, silenceLane] {
            body.append(##"<text class="lane-label" x="4" y="\##(n(lane.middle + 4))" font-size="12">\##(lane.label)</text>"##)
            body.append(##"<line x1="\##(n(labelWidthUnits))" y1="\##(n(lane.top + lane.height))" x2="\##(n(widthUnits - rightMarginUnits))" y2="\##(n(lane.top + lane.height))" stroke="#ccc" stroke-width="0.5"/>"##)
        }

        // Ringing.
        if let ring = summary.ring {
            let endS = ring.answeredS ?? ringEndS(ring, durationS: durationS)
            let label = ring.answered
                ? "\(RuleReport.count(ring.rings, "ring")), answered at \(NumberFormat.clock(endS))"
                : "\(RuleReport.count(ring.rings, "ring")), abandoned"
            body.append(mark("ring", x(ring.firstRingS), ringLane.top, width(ring.firstRingS, endS), ringLane.height, fill: "url(#cp-ring)", stroke: "#000", title: label))
            body.append(##"<text class="ring-label" x="\##(n(x(endS) + 4))" y="\##(n(ringLane.middle + 4))" font-size="11">\##(HTMLText.escape(label))</text>"##)
        } else {
            body.append(##"<text class="no-ring" x="\##(n(labelWidthUnits + 4))" y="\##(n(ringLane.middle + 4))" font-size="11" font-style="italic">no ringing heard</text>"##)
        }

        // Speech on two lanes (a mono `mixed` recording draws on the agent lane, labelled so).
        for segment in summary.segments {
            let lane = segment.party == .customer ? customerLane : agentLane
            let isCustomer = segment.party == .customer
            body.append(mark(
                "seg \(segment.party.rawValue)", x(segment.startS), lane.top, width(segment.startS, segment.endS), lane.height,
                fill: isCustomer ? "url(#cp-hatch)" : "#222", stroke: "#000",
                title: "\(segment.party.rawValue) speaks \(NumberFormat.clock(segment.startS))–\(NumberFormat.clock(segment.endS))"
            ))
        }

        // Overlaps: both parties at once.
        for overlap in overlaps(summary.segments) {
            let startS = FrameClock.seconds(overlap.start)
            let endS = FrameClock.seconds(overlap.end)
            body.append(mark(
                "overlap", x(startS), overlapStrip.top, width(startS, endS), overlapStrip.height, fill: "url(#cp-cross)", stroke: "#000",
                title: "both speak \(NumberFormat.clock(startS))–\(NumberFormat.clock(endS))"
            ))
        }

        // Pauses and dead air.
        for pause in summary.pauses {
            let what = pause.deadAir ? "dead air" : (pause.kind == .gap ? "gap" : "pause")
            let title = "\(what) \(NumberFormat.fixed(pause.durationS, decimals: 2)) s at \(NumberFormat.clock(pause.startS)) (\(pause.before.rawValue) → \(pause.after.rawValue))"
            if pause.deadAir {
                body.append(mark("dead-air", x(pause.startS), silenceLane.top, width(pause.startS, pause.endS), silenceLane.height, fill: "url(#cp-deadair)", stroke: "#000", title: title, strokeWidth: 1.5))
                body.append(##"<text class="dead-air-label" x="\##(n(x(pause.startS)))" y="\##(n(silenceLane.top + silenceLane.height + 9))" font-size="9" font-weight="bold">DEAD AIR</text>"##)
            } else {
                body.append(mark("pause", x(pause.startS), silenceLane.top + 3, width(pause.startS, pause.endS), silenceLane.height - 6, fill: "#fff", stroke: "#000", title: title, dashed: true))
            }
        }

        // Interruptions: a triangle above the interrupter's lane, pointing down.
        for interruption in summary.interruptions {
            let lane = interruption.by == .customer ? customerLane : agentLane
            let tipX = x(interruption.atS)
            let tipY = lane.top + 7
            let title = "\(interruption.by.rawValue) interrupts at \(NumberFormat.clock(interruption.atS)), \(NumberFormat.fixed(interruption.overlapS, decimals: 2)) s overlap" + (interruption.takenFloor ? ", takes the floor" : "")
            body.append(##"<g class="interruption \##(interruption.by.rawValue)"><title>\##(HTMLText.escape(title))</title><polygon points="\##(n(tipX - 6)),\##(n(lane.top - 5)) \##(n(tipX + 6)),\##(n(lane.top - 5)) \##(n(tipX)),\##(n(tipY))" fill="#000" stroke="#fff" stroke-width="1"/><text x="\##(n(tipX + 7))" y="\##(n(lane.top + 2))" font-size="10" font-weight="bold">I</text></g>"##)
        }

        // Time axis.
        let stepS = tickStepS(durationS)
        body.append(##"<line class="axis" x1="\##(n(labelWidthUnits))" y1="\##(n(axisTop))" x2="\##(n(widthUnits - rightMarginUnits))" y2="\##(n(axisTop))" stroke="#000" stroke-width="1"/>"##)
        var tickS = 0.0
        while tickS <= durationS + 1e-9 {
            body.append(##"<line x1="\##(n(x(tickS)))" y1="\##(n(axisTop))" x2="\##(n(x(tickS)))" y2="\##(n(axisTop + 4))" stroke="#000"/>"##)
            body.append(##"<text class="tick" x="\##(n(x(tickS)))" y="\##(n(axisTop + 16))" font-size="10" text-anchor="middle">\##(minutesSeconds(tickS))</text>"##)
            tickS += stepS
        }
        body.append("</svg>")
        return body.joined(separator: "\n")
    }

    /// Intervals (frames) in which an agent and a customer segment overlap, in time order.
    static func overlaps(_ segments: [Segment]) -> [(start: Int, end: Int)] {
        let agent = segments.filter { $0.party == .agent }
        let customer = segments.filter { $0.party == .customer }
        var result: [(start: Int, end: Int)] = []
        var customerIndex = 0
        for a in agent {
            while customerIndex < customer.count, customer[customerIndex].endFrame <= a.startFrame { customerIndex += 1 }
            var index = customerIndex
            while index < customer.count, customer[index].startFrame < a.endFrame {
                let start = max(a.startFrame, customer[index].startFrame)
                let end = min(a.endFrame, customer[index].endFrame)
                if end > start { result.append((start, end)) }
                index += 1
            }
        }
        return result.sorted { $0.start < $1.start }
    }

    /// Where unanswered ringing stops: the last ring's cycle, from the cadence when known.
    static func ringEndS(_ ring: RingSummary, durationS: Double) -> Double {
        let cycleS = ring.onOffS.reduce(0, +)
        guard cycleS > 0 else { return durationS }
        return min(ring.firstRingS + Double(max(ring.rings, 1)) * cycleS, durationS)
    }

    /// A tick step that gives at most about 12 labelled ticks.
    static func tickStepS(_ durationS: Double) -> Double {
        let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]
        return steps.first { durationS / $0 <= 12 } ?? 7200
    }

    static func minutesSeconds(_ seconds: Double) -> String {
        let whole = Int(saturating: seconds.rounded())
        let remainder = whole % 60
        return "\(whole / 60):" + (remainder < 10 ? "0" : "") + String(remainder)
    }

    private static func mark(
        _ cssClass: String, _ x: Double, _ y: Double, _ width: Double, _ height: Double,
        fill: String, stroke: String, title: String, strokeWidth: Double = 0.6, dashed: Bool = false
    ) -> String {
        let dash = dashed ? ##" stroke-dasharray="2,2""## : ""
        return ##"<rect class="\##(cssClass)" x="\##(n(x))" y="\##(n(y))" width="\##(n(width))" height="\##(n(height))" fill="\##(fill)" stroke="\##(stroke)" stroke-width="\##(n(strokeWidth))"\##(dash)><title>\##(HTMLText.escape(title))</title></rect>"##
    }

    /// A coordinate with at most 2 decimals.
    private static func n(_ value: Double) -> String { NumberFormat.plain((value * 100).rounded() / 100) }
}

/// Text made safe for HTML and SVG element content and attribute values.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        // Scalar by scalar: a quote followed by a combining mark is one Character that is not
        // equal to "\"", and would pass through unescaped.
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result.append(contentsOf: "&amp;".unicodeScalars)
            case "<": result.append(contentsOf: "&lt;".unicodeScalars)
            case ">": result.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": result.append(contentsOf: "&quot;".unicodeScalars)
            case "'": result.append(contentsOf: "&#39;".unicodeScalars)
            default: result.append(scalar)
            }
        }
        return String(result)
    }
}
