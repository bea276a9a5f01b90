import CallPulseCore
import Testing
@testable import CallPulseRender

/// Hand-built calls for the report: each figure is typed here, and the expected report
/// figures below are worked out by hand from them (Percentile type 7: h = (n-1)·p).
enum ReportFixture {
    static func call(
        id: String, agent: String?, layout: ChannelLayout = .agentCustomer, ring: RingSummary?, agentShare: Double?,
        responseMedianS: Double?, deadAir: Bool = false, agentInterruptions: Int = 0, alerts: [Alert] = []
    ) -> Summary {
        var pauses = [Pause(startFrame: 500, endFrame: 650, kind: .gap, before: .agent, after: .customer, deadAir: false)]
        if deadAir {
            pauses.append(Pause(startFrame: 2000, endFrame: 2600, kind: .pause, before: .agent, after: .agent, deadAir: true))
        }
        var interruptions = [Interruption(atFrame: 4000, by: .customer, overlapFrames: 60, takenFloor: false)]
        for index in 0..<agentInterruptions {
            interruptions.append(Interruption(atFrame: 5000 + 300 * index, by: .agent, overlapFrames: 70, takenFloor: true))
        }
        return Summary(
            source: .init(kind: "wav", path: "calls/\(id).wav", sampleRateHz: 8000, channels: layout.channelCount, format: "pcm16", layout: layout),
            session: .init(id: id, agent: agent, startedAt: "2026-11-0\(id.count % 9 + 1)T09:00:00Z", durationS: 100),
            ring: ring,
            talk: .init(agentS: 40, customerS: 40, overlapS: 2, silenceS: 20, agentShare: agentShare, agentPct: 0.4, customerPct: 0.4),
            greetingLatencyS: 0.7, pauses: pauses, interruptions: interruptions,
            backchannels: .init(agent: 3, customer: 1), turns: .init(count: 10, agentLongestMonologueS: 12, customerLongestMonologueS: 14),
            responseLatency: .init(medianS: responseMedianS, p90S: responseMedianS.map { $0 * 2 }, count: responseMedianS == nil ? 0 : 5),
            switchesPerMin: 4, levels: [], segments: [
                Segment(party: .agent, startS: 0, endS: 50),
                Segment(party: .customer, startS: 40, endS: 90),
                Segment(party: .agent, startS: 95, endS: 100),
            ],
            alerts: alerts
        )
    }

    static func ring(_ rings: Int, toAnswerS: Double?) -> RingSummary {
        RingSummary(
            rings: rings, firstRingS: 1, answeredS: toAnswerS.map { $0 + 1 }, ringToAnswerS: toAnswerS,
            answered: toAnswerS != nil, toneHz: [425], onOffS: [1, 4]
        )
    }

    static let ringsAlert = Alert(rule: .rings, value: 4, limit: 3, message: "answered after 4 rings")
    static let deadAirAlert = Alert(rule: .deadAir, value: 6, limit: 5, message: "1 dead-air silence (longest 6.00 s)")
    static let interruptionsAlert = Alert(rule: .agentInterruptions, value: 2, limit: 2, message: "the agent interrupted 2 times")

    /// anna: 4 calls (two answered after ringing, one without ringing, one abandoned);
    /// bert: 1 mono headset call; 1 call without an agent.
    static let calls: [Summary] = [
        call(id: "a1", agent: "anna", ring: ring(2, toAnswerS: 8), agentShare: 0.40, responseMedianS: 0.5),
        call(id: "a2", agent: "anna", ring: ring(4, toAnswerS: 17), agentShare: 0.60, responseMedianS: 1.0,
             deadAir: true, agentInterruptions: 1, alerts: [ringsAlert, deadAirAlert]),
        call(id: "a3", agent: "anna", ring: nil, agentShare: 0.50, responseMedianS: 0.3, agentInterruptions: 2, alerts: [interruptionsAlert]),
        call(id: "a4", agent: "anna", ring: ring(3, toAnswerS: nil), agentShare: nil, responseMedianS: nil),
        call(id: "b1", agent: "bert", layout: .agentOnly, ring: nil, agentShare: nil, responseMedianS: nil),
        call(id: "n1", agent: nil, ring: nil, agentShare: 0.3, responseMedianS: 0.2),
    ]
}

@Suite struct ReportTests {
    let report = Report(summaries: ReportFixture.calls, limits: AlertLimits())

