import CallPulseCore
import Foundation
import Testing
@testable import CallPulseRender

/// The live view against golden frames (LiveViewGolden/*.txt) of one hand-built state, and
/// the layout rules that make it flicker-free: every frame is exactly the screen's size.
/// Regenerate the goldens after an intended change with CALLPULSE_UPDATE_GOLDEN=1, then
/// read the diff.
@Suite struct LiveViewRendererTests {
    /// 3:12 into a call: the agent is talking, the customer quiet; figures and alerts from
    /// `Fixtures.fullCall`, one capture gap.
    static let state = LiveViewState(
        elapsedS: 192.4,
        deviceLabel: "plughw:CARD=Headset,DEV=0 (16000 Hz, 2 ch, agent,customer)",
        agentName: "anna",
        activity: .talking([.agent]),
        meters: [
            .init(party: .agent, levelDbfs: -23, noiseFloorDbfs: -62, speaking: true),
            .init(party: .customer, levelDbfs: -55, noiseFloorDbfs: -41, speaking: false),
        ],
        summary: Fixtures.fullCall,
        recentEvents: [
            "0:20.10  gap 1.5 s agent → customer (at 0:20.10)",
            "0:47.10  agent interrupted (overlap 0.9 s, took the floor)",
            "0:55.90  dead air 5.9 s customer → customer (at 0:50.00)",
        ],
        gapCount: 1,
        recordingPath: nil,
        deadAirMinS: 5
    )

    static func goldenPath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("LiveViewGolden/\(name)").path
    }

    @Test("the frame matches its golden", arguments: [(80, 24), (120, 40)])
    func golden(columns: Int, rows: Int) throws {
        let frame = LiveViewRenderer.render(Self.state, columns: columns, rows: rows, color: false).joined(separator: "\n") + "\n"
        let path = Self.goldenPath("live-\(columns)x\(rows).txt")
        if ProcessInfo.processInfo.environment["CALLPULSE_UPDATE_GOLDEN"] != nil {
            try frame.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOfFile: path, encoding: .utf8)
        for (index, (got, want)) in zip(frame.split(separator: "\n", omittingEmptySubsequences: false), golden.split(separator: "\n", omittingEmptySubsequences: false)).enumerated() {
            #expect(got == want, "line \(index + 1)")
        }
        #expect(frame == golden)
    }

    @Test("every frame is exactly rows × columns, whatever the size", arguments: [(40, 12), (60, 15), (80, 24), (100, 30), (120, 40), (200, 60), (20, 5), (39, 30)])
    func exactSize(columns: Int, rows: Int) {
        for color in [false, true] {
            let lines = LiveViewRenderer.render(Self.state, columns: columns, rows: rows, color: color)
            #expect(lines.count == rows)
            for line in lines { #expect(strippingANSI(line).count == columns, "\(line)") }
        }
    }

    @Test("colour only adds escape codes; NO_COLOR (color: false) has none")
    func color() {
        let plain = LiveViewRenderer.render(Self.state, columns: 80, rows: 24, color: false)
        let colored = LiveViewRenderer.render(Self.state, columns: 80, rows: 24, color: true)
        #expect(plain.allSatisfy { !$0.contains("\u{1B}") })
        #expect(colored.contains { $0.contains("\u{1B}[") })
        #expect(colored.map(strippingANSI) == plain)
    }

    @Test("the meter lights -70…0 dBFS linearly and marks the noise floor")
    func meter() throws {
        let lines = LiveViewRenderer.render(Self.state, columns: 80, rows: 24, color: false)
        let agent = try #require(lines.first { $0.hasPrefix(" agent") })
        let bar = agent.filter { "█░|".contains($0) }
        let width = bar.count
        // -23 dBFS lights 47/70 of the bar; the floor, -62 dBFS, sits 8/70 along it.
        let lit = Int((47.0 / 70.0 * Double(width)).rounded())
        let floorCell = Int((8.0 / 70.0 * Double(width)).rounded())
        let cells = Array(bar)
        #expect(cells[floorCell] == "|")
        #expect(cells.filter { $0 == "█" }.count == lit - 1)  // one lit cell shows the floor mark
        #expect(cells[lit - 1] == "█" && cells[lit] == "░")
        #expect(agent.contains("-23 dBFS") && agent.contains("floor -62"))
        #expect(agent.contains(" * "))  // speaking
        let customer = try #require(lines.first { $0.hasPrefix(" customer") })
        #expect(!customer.contains(" * "))
    }

    @Test("the state line", arguments: [
        (LiveViewState.Activity.ringing(rings: 2), "RINGING 2"),
        (.talking([.agent]), "AGENT TALKING"),
        (.talking([.customer]), "CUSTOMER TALKING"),
        (.talking([.agent, .customer]), "BOTH TALKING"),
        (.silence(seconds: 3.2), "SILENCE 3.2 s"),
        (.silence(seconds: 4.99), "SILENCE 5.0 s"),
        (.silence(seconds: 5.0), "SILENCE 5.0 s  DEAD AIR"),
    ])
    func stateLine(activity: LiveViewState.Activity, text: String) throws {
        var state = Self.state
        state.activity = activity
        let line = try #require(LiveViewRenderer.render(state, columns: 80, rows: 24, color: false).first { $0.hasPrefix(" NOW") })
        #expect(line.trimmingCharacters(in: .whitespaces) == "NOW  " + text)
    }

    @Test("talk share, pauses, dead air, interruptions, backchannels and alerts are shown")
    func figures() {
        let text = LiveViewRenderer.render(Self.state, columns: 120, rows: 40, color: false).joined(separator: "\n")
        #expect(text.contains("agent 43% · customer 57%"))
        #expect(text.contains("Pauses        2 (longest 5.9 s)   dead air 1"))
        #expect(text.contains("agent 1 · customer 1"))
        #expect(text.contains("agent 12 · customer 3"))
        for alert in Fixtures.fullCall.alerts { #expect(text.contains("✘ " + alert.message)) }
        #expect(text.contains("0:47.10  agent interrupted"))
        #expect(text.contains("gaps 1"))
        #expect(text.contains("0:03:12"))
    }

    @Test("on a short screen the newest events and the footer stay")
    func shortScreen() {
        let lines = LiveViewRenderer.render(Self.state, columns: 80, rows: 12, color: false)
        #expect(lines.last?.hasPrefix(" Ctrl-C ends the call") == true)
        #expect(lines[2].hasPrefix(" NOW"))
    }
}
