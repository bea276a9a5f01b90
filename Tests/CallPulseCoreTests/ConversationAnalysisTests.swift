import Testing
@testable import CallPulseCore

/// SPEC "Definitions" and "Edge cases" on hand-placed segments. Every expected figure is
/// worked out from the placed times in the comment beside it.
struct ConversationAnalysisTests {
    static func agent(_ startS: Double, _ endS: Double) -> Segment { Segment(party: .agent, startS: startS, endS: endS) }
    static func customer(_ startS: Double, _ endS: Double) -> Segment { Segment(party: .customer, startS: startS, endS: endS) }
    static func mixed(_ startS: Double, _ endS: Double) -> Segment { Segment(party: .mixed, startS: startS, endS: endS) }

    static func analyze(
        _ segments: [Segment], windowStartS: Double = 0, layout: ChannelLayout = .agentCustomer,
        answered: Bool = true, config: ConversationConfig = ConversationConfig()
    ) -> ConversationFigures {
        ConversationAnalysis.analyze(
            segments: segments, windowStartFrame: FrameClock.frames(windowStartS), layout: layout,
            answered: answered, config: config)
    }

    // MARK: - A whole small call

    @Test func smallCallAllFigures() {
        // agent 1–5, customer 4–8 (interrupts at 4 with 1 s overlap, agent stops at 5), agent 9–10.
        let figures = Self.analyze([Self.agent(9, 10), Self.customer(4, 8), Self.agent(1, 5)])
        // Window 0–10 s. Agent 4 + 1 = 5 s, customer 4 s, both 4–5 = 1 s; speech 1–8 and 9–10 = 8 s.
        #expect(figures.talk == Summary.Talk(
            agentS: 5, customerS: 4, overlapS: 1, silenceS: 2,
            agentShare: 0.56, agentPct: 0.5, customerPct: 0.4))  // 5/9 = 0.555…
        #expect(figures.greetingLatencyS == 1.0)
        // 0–1 precedes all speech (not a pause); 8–9 is a 1.0 s hand-over customer → agent.
        #expect(figures.pauses == [Pause(startFrame: 800, endFrame: 900, kind: .gap, before: .customer, after: .agent, deadAir: false)])
        // Customer onset 4.0: agent held 3 s, agent's last 0.5 s starts at 4.5, overlap 4–5;
        // agent stops 1 s after the onset and the customer goes on: the floor is taken.
        #expect(figures.interruptions == [Interruption(atFrame: 400, by: .customer, overlapFrames: 100, takenFloor: true)])
        #expect(figures.backchannels == Summary.Backchannels(agent: 0, customer: 0))
        // Turns agent 1–5, customer 4–8, agent 9–10.
        #expect(figures.turns == Summary.Turns(count: 3, agentLongestMonologueS: 4, customerLongestMonologueS: 4))
        // One customer → agent hand-over: 9.0 - 8.0.
        #expect(figures.responseLatency == Summary.ResponseLatency(medianS: 1, p90S: 1, count: 1))
        // 2 floor changes in 10 s.
        #expect(figures.switchesPerMin == 12)
    }

    // MARK: - Talk and silence

    @Test func silenceBeforeFirstSpeechCountsButIsNoPause() {
        let figures = Self.analyze([Self.agent(3, 5), Self.customer(6, 8)])
        // Silence 0–3 and 5–6; only 5–6 is a pause.
        #expect(figures.talk.silenceS == 4)
        #expect(figures.pauses.map(\.startS) == [5])
        #expect(figures.pauses.first?.kind == .gap)
        #expect(figures.greetingLatencyS == 3)
    }

    @Test func sameFrameHandOverHasNoSilence() {
        let figures = Self.analyze([Self.customer(0, 2), Self.agent(2, 4)])
        #expect(figures.talk.silenceS == 0)
        #expect(figures.talk.overlapS == 0)
        #expect(figures.pauses.isEmpty)
        #expect(figures.interruptions.isEmpty)
        #expect(figures.turns.count == 2)
        // Agent onset 2.0 - customer end 2.0.
        #expect(figures.responseLatency == Summary.ResponseLatency(medianS: 0, p90S: 0, count: 1))
        // 1 change in 4 s.
        #expect(figures.switchesPerMin == 15)
    }

    @Test func noAgentSpeechHasNoGreetingLatency() {
        let figures = Self.analyze([Self.customer(1, 3)])
        #expect(figures.greetingLatencyS == nil)
        #expect(figures.talk.agentShare == 0)
        #expect(figures.turns == Summary.Turns(count: 1, agentLongestMonologueS: nil, customerLongestMonologueS: 2))
    }

    @Test func emptyCallHasNoRatios() {
        let figures = Self.analyze([])
        #expect(figures.talk == Summary.Talk(
            agentS: 0, customerS: 0, overlapS: 0, silenceS: 0, agentShare: nil, agentPct: nil, customerPct: nil))
        #expect(figures.switchesPerMin == nil)
        #expect(figures.turns.count == 0)
    }

    // MARK: - Window

    @Test func speechBeforeTheAnswerIsIgnored() {
        // Answered at 2.0: customer 0.5–1.5 is ringing-time speech, agent 1.5–3 counts from 2.0.
        let figures = Self.analyze(
            [Self.customer(0.5, 1.5), Self.agent(1.5, 3), Self.customer(4, 6)], windowStartS: 2)
        // Window 2–6 = 4 s: agent 1 s, customer 2 s, silence 3–4.
        #expect(figures.talk == Summary.Talk(
            agentS: 1, customerS: 2, overlapS: 0, silenceS: 1, agentShare: 0.33, agentPct: 0.25, customerPct: 0.5))
        #expect(figures.greetingLatencyS == 0)
        #expect(figures.pauses == [Pause(startFrame: 300, endFrame: 400, kind: .gap, before: .agent, after: .customer, deadAir: false)])
        #expect(figures.turns.count == 2)
    }

    @Test func greetingLatencyCountsFromTheAnswer() {
        let figures = Self.analyze([Self.customer(0.5, 1.5), Self.agent(3.25, 4)], windowStartS: 2)
        #expect(figures.greetingLatencyS == 1.25)
        #expect(figures.talk.customerS == 0)
        #expect(figures.talk.silenceS == 1.25)
    }

    // MARK: - Pauses

    @Test(arguments: [(2.99, false), (3.0, true)])
    func pauseMinimum(customerOnsetS: Double, isPause: Bool) {
        // Agent stops at 2.0: a 0.99 s silence is no pause, 1.00 s is.
        let figures = Self.analyze([Self.agent(0, 2), Self.customer(customerOnsetS, 5)])
        #expect(figures.pauses.count == (isPause ? 1 : 0))
        #expect(figures.talk.silenceS == roundedToHundredths(customerOnsetS - 2))
    }

    @Test(arguments: [(6.99, false), (7.0, true)])
    func deadAirMinimum(customerOnsetS: Double, deadAir: Bool) {
        // Agent stops at 2.0: 4.99 s vs 5.00 s of silence.
        let figures = Self.analyze([Self.agent(0, 2), Self.customer(customerOnsetS, 9)])
        #expect(figures.pauses == [Pause(
            startFrame: 200, endFrame: FrameClock.frames(customerOnsetS), kind: .gap,
            before: .agent, after: .customer, deadAir: deadAir)])
    }

    @Test func pauseKindsAndParties() {
        // agent 0–2, pause, agent 3–4, gap, customer 5.5–7, gap, agent 8–9, pause, agent 10–11.
        let figures = Self.analyze([
            Self.agent(0, 2), Self.agent(3, 4), Self.customer(5.5, 7), Self.agent(8, 9), Self.agent(10, 11),
        ])
        #expect(figures.pauses.map(\.kind) == [.pause, .gap, .gap, .pause])
        #expect(figures.pauses.map(\.before) == [.agent, .agent, .customer, .agent])
        #expect(figures.pauses.map(\.after) == [.agent, .customer, .agent, .agent])
        #expect(figures.pauses.map(\.durationS) == [1, 1.5, 1, 1])
    }

    @Test func lastSpeakerIsTheFloorHolderWhenBothStopTogether() {
        // Customer "mm" 2.5–3.0 inside agent 0–3 (a backchannel) ends with the agent.
        let figures = Self.analyze([Self.agent(0, 3), Self.customer(2.5, 3), Self.customer(4, 6)])
        #expect(figures.backchannels.customer == 1)
        #expect(figures.pauses.map(\.before) == [.agent])
        #expect(figures.pauses.map(\.kind) == [.gap])
    }

    // MARK: - Backchannels

    @Test(arguments: [(0.99, true), (1.0, false)])
    func backchannelLength(lengthS: Double, isBackchannel: Bool) {
        // Customer starts at 2.0 inside agent 0–5 and ends before the agent does.
        let figures = Self.analyze([Self.agent(0, 5), Self.customer(2, 2 + lengthS)])
        #expect(figures.backchannels == Summary.Backchannels(agent: 0, customer: isBackchannel ? 1 : 0))
        if isBackchannel {
            #expect(figures.interruptions.isEmpty)
            #expect(figures.turns == Summary.Turns(count: 1, agentLongestMonologueS: 5, customerLongestMonologueS: nil))
        } else {
            // 1.00 s: agent held 2 s, onset well before the agent's last 0.5 s, overlap 2–3 = 1 s;
            // the agent goes on until 5, 3 s after the onset: floor not taken.
            #expect(figures.interruptions == [Interruption(atFrame: 200, by: .customer, overlapFrames: 100, takenFloor: false)])
            #expect(figures.turns.count == 2)
        }
    }

    @Test func backchannelMustEndWhileTheOtherSpeaks() {
        // Customer 2.5–3.2 (0.7 s) starts inside agent 0–3 but its last frame 3.19 is after the agent stopped.
        let figures = Self.analyze([Self.agent(0, 3), Self.customer(2.5, 3.2)])
        #expect(figures.backchannels.customer == 0)
        // Onset 2.5 is in the agent's last 0.5 s: a smooth hand-over, not an interruption.
        #expect(figures.interruptions.isEmpty)
        #expect(figures.turns.count == 2)
        #expect(figures.talk.overlapS == 0.5)
    }

    @Test func backchannelAcrossTheSpeakersOwnShortPause() {
        // Agent 0–2 and 2.3–5; customer 1.8–2.5: agent speaks at 1.8 and at 2.49.
        let figures = Self.analyze([Self.agent(0, 2), Self.agent(2.3, 5), Self.customer(1.8, 2.5)])
        #expect(figures.backchannels.customer == 1)
        #expect(figures.turns == Summary.Turns(count: 1, agentLongestMonologueS: 5, customerLongestMonologueS: nil))
    }

    @Test func agentBackchannelsAreCounted() {
        let figures = Self.analyze([
            Self.customer(0, 10), Self.agent(2, 2.4), Self.agent(5, 5.5), Self.agent(8, 8.99),
        ])
        #expect(figures.backchannels == Summary.Backchannels(agent: 3, customer: 0))
        #expect(figures.interruptions.isEmpty)
        #expect(figures.turns.count == 1)
        #expect(figures.greetingLatencyS == 2)
    }

    // MARK: - Interruptions

    @Test(arguments: [(0.50, false), (0.51, true)])
    func handOverWindowWithDefaults(onsetBeforeEndS: Double, interrupts: Bool) {
        // Agent 0–3; customer from 3.0 - x to 5. An onset in the agent's last 0.5 s (x = 0.50,
        // overlap 0.50 s) is a smooth hand-over; x = 0.51 gives a 0.51 s overlap: interruption,
        // the agent stops 0.51 s after it and the customer goes on: floor taken.
        let onsetS = 3 - onsetBeforeEndS
        let figures = Self.analyze([Self.agent(0, 3), Self.customer(onsetS, 5)])
        let expected = interrupts
            ? [Interruption(atFrame: FrameClock.frames(onsetS), by: .customer, overlapFrames: 51, takenFloor: true)]
            : []
        #expect(figures.interruptions == expected)
        #expect(figures.talk.overlapS == onsetBeforeEndS)
    }

    @Test(arguments: [(0.49, false), (0.50, true)])
    func minimumOverlap(overlapS: Double, interrupts: Bool) {
        // With the hand-over window shortened to 0.2 s the 0.5 s overlap rule decides alone.
        var config = ConversationConfig()
        config.handOverS = 0.2
        let onsetS = 3 - overlapS
        let figures = Self.analyze([Self.agent(0, 3), Self.customer(onsetS, 5)], config: config)
        #expect(figures.interruptions.count == (interrupts ? 1 : 0))
        #expect(figures.interruptions.first?.overlapS == (interrupts ? overlapS : nil))
    }

    @Test(arguments: [(0.29, false), (0.30, true)])
    func interruptedPartyMustHaveSpokenLongEnough(heldS: Double, interrupts: Bool) {
        // The customer hands over to the agent at 1.0 on the same frame (no silence, so no
        // simultaneous start), then comes back in after `heldS` of agent speech, until 6.
        let onsetS = 1 + heldS
        let figures = Self.analyze([Self.customer(0, 1), Self.agent(1, 5), Self.customer(onsetS, 6)])
        #expect(figures.interruptions.count == (interrupts ? 1 : 0))
        if interrupts {
            // Overlap from the onset to the agent's end at 5; the agent stops 3.7 s later: not taken.
            #expect(figures.interruptions == [Interruption(
                atFrame: FrameClock.frames(onsetS), by: .customer, overlapFrames: 500 - FrameClock.frames(onsetS),
                takenFloor: false)])
        }
    }

    @Test func simultaneousStartAfterSilenceIsNoInterruption() {
        // Both start after the opening silence, 0.1 s apart, and talk over each other for 3.9 s.
        let figures = Self.analyze([Self.agent(1, 5), Self.customer(1.1, 6)])
        #expect(figures.interruptions.isEmpty)
        #expect(figures.talk.overlapS == 3.9)
    }

    @Test(arguments: [(true, false), (false, true)])
    func simultaneousStartNeedsAPrecedingSilence(afterSilence: Bool, interrupts: Bool) {
        // Widened simultaneous-start window (0.5 s) so that it, not the 0.3 s held rule, decides:
        // customer comes in 0.4 s after the agent's onset at 2.0.
        var config = ConversationConfig()
        config.simultaneousStartS = 0.5
        let earlier = afterSilence ? Self.customer(0, 1) : Self.customer(0, 2)
        let figures = Self.analyze([earlier, Self.agent(2, 6), Self.customer(2.4, 7)], config: config)
        #expect(figures.interruptions.count == (interrupts ? 1 : 0))
    }

    @Test(arguments: [(3.0, true), (2.99, false)])
    func takenFloorWithinTwoSeconds(onsetS: Double, taken: Bool) {
        // Agent 0–5; customer from onsetS to 8: the agent stops 2.00 s (taken) or 2.01 s after the onset.
        let figures = Self.analyze([Self.agent(0, 5), Self.customer(onsetS, 8)])
        #expect(figures.interruptions.count == 1)
        #expect(figures.interruptions.first?.takenFloor == taken)
        #expect(figures.interruptions.first?.by == .customer)
    }

    @Test func interrupterThatStopsFirstDoesNotTakeTheFloor() {
        // Agent 0–5; customer 3.0–4.5 (1.5 s, not a backchannel) stops before the agent does.
        let figures = Self.analyze([Self.agent(0, 5), Self.customer(3, 4.5)])
        #expect(figures.interruptions == [Interruption(atFrame: 300, by: .customer, overlapFrames: 150, takenFloor: false)])
    }

    @Test func agentInterruptionsAreAttributedAndOrdered() {
        // Customer 0–4, agent cuts in at 2 until 6; customer 8–12, agent cuts in at 9 until 10.5.
        let figures = Self.analyze([
            Self.customer(0, 4), Self.agent(2, 6), Self.customer(8, 12), Self.agent(9, 10.5),
        ])
        #expect(figures.interruptions == [
            Interruption(atFrame: 200, by: .agent, overlapFrames: 200, takenFloor: true),
            Interruption(atFrame: 900, by: .agent, overlapFrames: 150, takenFloor: false),
        ])
    }

    // MARK: - Turns, response latency, switches

    @Test func turnsJoinOwnPausesAndBackchannels() {
        // Agent 0–3 and 4–8 (own 1 s pause) with a customer "mm" 5–5.5; customer 9–12; agent 12.5–13.
        let figures = Self.analyze([
            Self.agent(0, 3), Self.agent(4, 8), Self.customer(5, 5.5), Self.customer(9, 12), Self.agent(12.5, 13),
        ])
        #expect(figures.backchannels.customer == 1)
        // Turns: agent 0–8, customer 9–12, agent 12.5–13.
        #expect(figures.turns == Summary.Turns(count: 3, agentLongestMonologueS: 8, customerLongestMonologueS: 3))
        #expect(figures.responseLatency == Summary.ResponseLatency(medianS: 0.5, p90S: 0.5, count: 1))
        // 2 changes in 13 s: 2 · 60 / 13 = 9.2307…
        #expect(figures.switchesPerMin == 9.23)
        // Silence 3–4, 8–9, 12–12.5; pauses 3–4 (agent, agent) and 8–9 (agent → customer).
        #expect(figures.talk.silenceS == 2.5)
        #expect(figures.pauses.map(\.kind) == [.pause, .gap])
    }

    @Test func responseLatencyMedianAndP90() {
        // Five customer → agent hand-overs, one every 10 s: customer t…t+3, agent t+3+L…t+5+L.
        // L = -0.2 starts in the customer's last 0.5 s (a hand-over, not an interruption).
        let latenciesS = [0.5, -0.2, 1.0, 0.3, 0.7]
        var segments: [Segment] = []
        for (index, latencyS) in latenciesS.enumerated() {
            let t = Double(index) * 10
            segments.append(Self.customer(t, t + 3))
            segments.append(Self.agent(t + 3 + latencyS, t + 5 + latencyS))
        }
        let figures = Self.analyze(segments)
        #expect(figures.interruptions.isEmpty)
        // Sorted -0.2, 0.3, 0.5, 0.7, 1.0: median 0.5; p90 at rank 3.6: 0.7 + 0.6 · 0.3 = 0.88.
        #expect(figures.responseLatency == Summary.ResponseLatency(medianS: 0.5, p90S: 0.88, count: 5))
        #expect(figures.turns.count == 10)
    }

    @Test func interruptionByTheAgentIsANegativeLatency() {
        // Customer 0–4; agent cuts in at 2.0 (until 6): latency 2.0 - 4.0.
        let figures = Self.analyze([Self.customer(0, 4), Self.agent(2, 6)])
        #expect(figures.responseLatency == Summary.ResponseLatency(medianS: -2, p90S: -2, count: 1))
    }

    @Test func switchesPerMinuteOverAMinute() {
        // Customer/agent alternate for 60 s: c 0–10, a 10–20, c 20–30, a 30–40, c 40–50, a 50–60
        // with a backchannel that must not count as a switch.
        let figures = Self.analyze([
            Self.customer(0, 10), Self.agent(10, 20), Self.customer(20, 30), Self.agent(30, 40),
            Self.customer(40, 50), Self.agent(50, 60), Self.customer(55, 55.5),
        ])
        #expect(figures.switchesPerMin == 5)
        #expect(figures.backchannels.customer == 1)
        #expect(figures.responseLatency == Summary.ResponseLatency(medianS: 0, p90S: 0, count: 3))
    }

    // MARK: - Abandoned calls and layouts

    @Test func abandonedCallHasNoConversation() {
        let figures = Self.analyze([Self.agent(1, 3), Self.customer(4, 9)], windowStartS: 0, answered: false)
        #expect(figures == ConversationFigures(
            talk: Summary.Talk(agentS: 0, customerS: 0, overlapS: 0, silenceS: 0, agentShare: nil, agentPct: nil, customerPct: nil),
            greetingLatencyS: nil, pauses: [], interruptions: [],
            backchannels: Summary.Backchannels(agent: 0, customer: 0),
            turns: Summary.Turns(count: 0, agentLongestMonologueS: nil, customerLongestMonologueS: nil),
            responseLatency: Summary.ResponseLatency(medianS: nil, p90S: nil, count: 0),
            switchesPerMin: nil))
    }

    @Test func customerAgentLayoutGivesTheSameFigures() {
        let segments = [Self.agent(1, 5), Self.customer(4, 8), Self.agent(9, 10)]
        #expect(Self.analyze(segments, layout: .customerAgent) == Self.analyze(segments, layout: .agentCustomer))
    }

    @Test func agentOnlyLayout() {
        // Agent 1–3, 4.5–6, 6.5–7; a customer segment in the input is ignored (no customer channel).
        let figures = Self.analyze(
            [Self.agent(1, 3), Self.agent(4.5, 6), Self.agent(6.5, 7), Self.customer(7, 9)], layout: .agentOnly)
        // Window 0–7: agent 4 s, silence 3 s, agent_pct 4/7 = 0.571…
        #expect(figures == ConversationFigures(
            talk: Summary.Talk(agentS: 4, customerS: nil, overlapS: nil, silenceS: 3, agentShare: nil, agentPct: 0.57, customerPct: nil),
            greetingLatencyS: 1,
            pauses: [Pause(startFrame: 300, endFrame: 450, kind: .pause, before: .agent, after: .agent, deadAir: false)],
            interruptions: [],
            backchannels: Summary.Backchannels(agent: nil, customer: nil),
            turns: Summary.Turns(count: 0, agentLongestMonologueS: nil, customerLongestMonologueS: nil),
            responseLatency: Summary.ResponseLatency(medianS: nil, p90S: nil, count: 0),
            switchesPerMin: nil))
    }

    @Test func mixedLayout() {
        // Mixed speech 0.5–2, 3–4, 9.5–10: silence 0.5 + 1 + 5.5 = 7 s in a 10 s window.
        let figures = Self.analyze([Self.mixed(0.5, 2), Self.mixed(3, 4), Self.mixed(9.5, 10)], layout: .mixed)
        #expect(figures == ConversationFigures(
            talk: Summary.Talk(agentS: nil, customerS: nil, overlapS: nil, silenceS: 7, agentShare: nil, agentPct: nil, customerPct: nil),
            greetingLatencyS: nil,
            pauses: [
                Pause(startFrame: 200, endFrame: 300, kind: .pause, before: .mixed, after: .mixed, deadAir: false),
                Pause(startFrame: 400, endFrame: 950, kind: .pause, before: .mixed, after: .mixed, deadAir: true),
            ],
            interruptions: [],
            backchannels: Summary.Backchannels(agent: nil, customer: nil),
            turns: Summary.Turns(count: 0, agentLongestMonologueS: nil, customerLongestMonologueS: nil),
            responseLatency: Summary.ResponseLatency(medianS: nil, p90S: nil, count: 0),
            switchesPerMin: nil))
    }

    @Test func overlappingSegmentsOfOnePartyAreMerged() {
        let figures = Self.analyze([Self.agent(0, 3), Self.agent(2, 4), Self.customer(5, 6)])
        #expect(figures.talk.agentS == 4)
        #expect(figures.turns.agentLongestMonologueS == 4)
    }
}
