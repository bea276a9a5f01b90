import CallPulseCore
import Foundation
import Testing
@testable import CallPulseRender

@Suite struct HTMLReportTests {
    static let summaries = ReportFixture.calls
    static let page = HTMLReportRenderer.render(
        Report(summaries: summaries, limits: AlertLimits()), summaries: summaries,
        period: "all stored sessions", generatedAt: "2026-11-23T12:00:00Z"
    )

    static func occurrences(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func isSelfContained() {
        let page = Self.page
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.lowercased().contains("<script"))
        #expect(!page.contains("http://") && !page.contains("https://"))
        #expect(!page.contains(" src="))
        #expect(!page.contains("<link"))
    }

    @Test func oneTimelinePerCallWithEveryMark() {
        let page = Self.page
        #expect(Self.occurrences(#"<svg class="timeline""#, in: page) == Self.summaries.count)
        #expect(Self.occurrences(#"<section class="call""#, in: page) == Self.summaries.count)
        // Each fixture call has 2 agent and 1 customer segment, one gap pause and one
        // customer interruption; a2 has dead air and 1 agent interruption, a3 2.
        #expect(Self.occurrences(#"class="seg agent""#, in: page) == 2 * Self.summaries.count)
        #expect(Self.occurrences(#"class="seg customer""#, in: page) == Self.summaries.count)
        #expect(Self.occurrences(#"class="pause""#, in: page) == Self.summaries.count)
        #expect(Self.occurrences(#"class="dead-air""#, in: page) == 1)
        #expect(Self.occurrences("DEAD AIR</text>", in: page) == 1 + 1) // the mark's label and the legend
        #expect(Self.occurrences(#"class="interruption agent""#, in: page) == 3)
        #expect(Self.occurrences(#"class="interruption customer""#, in: page) == Self.summaries.count)
        // Agent 0-50 s and customer 40-90 s overlap 40-50 s in every call.
        #expect(Self.occurrences(#"class="overlap""#, in: page) == Self.summaries.count)
        // Ringing drawn for the three calls with a ring, "no ringing heard" for the others.
        #expect(Self.occurrences(#"class="ring""#, in: page) == 3)
        #expect(Self.occurrences(#"class="no-ring""#, in: page) == 3)
    }

    @Test func agentTableRowsAndReviewLinks() {
        let page = Self.page
        #expect(page.contains(#"<tr class="agent" data-agent="anna"><th scope="row">anna</th><td>4</td><td>2</td><td>12.5s / 16.1s</td>"#))
        #expect(page.contains(#"data-agent="(no agent)""#))
        #expect(page.contains(##"<a href="#call-a2">"##))
        #expect(page.contains(#"id="call-a2""#))
    }

    @Test func timelinePlacesMarksAtTheirTimes() {
        // 100 s over the 900 units between the label column (88) and the right margin (988):
        // agent 0-50 s is x 88, width 450; customer 40-90 s is x 448, width 450; overlap 40-50 s x 448 width 90.
        let svg = TimelineSVG.render(Self.summaries[0])
        #expect(svg.contains(#"<rect class="seg agent" x="88" y="34" width="450" height="24""#))
        #expect(svg.contains(#"<rect class="seg customer" x="448" y="70" width="450" height="24""#))
        #expect(svg.contains(#"<rect class="overlap" x="448" y="59" width="90""#))
        // Ticks every 10 s for 100 s: 0:00 … 1:40, eleven labels.
        #expect(Self.occurrences(#"<text class="tick""#, in: svg) == 11)
        #expect(svg.contains(">1:40</text>"))
    }

    @Test func namesAreEscaped() {
        var summary = Self.summaries[0]
        summary.session.agent = "<b>Ann & \"Co\"</b>"
        let page = HTMLReportRenderer.render(Report(summaries: [summary], limits: AlertLimits()), summaries: [summary], period: "p", generatedAt: "t")
        #expect(!page.contains("<b>Ann"))
        #expect(page.contains("&lt;b&gt;Ann &amp; &quot;Co&quot;&lt;/b&gt;"))
    }

    @Test func overlapsOfTwoLanes() {
        let segments = [
            Segment(party: .agent, startFrame: 0, endFrame: 100),
            Segment(party: .customer, startFrame: 50, endFrame: 150),
            Segment(party: .agent, startFrame: 120, endFrame: 130),
            Segment(party: .agent, startFrame: 200, endFrame: 300),
            Segment(party: .customer, startFrame: 300, endFrame: 400),
        ]
        let overlaps = TimelineSVG.overlaps(segments).map { [$0.start, $0.end] }
        #expect(overlaps == [[50, 100], [120, 130]])
    }

    /// Opens the page in headless Chromium (Debian package `chromium`) and checks the DOM it
    /// builds: the agents, the calls and the SVG timeline elements.
    @Test(.enabled(if: ChromiumSupport.executable() != nil, "chromium is not installed (apt-get install chromium)"))
    func rendersInHeadlessChromium() throws {
        let chromium = try #require(ChromiumSupport.executable())
        let path = NSTemporaryDirectory() + "callpulse-report-\(UUID().uuidString).html"
        try Self.page.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let dom = try ChromiumSupport.dumpDOM(chromium: chromium, path: path)
        #expect(dom.contains("<h1>callpulse report</h1>"))
        #expect(dom.contains(#"data-agent="anna""#) && dom.contains(#"data-agent="bert""#))
        for summary in Self.summaries {
            #expect(dom.contains(#"id="call-\#(summary.session.id)""#))
        }
        #expect(Self.occurrences("<svg class=\"timeline\"", in: dom) == Self.summaries.count)
        #expect(Self.occurrences("class=\"seg agent\"", in: dom) == 2 * Self.summaries.count)
        #expect(dom.contains("class=\"dead-air\""))
        #expect(dom.contains("<pattern id=\"cp-hatch\""))
    }
}

enum ChromiumSupport {
    static func executable() -> String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// `chromium --headless --dump-dom file://PATH`: the DOM after parsing, as HTML.
    static func dumpDOM(chromium: String, path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=" + NSTemporaryDirectory() + "callpulse-chromium-\(UUID().uuidString)",
            "--dump-dom", "file://" + path,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
