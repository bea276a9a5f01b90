import CallPulseCore
import Testing

/// `sessions show` words a stored call's rules by the limits it was judged by, read back from
/// its alerts (AlertLimits(judging:), in Core since the clean-up of the CLI).
@Suite struct AlertLimitsTests {
    @Test func limitsComeFromTheAlertsTheSummaryHolds() {
        let alerts = [
            Alert(rule: .rings, value: 6, limit: 5, message: "answered after 6 rings"),
            Alert(rule: .agentShare, value: 0.8, limit: 0.7, message: "agent talked 80 %"),
            Alert(rule: .greetingLatency, value: 4, limit: 2.5, message: "greeted after 4 s"),
            Alert(rule: .agentInterruptions, value: 9, limit: 7, message: "9 interruptions"),
            Alert(rule: .snr, value: 8, limit: 12, message: "SNR 8 dB"),
            Alert(rule: .clipping, value: 0.02, limit: 0.005, message: "clipped"),
            Alert(rule: .monologue, value: 90, limit: 75, message: "monologue 90 s"),
        ]
        let limits = AlertLimits(judging: StoreFixtures.summary(id: "limits", agent: "anna", startedAt: nil, alerts: alerts))
        #expect(limits.maxRings == 5)
        #expect(limits.maxAgentShare == 0.7)
        #expect(limits.maxGreetingLatencyS == 2.5)
        #expect(limits.maxAgentInterruptions == 7)
        #expect(limits.minSNRdB == 12)
        #expect(limits.maxClippedRatio == 0.005)
        #expect(limits.maxAgentMonologueS == 75)
    }

    @Test func rulesThatDidNotFireKeepTheirDefaults() {
        let limits = AlertLimits(judging: StoreFixtures.summary(id: "limits", agent: "anna", startedAt: nil, alerts: [StoreFixtures.ringsAlert]))
        let defaults = AlertLimits()
        #expect(limits.maxRings == 3)
        #expect(limits.maxAgentShare == defaults.maxAgentShare)
        #expect(limits.maxGreetingLatencyS == defaults.maxGreetingLatencyS)
        #expect(limits.minSNRdB == defaults.minSNRdB)
    }
}