    @Test("occupancy and calls per hour come from the shifts' calls: in-call time over each shift's first-to-last-call span")
    func shiftOccupancy() {
        // Two calls of 183.2 s in one shift, at 0 s and 600 s: the shift spans 783.2 s.
        var first = Fixtures.fullCall, second = Fixtures.fullCall, alone = Fixtures.fullCall
        first.session.id = "s-1"
        first.session.call = Summary.Call(shiftID: "s", index: 1, offsetS: 0, endedBy: .lineSilence)
        second.session.id = "s-2"
        second.session.call = Summary.Call(shiftID: "s", index: 2, offsetS: 600, endedBy: .stop)
        alone.session.id = "whole"
        let agent = Report(summaries: [first, second, alone], limits: AlertLimits()).agents[0]
        #expect(agent.shiftCalls == 2)
        #expect(abs((agent.occupancy ?? 0) - 366.4 / 783.2) < 1e-9)
        #expect(abs((agent.callsPerHour ?? 0) - 2 / (783.2 / 3600)) < 1e-9)
        #expect(ReportTextRenderer.render(Report(summaries: [first, second], limits: AlertLimits()), period: "all", width: 200).contains("occupancy 47%"))
        // Without shifts: no shift figures, and the report text has no shift section.
        #expect(report.agents.allSatisfy { $0.occupancy == nil && $0.callsPerHour == nil })
        #expect(!ReportTextRenderer.render(report, period: "all", width: 200).contains("Shifts"))
    }

    @Test func agentsByNameWithUnassignedLast() {
        #expect(report.agents.map(\.agent) == ["anna", "bert", nil])
        #expect(report.agents.map(\.displayName) == ["anna", "bert", "(no agent)"])
        #expect(report.agents.map(\.calls) == [4, 1, 1])
        #expect(report.agents.map(\.flaggedCalls) == [2, 0, 0])
    }

    @Test func medianAndP90ComputedByHand() throws {
        let anna = report.agents[0]
        // Ring to answer over the two answered-after-ringing calls, [8, 17]:
        // median = (8 + 17) / 2 = 12.5; p90: h = 0.9, 8 + 0.9 * 9 = 16.1.
        #expect(anna.ringToAnswerS.count == 2)
        #expect(try #require(anna.ringToAnswerS.medianValue) == 12.5)
        #expect(abs(try #require(anna.ringToAnswerS.p90Value) - 16.1) < 1e-9)
        // Talk share over the three conversations, [0.4, 0.5, 0.6]: median 0.5;
        // p90: h = 1.8, 0.5 + 0.8 * 0.1 = 0.58. The abandoned call has none.
        #expect(anna.agentShare.count == 3)
        #expect(abs(try #require(anna.agentShare.medianValue) - 0.5) < 1e-9)
        #expect(abs(try #require(anna.agentShare.p90Value) - 0.58) < 1e-9)
        // Per-call median response latency [0.3, 0.5, 1.0]: median 0.5; p90 0.5 + 0.8 * 0.5 = 0.9.
        #expect(abs(try #require(anna.responseLatencyS.medianValue) - 0.5) < 1e-9)
        #expect(abs(try #require(anna.responseLatencyS.p90Value) - 0.9) < 1e-9)
    }

    @Test func sharesOverTheCallsThatCanTell() {
        let anna = report.agents[0]
        // Ringing heard on a1 (2 rings, kept), a2 (4 rings, broken), a4 (abandoned): 1 of 3.
        #expect(anna.answeredWithinRingLimit == Report.Share(kept: 1, total: 3))
        // Conversations a1, a2, a3; dead air on a2 only.
        #expect(anna.withoutDeadAir == Report.Share(kept: 2, total: 3))
        // Agent interruptions on a2 and a3.
        #expect(anna.withoutAgentInterruptions == Report.Share(kept: 1, total: 3))
        let bert = report.agents[1]
        // A mono headset call: no talk share and no interruptions can be judged; no ringing heard.
        #expect(bert.agentShare.count == 0)
        #expect(bert.agentShare.medianValue == nil)
        #expect(bert.withoutAgentInterruptions.ratio == nil)
        #expect(bert.answeredWithinRingLimit.ratio == nil)
        #expect(bert.withoutDeadAir == Report.Share(kept: 1, total: 1))
    }

    @Test func theRingLimitComesFromTheLimits() {
        var limits = AlertLimits()
        limits.maxRings = 4
        let report = Report(summaries: ReportFixture.calls, limits: limits)
        #expect(report.agents[0].answeredWithinRingLimit == Report.Share(kept: 2, total: 3))
    }

    @Test func callsToReviewWorstFirstWithWhy() {
        let review = report.agents[0].review
        #expect(review.map(\.sessionID) == ["a2", "a3"])
        #expect(review[0].reasons == ["answered after 4 rings", "1 dead-air silence (longest 6.00 s)"])
        #expect(report.agents[1].review.isEmpty)
        let limited = Report(summaries: ReportFixture.calls, limits: AlertLimits(), reviewCount: 1)
        #expect(limited.agents[0].review.map(\.sessionID) == ["a2"])
    }

