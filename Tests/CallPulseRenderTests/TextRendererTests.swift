import CallPulseCore
import Testing
@testable import CallPulseRender

/// The text report of `Fixtures.fullCall` with default limits, written out by hand from the
/// fixture's figures and the layout documented in `TextRenderer` (label column 20 wide after
/// a 2-space indent, seconds right-aligned in 10, level columns 12/12/9/10, rule status 16,
/// rule statements padded to the longest, "SNR >= 15 dB per channel").
private let fullCallGolden = """
    Call
      file                Samples/call.wav
      duration            3:03.20  (183.20 s)
      format              wav, pcm16, 8000 Hz, 2 channels
      layout              agent,customer
      session             c0ffee
      agent               anna
      started             2026-11-23T10:00:00Z
      alerts              4 rules BROKEN: rings, dead_air, snr, clipping

    Ring
      rings               4
      first ring          0:00.52
      answered            0:14.10  (13.58 s after the first ring)
      tone                425 Hz, cadence 1.00 / 4.00 s on/off

    Talk
      agent                  61.30 s   37% of the conversation
      customer               80.10 s   48% of the conversation
      overlap                 3.20 s
      silence                25.40 s
      agent share         0.43  [█████████░░░░░░░░░░░]
      greeting latency        0.62 s

    Pauses
      pauses              2  (1 gap, 1 pause)
      dead air            1
        0:50.00 - 0:55.90    5.90 s  customer → customer

    Interruptions
      interruptions       2  (by agent 1, by customer 1)
        0:45.20  by agent     overlap 0.90 s  took the floor
        1:30.00  by customer  overlap 0.50 s  did not take the floor

    Listening
      backchannels        agent 12, customer 3
      turns               41
      longest monologue   agent 22.40 s, customer 31.00 s
      response latency    median 0.41 s, p90 1.20 s  (19 hand-overs)
      switches per min    6.1

    Levels
                                speech       noise      SNR   clipped
      agent                 -22.1 dBFS  -61.3 dBFS  39.2 dB    0.000%
      customer              -25.4 dBFS  -38.0 dBFS  12.6 dB    0.120%

    Rules
      ✘ BROKEN        answer within 3 rings     answered after 4 rings
      ✔ kept          agent share <= 0.65       agent share 0.43
      ✘ BROKEN        no dead air               5.9 s of dead air at 0:50.00
      ✔ kept          greeting latency <= 3 s   agent greeted after 0.62 s
      ✔ kept          agent interruptions < 2   agent interrupted 1 time
      ✘ BROKEN        SNR >= 15 dB per channel  customer channel is noisy: SNR 12.6 dB
      ✘ BROKEN        clipping <= 0.1%          customer channel clips 0.120% of samples
      ✔ kept          agent monologue <= 90 s   longest 22.40 s
    """

private func lines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

/// The lines of the "Rules" block.
private func ruleLines(_ text: String) -> [String] {
    let all = lines(text)
    guard let start = all.firstIndex(where: { strippingANSI($0) == "Rules" }) else { return [] }
    return Array(all[(start + 1)...])
}

@Suite struct TextRendererTests {
    @Test func plainTextMatchesTheGolden() {
        let text = TextRenderer.render(Fixtures.fullCall, limits: AlertLimits(), color: false)
        #expect(text == fullCallGolden)
        // Line by line as well, so that a failure names the line.
        for (got, want) in zip(lines(text), lines(fullCallGolden)) {
            #expect(got == want)
        }
        #expect(!text.contains("\u{1B}"))
    }

    @Test func colourOnlyAddsEscapeCodes() {
        let colored = TextRenderer.render(Fixtures.fullCall, limits: AlertLimits(), color: true)
        #expect(colored != fullCallGolden)
        #expect(strippingANSI(colored) == fullCallGolden)
    }

    @Test func brokenRulesAreBoldRedAndKeptRulesGreen() {
        let colored = TextRenderer.render(Fixtures.fullCall, limits: AlertLimits(), color: true)
        let rules = ruleLines(colored)
        #expect(rules.count == Alert.Rule.allCases.count)
        for line in rules {
            if strippingANSI(line).contains("BROKEN") {
                #expect(line.hasPrefix("\u{1B}[1;31m"), "broken rule not bold red: \(line)")
                #expect(line.hasSuffix("\u{1B}[0m"))
            } else {
                #expect(line.contains("\u{1B}[32m✔ kept"), "kept rule not green: \(line)")
                #expect(!line.contains("\u{1B}[1;31m"))
            }
        }
        #expect(colored.contains("\u{1B}[1;31m  alerts              4 rules BROKEN"))
        #expect(colored.hasPrefix("\u{1B}[1mCall\u{1B}[0m\n"))
    }

