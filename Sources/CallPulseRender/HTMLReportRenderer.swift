import CallPulseCore

/// `callpulse report --html`: one self-contained HTML file (inline CSS and SVG, no script,
/// nothing fetched) with the per-agent table, the calls to review, a legend, and per call
/// its figures and timeline. Prints on A4 and reads in grey scale (see `TimelineSVG`).
public enum HTMLReportRenderer {
    /// - Parameters:
    ///   - summaries: the calls of the report, drawn in this order.
    ///   - period: one line saying what was selected.
    ///   - generatedAt: when, ISO 8601.
    public static func render(_ report: Report, summaries: [Summary], period: String, generatedAt: String) -> String {
        var html: [String] = []
        html.append("<!DOCTYPE html>")
        html.append(##"<html lang="en"><head><meta charset="utf-8">"##)
        html.append(##"<meta name="viewport" content="width=device-width, initial-scale=1">"##)
        html.append("<title>callpulse report</title>")
        html.append("<style>\(style)</style></head><body>")
        html.append(TimelineSVG.definitions)
        html.append("<header><h1>callpulse report</h1>")
        html.append(##"<p class="period">\##(HTMLText.escape(period)) · \##(RuleReport.count(summaries.count, "call")) · generated \##(HTMLText.escape(generatedAt))</p></header>"##)

        html.append(##"<section id="agents"><h2>Per agent</h2>"##)
        if report.agents.isEmpty {
            html.append("<p>No stored sessions match.</p>")
        } else {
            html.append(agentTable(report))
        }
        html.append("</section>")

        html.append(##"<section id="review"><h2>Calls to review</h2>"##)
        let toReview = report.agents.filter { !$0.review.isEmpty }
        if toReview.isEmpty {
            html.append("<p>None: no call broke a rule.</p>")
        } else {
            html.append("<ol class=\"review\">")
            for agent in toReview {
                for item in agent.review {
                    let when = item.startedAt.map(TableRenderer.shortTime) ?? "time unknown"
                    html.append(##"<li><a href="#call-\##(HTMLText.escape(item.sessionID))"><strong>\##(HTMLText.escape(agent.displayName))</strong> · \##(HTMLText.escape(when)) · \##(HTMLText.escape(item.path))</a><ul>"##)
                    html.append(item.reasons.map { "<li>\(HTMLText.escape($0))</li>" }.joined())
                    html.append("</ul></li>")
                }
            }
            html.append("</ol>")
        }
        html.append("</section>")

        html.append(##"<section id="calls"><h2>Calls</h2>"##)
        html.append(legend)
        for summary in summaries {
            html.append(callSection(summary))
        }
        html.append("</section></body></html>")
        return html.joined(separator: "\n")
    }

    public static func agentTable(_ report: Report) -> String {
        var rows: [String] = []
        rows.append(##"<table class="agents"><thead><tr><th>Agent</th><th>Calls</th><th>Flagged</th><th>Ring to answer<br>median / p90</th><th>Agent talk share<br>median / p90</th><th>Response latency<br>median / p90</th><th>Answered within \##(report.limits.maxRings) rings</th><th>Without dead air</th><th>Without agent interruptions</th></tr></thead><tbody>"##)
        for agent in report.agents {
            let cells = ReportTextRenderer.row(agent)
            rows.append(##"<tr class="agent" data-agent="\##(HTMLText.escape(agent.displayName))"><th scope="row">\##(HTMLText.escape(cells[0]))</th>"## + cells.dropFirst().map { "<td>\(HTMLText.escape($0))</td>" }.joined() + "</tr>")
        }
        rows.append("</tbody></table>")
        rows.append(##"<p class="note">Shares are of the calls that can tell: ringing heard (answer), a conversation (dead air), both parties on their own channel (interruptions). Response latency: each call's median; p90 over those medians. n/a: no call had the figure.</p>"##)
        return rows.joined(separator: "\n")
    }

    public static func callSection(_ summary: Summary) -> String {
        let session = summary.session
        let agent = session.agent ?? Report.noAgentLabel
        var lines: [String] = []
        lines.append(##"<section class="call" id="call-\##(HTMLText.escape(session.id))" data-agent="\##(HTMLText.escape(agent))">"##)
        let when = session.startedAt.map(TableRenderer.shortTime) ?? "time unknown"
        lines.append(##"<h3>\##(HTMLText.escape(agent)) · \##(HTMLText.escape(when)) · \##(NumberFormat.clock(session.durationS))</h3>"##)
        var facts: [(String, String)] = [
            ("File", summary.source.path),
            ("Session", session.id),
            ("Rings", summary.ring.map { String($0.rings) + ($0.answered ? "" : " (abandoned)") } ?? "no ringing heard"),
            ("Ring to answer", NumberFormat.seconds(summary.ring?.ringToAnswerS)),
            ("Agent talk share", NumberFormat.percent(summary.talk.agentShare)),
            ("Greeting latency", NumberFormat.seconds(summary.greetingLatencyS)),
            ("Response latency median", NumberFormat.seconds(summary.responseLatency.medianS)),
            ("Dead air", String(summary.deadAirCount)),
        ]
        if summary.source.layout.hasBothParties {
            facts.append(("Agent interruptions", String(summary.interruptionCount(by: .agent))))
        }
        lines.append(##"<dl class="facts">"## + facts.map { "<div><dt>\(HTMLText.escape($0.0))</dt><dd>\(HTMLText.escape($0.1))</dd></div>" }.joined() + "</dl>")
        if summary.alerts.isEmpty {
            lines.append(##"<p class="ok">No rule broken.</p>"##)
        } else {
            lines.append(##"<ul class="alerts">"## + summary.alerts.map { ##"<li><span class="badge">\##($0.rule.rawValue)</span> \##(HTMLText.escape($0.message))</li>"## }.joined() + "</ul>")
        }
        lines.append(TimelineSVG.render(summary))
        lines.append("</section>")
        return lines.joined(separator: "\n")
    }

    /// A key to the timeline marks, drawn with the same patterns.
    public static let legend = """
    <svg class="legend" viewBox="0 0 1000 30" width="100%" role="img" aria-label="Legend">
    <rect x="4" y="8" width="26" height="14" fill="url(#cp-ring)" stroke="#000" stroke-width="0.6"/><text x="36" y="19" font-size="12">ringing</text>
    <rect x="110" y="8" width="26" height="14" fill="#222" stroke="#000" stroke-width="0.6"/><text x="142" y="19" font-size="12">agent speech</text>
    <rect x="250" y="8" width="26" height="14" fill="url(#cp-hatch)" stroke="#000" stroke-width="0.6"/><text x="282" y="19" font-size="12">customer speech</text>
    <rect x="410" y="8" width="26" height="14" fill="url(#cp-cross)" stroke="#000" stroke-width="0.6"/><text x="442" y="19" font-size="12">both speak</text>
    <rect x="530" y="10" width="26" height="10" fill="#fff" stroke="#000" stroke-width="0.6" stroke-dasharray="2,2"/><text x="562" y="19" font-size="12">pause</text>
    <rect x="620" y="8" width="26" height="14" fill="url(#cp-deadair)" stroke="#000" stroke-width="1.5"/><text x="652" y="19" font-size="12">DEAD AIR</text>
    <polygon points="744,8 756,8 750,20" fill="#000"/><text x="762" y="19" font-size="12">I interruption (on the interrupter's lane)</text>
    </svg>
    """

    public static let style = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;background:#fff;margin:2em auto;max-width:1100px;padding:0 1em;line-height:1.4}
    h1{margin:0}h2{border-bottom:2px solid #111;padding-bottom:.2em;margin-top:1.6em}h3{margin:.2em 0}
    .period,.note{color:#444}
    table.agents{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
    table.agents th,table.agents td{border:1px solid #666;padding:.3em .5em;text-align:right;vertical-align:top}
    table.agents th[scope=row],table.agents thead th:first-child{text-align:left}
    table.agents thead th{background:#eee;font-size:.9em}
    section.call{border:1px solid #999;padding:.6em .8em;margin:1em 0;break-inside:avoid;page-break-inside:avoid}
    dl.facts{display:flex;flex-wrap:wrap;gap:.2em 1.4em;margin:.4em 0}dl.facts div{display:flex;gap:.4em}dt{color:#444}dd{margin:0;font-weight:600}
    ul.alerts{margin:.3em 0;padding-left:1.2em}.badge{border:1px solid #111;padding:0 .3em;font-size:.8em;font-family:monospace}
    .ok{color:#333;font-style:italic}
    svg.timeline{display:block;margin-top:.4em;font-family:system-ui,sans-serif}
    @media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}h2{break-after:avoid}}
    """
}