    @Test func equalAlertCountsRankByHowFarPastTheLimit() {
        let fiveRings = ReportFixture.call(id: "x1", agent: "c", ring: ReportFixture.ring(5, toAnswerS: 22), agentShare: 0.5, responseMedianS: 0.5,
                                           alerts: [Alert(rule: .rings, value: 5, limit: 3, message: "5 rings")])
        let fourRings = ReportFixture.call(id: "x0", agent: "c", ring: ReportFixture.ring(4, toAnswerS: 17), agentShare: 0.5, responseMedianS: 0.5,
                                           alerts: [Alert(rule: .rings, value: 4, limit: 3, message: "4 rings")])
        let report = Report(summaries: [fourRings, fiveRings], limits: AlertLimits())
        #expect(report.agents[0].review.map(\.sessionID) == ["x1", "x0"])
    }

    @Test func textTableShowsTheHandFigures() {
        let text = ReportTextRenderer.render(report, period: "all stored sessions", width: 200)
        let annaLine = text.split(separator: "\n").first { $0.hasPrefix("anna") }.map(String.init) ?? ""
        #expect(annaLine.contains("12.5s / 16.1s"))
        #expect(annaLine.contains("50% / 58%"))
        #expect(annaLine.contains("0.50s / 0.90s"))
        #expect(annaLine.contains("33% (1/3)"))
        #expect(annaLine.contains("67% (2/3)"))
        #expect(text.hasPrefix("Report: 6 calls, 3 agents; all stored sessions"))
        #expect(text.contains("      - answered after 4 rings"))
        let bertLine = text.split(separator: "\n").first { $0.hasPrefix("bert") }.map(String.init) ?? ""
        #expect(bertLine.contains("n/a"))
    }

    @Test func emptyReportSaysSo() {
        let text = ReportTextRenderer.render(Report(summaries: [], limits: AlertLimits()), period: "agent zoe", width: 80)
        #expect(text.contains("No stored sessions match."))
    }
}

@Suite struct ReportTableTests {
    let columns: [TableRenderer.Column] = [
        .init("ID", priority: 100),
        .init("NOTE", shrinkable: true, minWidth: 6, priority: 50),
        .init("N", alignment: .right, priority: 10),
    ]
    let rows = [["abc", "a rather long note here", "7"], ["de", "short", "12"]]

    @Test func fullWidthPadsAndAlignsColumns() {
        let text = TableRenderer.render(columns: columns, rows: rows, width: 200)
        #expect(text == """
        ID   NOTE                      N
        abc  a rather long note here   7
        de   short                    12
        """)
    }

    @Test(arguments: [40, 30, 20, 14, 8])
    func neverWiderThanTheTerminal(width: Int) {
        let text = TableRenderer.render(columns: columns, rows: rows, width: width)
        for line in text.split(separator: "\n") {
            #expect(line.count <= max(width, 3), "'\(line)' is wider than \(width)")
        }
        #expect(text.hasPrefix("ID"))
    }

    @Test func shrinksFreeTextBeforeDroppingColumns() {
        // Natural width 3 + 2 + 23 + 2 + 2 = 32; at 20 the note is cut to 20 - 9 = 11.
        let text = TableRenderer.render(columns: columns, rows: rows, width: 20)
        #expect(text.contains("a rather l…"))
        #expect(text.split(separator: "\n")[0].hasSuffix("N"))
        // At 10, the note is at its minimum (6) and still too wide: the lowest priority (N) goes.
        let narrow = TableRenderer.render(columns: columns, rows: rows, width: 11)
        #expect(narrow.split(separator: "\n")[0] == "ID   NOTE")
        #expect(narrow.contains("a rat…"))
    }

    @Test func sessionListHasOneLinePerSessionAndShortIDs() {
        let text = TableRenderer.sessions(ReportFixture.calls, width: 500)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1 + ReportFixture.calls.count)
        #expect(lines[2].hasPrefix("a2 "))
        #expect(lines[2].contains("rings,dead_air"))
        // A mono headset call: interruptions unknown.
        let csv = TableRenderer.sessionsCSV(ReportFixture.calls).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(csv[0].hasPrefix("session_id,agent,started_at,duration_s,rings"))
        #expect(csv[2] == "a2,anna,2026-11-03T09:00:00Z,100,4,17,true,0.6,1,1,0.7,rings;dead_air,calls/a2.wav")
        #expect(csv[5] == "b1,bert,2026-11-03T09:00:00Z,100,,,,,0,,0.7,,calls/b1.wav")
    }
}
