import Testing
@testable import CallPulseCore

/// SPEC "Alerts": every figure exactly at its default limit raises nothing (the agent's
/// interruptions excepted: 2 or more alert); just past it raises one alert.
struct AlertRulesTests {
    /// A call with every figure exactly at its default limit.
    static func atLimits() -> Summary {
        Summary(
            source: Summary.Source(kind: "wav", path: "call.wav", sampleRateHz: 8000, channels: 2, format: "pcm16", layout: .agentCustomer),
            session: Summary.Session(id: "x", agent: nil, startedAt: nil, durationS: 120),
            ring: RingSummary(rings: 3, firstRingS: 0.5, answeredS: 12, ringToAnswerS: 11.5, answered: true, toneHz: [425], onOffS: [1, 4]),
            talk: Summary.Talk(agentS: 65, customerS: 35, overlapS: 1, silenceS: 10, agentShare: 0.65, agentPct: 0.59, customerPct: 0.32),
            greetingLatencyS: 3.0,
            pauses: [Pause(startFrame: 2000, endFrame: 2499, kind: .gap, before: .agent, after: .customer, deadAir: false)],
            interruptions: [
                Interruption(atFrame: 3000, by: .agent, overlapFrames: 60, takenFloor: true),
                Interruption(atFrame: 4000, by: .customer, overlapFrames: 60, takenFloor: false),
                Interruption(atFrame: 5000, by: .customer, overlapFrames: 60, takenFloor: false),
            ],
            backchannels: Summary.Backchannels(agent: 3, customer: 2),
            turns: Summary.Turns(count: 10, agentLongestMonologueS: 90, customerLongestMonologueS: 20),
            responseLatency: Summary.ResponseLatency(medianS: 0.4, p90S: 1, count: 4),
            switchesPerMin: 5,
            levels: [
                ChannelLevels(party: .agent, speechDbfs: -20, noiseDbfs: -35, snrDb: 15, clippedRatio: 0.001),
                ChannelLevels(party: .customer, speechDbfs: -25, noiseDbfs: -40, snrDb: 15, clippedRatio: 0),
            ],
            segments: [],
            alerts: []
        )
    }

    static func evaluate(_ change: (inout Summary) -> Void) -> [Alert] {
        var summary = atLimits()
        change(&summary)
        return AlertRules.evaluate(summary, limits: AlertLimits())
    }

    @Test func nothingAtTheLimits() {
        #expect(AlertRules.evaluate(Self.atLimits(), limits: AlertLimits()).isEmpty)
    }

    @Test func unknownFiguresNeverAlert() {
        let alerts = Self.evaluate {
            $0.ring = nil
            $0.talk.agentShare = nil
            $0.greetingLatencyS = nil
            $0.turns.agentLongestMonologueS = nil
            $0.levels[0].snrDb = nil
        }
        #expect(alerts.isEmpty)
    }

    @Test func fourRings() {
        let alerts = Self.evaluate { $0.ring?.rings = 4 }
        #expect(alerts == [Alert(rule: .rings, value: 4, limit: 3, message: "answered after 4 rings: answer within 3")])
    }

    @Test func abandonedAfterRings() {
        let alerts = Self.evaluate {
            $0.ring = RingSummary(rings: 5, firstRingS: 0.5, answeredS: nil, ringToAnswerS: nil, answered: false, toneHz: [425], onOffS: [1, 4])
        }
        #expect(alerts.map(\.rule) == [.rings])
        #expect(alerts.first?.message == "caller hung up after 5 rings: answer within 3")
    }

    @Test func agentShare() {
        let alerts = Self.evaluate { $0.talk.agentShare = 0.72 }
        #expect(alerts == [Alert(rule: .agentShare, value: 0.72, limit: 0.65, message: "agent talked 72% of the time: listen more")])
        #expect(Self.evaluate { $0.talk.agentShare = 0.66 }.map(\.rule) == [.agentShare])
    }

    @Test func deadAirIsOneAlertNamingTheCount() {
        let alerts = Self.evaluate {
            $0.pauses += [
                Pause(startFrame: 3000, endFrame: 3500, kind: .gap, before: .customer, after: .agent, deadAir: true),
                Pause(startFrame: 6000, endFrame: 6740, kind: .pause, before: .agent, after: .agent, deadAir: true),
            ]
        }
        #expect(alerts.count == 1)
        #expect(alerts.first?.rule == .deadAir)
        #expect(alerts.first?.value == 2)
        #expect(alerts.first?.message.hasPrefix("2 dead-air silences (longest 7.4 s)") == true)
    }