    /// Each rule line says kept or BROKEN exactly as `summary.alerts` says, whatever the figures.
    @Test(arguments: Alert.Rule.allCases)
    func aRuleLineIsBrokenExactlyWhenItsAlertIsPresent(rule: Alert.Rule) throws {
        var summary = Fixtures.fullCall
        summary.alerts = [Alert(rule: rule, value: 1, limit: 0, message: "made-up message for \(rule.rawValue)")]
        let rules = ruleLines(TextRenderer.render(summary, limits: AlertLimits(), color: false))
        let index = try #require(Alert.Rule.allCases.firstIndex(of: rule))
        #expect(rules[index].hasPrefix("  ✘ BROKEN"))
        #expect(rules[index].hasSuffix("made-up message for \(rule.rawValue)"))
        for (other, line) in rules.enumerated() where other != index {
            #expect(!line.contains("BROKEN"), "\(line)")
        }
    }

    @Test func rulesAreStatedFromTheLimitsPassedIn() {
        var limits = AlertLimits()
        limits.maxRings = 2
        limits.maxAgentShare = 0.6
        limits.maxGreetingLatencyS = 2.5
        limits.maxAgentInterruptions = 3
        limits.minSNRdB = 20
        limits.maxClippedRatio = 0.0005
        limits.maxAgentMonologueS = 60
        let rules = ruleLines(TextRenderer.render(Fixtures.fullCall, limits: limits, color: false)).joined(separator: "\n")
        for statement in [
            "answer within 2 rings", "agent share <= 0.6 ", "greeting latency <= 2.5 s", "agent interruptions < 3",
            "SNR >= 20 dB per channel", "clipping <= 0.05%", "agent monologue <= 60 s",
        ] {
            #expect(rules.contains(statement), "missing \(statement)")
        }
    }

    @Test func statementsAndDetailsAlignInColumns() {
        let rules = ruleLines(TextRenderer.render(Fixtures.fullCall, limits: AlertLimits(), color: false))
        let statementStart = 2 + 16
        let statements = RuleReport.reports(for: Fixtures.fullCall, limits: AlertLimits()).map(\.statement)
        let detailStart = statementStart + statements.map(\.count).max()! + 2
        for (line, statement) in zip(rules, statements) {
            let characters = Array(line)
            #expect(String(characters[statementStart..<(statementStart + statement.count)]) == statement)
            #expect(characters[detailStart - 1] == " " && characters[detailStart] != " ", "\(line)")
        }
    }

    @Test func unknownFiguresPrintAsNotAvailable() {
        let text = TextRenderer.render(Fixtures.sparseCall, limits: AlertLimits(), color: false)
        let all = lines(text)
        for expected in [
            "  agent               n/a",
            "  started             n/a",
            "  alerts              none",
            "  rings               no ringing heard",
            "  agent                  40.00 s   80% of the conversation",
            "  customer                   n/a   n/a of the conversation",
            "  overlap                    n/a",
            "  agent share         n/a",
            "  greeting latency           n/a",
            "  dead air            none",
            "  interruptions       n/a",
            "  backchannels        agent n/a, customer n/a",
            "  longest monologue   agent n/a, customer n/a",
            "  response latency    median n/a, p90 n/a  (0 hand-overs)",
            "  switches per min    n/a",
            "  agent" + String(repeating: " ", count: 15 + 9) + "n/a  -60.0 dBFS      n/a    0.000%",
        ] {
            #expect(all.contains(expected), "missing line: \(expected)")
        }
        let rules = ruleLines(text)
        #expect(rules == [
            "  ✔ kept          answer within 3 rings     no ringing heard",
            "  ? not measured  agent share <= 0.65",
            "  ✔ kept          no dead air               none heard",
            "  ? not measured  greeting latency <= 3 s",
            "  ? not measured  agent interruptions < 2",
            "  ? not measured  SNR >= 15 dB per channel",
            "  ✔ kept          clipping <= 0.1%          agent 0.000%",
            "  ? not measured  agent monologue <= 90 s",
        ])
        // No line ends in spaces (golden files and diffs stay clean).
        for line in all {
            #expect(line.last != " ", "trailing space: \(line)")
        }
    }

    @Test func abandonedCallSaysSo() {
        let all = lines(TextRenderer.render(Fixtures.abandonedCall, limits: AlertLimits(), color: false))
        #expect(all.contains("  rings               2"))
        #expect(all.contains("  first ring          0:01.00"))
        #expect(all.contains("  answered            no: abandoned while ringing"))
        #expect(all.contains("  tone                440+480 Hz, cadence 2.00 / 4.00 s on/off"))
        #expect(all.contains("  ✔ kept          answer within 3 rings     2 rings, not answered"))
    }

    @Test(arguments: [(0.0, 0), (0.43, 9), (0.5, 10), (1.0, 20), (0.024, 0), (0.026, 1)])
    func shareBarFillsOneCellPerFivePercent(share: Double, filledCells: Int) {
        let text = TextRenderer.shareText(share)
        #expect(text.filter { $0 == "█" }.count == filledCells)
        #expect(text.filter { $0 == "░" }.count == 20 - filledCells)
    }
}