    @Test func greetingLatency() {
        let alerts = Self.evaluate { $0.greetingLatencyS = 3.01 }
        #expect(alerts.map(\.rule) == [.greetingLatency])
        #expect(alerts.first?.value == 3.01)
        #expect(alerts.first?.message == "agent greeted 3.01 s after the answer: greet within 3 s")
    }

    @Test(arguments: [(1, false), (2, true), (3, true)])
    func agentInterruptionsAlertAtTheLimit(count: Int, alerts: Bool) {
        let raised = Self.evaluate {
            $0.interruptions = (0..<count).map { Interruption(atFrame: 1000 * $0, by: .agent, overlapFrames: 60, takenFloor: false) }
                + [Interruption(atFrame: 9000, by: .customer, overlapFrames: 60, takenFloor: true)]
        }
        #expect(raised.map(\.rule) == (alerts ? [.agentInterruptions] : []))
        if alerts {
            #expect(raised.first?.value == Double(count))
            #expect(raised.first?.message == "agent interrupted the customer \(count) times: let them finish")
        }
    }

    @Test func customerInterruptionsDoNotCount() {
        let alerts = Self.evaluate {
            $0.interruptions = (0..<4).map { Interruption(atFrame: 1000 * $0, by: .customer, overlapFrames: 60, takenFloor: false) }
        }
        #expect(alerts.isEmpty)
    }

    @Test func lowSNRIsOneAlertPerChannelNamingTheParty() {
        let alerts = Self.evaluate {
            $0.levels[0].snrDb = 12.3
            $0.levels[1].snrDb = 14.99
        }
        #expect(alerts.map(\.rule) == [.snr, .snr])
        #expect(alerts.map(\.value) == [12.3, 14.99])
        #expect(alerts[0].message.hasPrefix("agent's channel is noisy: SNR 12.3 dB"))
        #expect(alerts[1].message.hasPrefix("customer's channel is noisy: SNR 14.99 dB"))
    }

    @Test func clippingPerChannel() {
        let alerts = Self.evaluate { $0.levels[1].clippedRatio = 0.0015 }
        #expect(alerts.map(\.rule) == [.clipping])
        #expect(alerts.first?.message.hasPrefix("customer's channel clips on 0.15% of samples") == true)
    }

    @Test func agentMonologue() {
        let alerts = Self.evaluate {
            $0.turns.agentLongestMonologueS = 95
            $0.turns.customerLongestMonologueS = 200
        }
        #expect(alerts.map(\.rule) == [.monologue])
        #expect(alerts.first?.value == 95)
        #expect(alerts.first?.message.hasPrefix("agent spoke 95 s without a break") == true)
    }

    @Test func alertsComeInRuleOrder() {
        let alerts = Self.evaluate {
            $0.turns.agentLongestMonologueS = 120
            $0.ring?.rings = 6
            $0.levels[0].clippedRatio = 0.01
            $0.talk.agentShare = 0.8
        }
        #expect(alerts.map(\.rule) == [.rings, .agentShare, .clipping, .monologue])
    }

    @Test func configuredLimitsAreUsed() {
        var limits = AlertLimits()
        limits.maxRings = 1
        limits.minSNRdB = 20
        let alerts = AlertRules.evaluate(Self.atLimits(), limits: limits)
        #expect(alerts.map(\.rule) == [.rings, .snr, .snr])
        #expect(alerts.first?.message == "answered after 3 rings: answer within 1")
    }

    @Test func oneDescriptionPerRule() {
        let rules = AlertRules.rules(limits: AlertLimits())
        #expect(rules.map(\.rule) == Alert.Rule.allCases)
        #expect(rules.first?.description == "answer within 3 rings")
        #expect(rules[1].description.hasPrefix("agent talks at most 65%"))
    }

    @Test(arguments: [(3.4, "3.4"), (15.0, "15"), (0.15, "0.15"), (7.399999, "7.4"), (-2.5, "-2.5"), (0.004, "0")])
    func decimalWording(value: Double, text: String) {
        #expect(AlertRules.decimal(value) == text)
    }

    @Test func percentWording() {
        #expect(AlertRules.percent(0.72) == "72%")
        #expect(AlertRules.percent(0.0015, decimals: 2) == "0.15%")
        #expect(AlertRules.percent(0.001, decimals: 2) == "0.1%")
    }
}
