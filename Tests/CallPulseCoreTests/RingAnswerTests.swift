import Testing
@testable import CallPulseCore

/// SPEC "Ring" and "Edge cases" on hand-made rings: 1 s bursts every 5 s from 0.50 s
/// (NL cadence), or double rings, so every figure is known exactly.
@Suite("Ring answer rules")
struct RingAnswerTests {
    /// `count` single-burst rings: onset 50 + 500·i frames, 100 frames long.
    func singleRings(_ count: Int) -> [Ring] {
        (0..<count).map { i in Ring(bursts: [ToneBurst(startFrame: 50 + 500 * i, endFrame: 150 + 500 * i, frequenciesHz: [425])]) }
    }

    func summarize(_ rings: [Ring], speechAt frame: Int?) -> RingSummary? {
        RingAnswer.summarize(
            rings: rings, bursts: rings.flatMap(\.bursts), toneHz: [425], cadenceS: [1.0, 4.0],
            speech: frame.map { [Segment(party: .agent, startFrame: $0, endFrame: $0 + 100)] } ?? [], config: RingConfig()
        )
    }

    @Test("no ring: no ring summary")
    func noRing() {
        #expect(summarize([], speechAt: 120) == nil)
    }

    @Test("speech after the last burst: answered at the burst's end")
    func answeredAtBurstEnd() {
        let summary = summarize(singleRings(3), speechAt: 1_150 + 80)
        #expect(summary == RingSummary(
            rings: 3, firstRingS: 0.5, answeredS: 11.5, ringToAnswerS: 11.0, answered: true,
            toneHz: [425], onOffS: [1.0, 4.0]))
    }

    @Test("answer window: speech 10.00 s after the burst answers, 10.01 s does not")
    func answerWindowBoundary() {
        let answered = summarize(singleRings(2), speechAt: 650 + 1_000)
        #expect(answered?.answered == true)
        #expect(answered?.answeredS == 6.5)
        let abandoned = summarize(singleRings(2), speechAt: 650 + 1_001)
        #expect(abandoned?.answered == false)
        #expect(abandoned?.answeredS == nil && abandoned?.ringToAnswerS == nil)
        #expect(abandoned?.rings == 2)
    }

    @Test("abandoned: no speech at all counts every ring")
    func abandoned() {
        let summary = summarize(singleRings(5), speechAt: nil)
        #expect(summary?.answered == false && summary?.rings == 5 && summary?.firstRingS == 0.5)
    }

    /// Rings as `singleRings`, the last burst cut short `cutAfter` frames after `onset`: the
    /// answer stops the ringing.
    func ringsCut(_ count: Int, at onset: Int, cutAfter: Int = 15) -> [Ring] {
        var rings = singleRings(count)
        let last = rings[count - 1].bursts[0]
        rings[count - 1] = Ring(bursts: [ToneBurst(startFrame: last.startFrame, endFrame: min(last.endFrame, onset + cutAfter), frequenciesHz: [425])])
        return rings
    }

    @Test("speech that starts during a burst answers at its onset; that ring counts")
    func speechDuringBurst() {
        // The answer stops the ringing: the third ring, cut short, is the last one heard.
        let summary = summarize(ringsCut(3, at: 1_080), speechAt: 1_050 + 30)
        #expect(summary?.answeredS == 10.8)
        #expect(summary?.rings == 3)
        #expect(summary?.ringToAnswerS == 10.3)
        // At the first frame of the burst, the ring has started: it counts.
        #expect(summarize(ringsCut(3, at: 1_050), speechAt: 1_050)?.rings == 2)
        #expect(summarize(ringsCut(3, at: 1_051), speechAt: 1_051)?.rings == 3)
    }

    @Test("an onset while the burst sounds on for more than 0.5 s did not answer")
    func burstSoundsOn() {
        // The ringback heard through the agent's headset, taken for speech 0.3 s into the
        // third burst, which sounds on to its full second: not the answer. The customer
        // speaks 0.8 s after that burst: answered at its end.
        let rings = singleRings(3)
        let leak = Segment(party: .agent, startFrame: 1_080, endFrame: 1_140)
        let customer = Segment(party: .customer, startFrame: 1_230, endFrame: 1_400)
        let summary = RingAnswer.summarize(rings: rings, bursts: rings.flatMap(\.bursts), toneHz: [425], cadenceS: [1.0, 4.0],
                                           speech: [leak, customer], config: RingConfig())
        #expect(summary?.answeredS == 11.5 && summary?.rings == 3 && summary?.ringToAnswerS == 11.0)
        // Cut 0.5 s after the onset (the guard), the same onset still answers.
        let cut = summarize(ringsCut(3, at: 1_080, cutAfter: 50), speechAt: 1_080)
        #expect(cut?.answeredS == 10.8)
    }

    @Test("an onset after which the ringing goes on did not answer")
    func ringingGoesOn() {
        // "Speech" during the third ring, and a fourth ring 4.7 s later: noise, not the answer.
        let rings = singleRings(4)
        let noise = Segment(party: .agent, startFrame: 1_080, endFrame: 1_120)
        let abandoned = RingAnswer.summarize(rings: rings, bursts: rings.flatMap(\.bursts), toneHz: [425], cadenceS: [1.0, 4.0],
                                             speech: [noise], config: RingConfig())
        #expect(abandoned?.answered == false && abandoned?.rings == 4)
        // The customer speaks 0.8 s after the fourth burst ends: answered there.
        let answer = Segment(party: .customer, startFrame: 1_650 + 80, endFrame: 1_900)
        let answered = RingAnswer.summarize(rings: rings, bursts: rings.flatMap(\.bursts), toneHz: [425], cadenceS: [1.0, 4.0],
                                            speech: [noise, answer], config: RingConfig())
        #expect(answered?.answeredS == 16.5 && answered?.rings == 4 && answered?.ringToAnswerS == 16.0)
    }

    @Test("double ring: speech in the 0.2 s gap answers at the end of the first burst")
    func doubleRingGap() {
        let rings = (0..<3).map { i in
            Ring(bursts: [
                ToneBurst(startFrame: 100 + 300 * i, endFrame: 140 + 300 * i, frequenciesHz: [400, 450]),
                ToneBurst(startFrame: 160 + 300 * i, endFrame: 200 + 300 * i, frequenciesHz: [400, 450]),
            ])
        }
        let summary = RingAnswer.summarize(
            rings: rings, bursts: rings.flatMap(\.bursts), toneHz: [400, 450], cadenceS: [0.4, 0.2, 0.4, 2.0],
            speech: [Segment(party: .customer, startFrame: 700 + 50, endFrame: 900)], config: RingConfig())
        #expect(summary?.answeredS == 7.4)
        #expect(summary?.rings == 3)
        #expect(summary?.ringToAnswerS == 6.4)
    }

    @Test("rings heard on both channels are merged")
    func merge() {
        let agentSide = singleRings(3)
        let customerSide = singleRings(4).map { ring in
            Ring(bursts: ring.bursts.map { ToneBurst(startFrame: $0.startFrame + 2, endFrame: $0.endFrame + 2, frequenciesHz: $0.frequenciesHz) })
        }
        let merged = RingAnswer.merge([agentSide, customerSide])
        #expect(merged.map(\.onsetFrame) == [50, 550, 1_050, 1_552])
    }

    @Test("a ring heard whole on one channel and in part on the other keeps all its bursts")
    func mergeKeepsTheWholeRing() {
        // A double ring (0.4 s, 0.2 s, 0.4 s) heard on the customer's channel first, its second
        // burst broken there by noise; the agent's channel heard both bursts 20 ms later.
        let first = ToneBurst(startFrame: 1656, endFrame: 1696, frequenciesHz: [400])
        let second = ToneBurst(startFrame: 1716, endFrame: 1756, frequenciesHz: [400])
        let broken = Ring(bursts: [first])
        let whole = Ring(bursts: [ToneBurst(startFrame: 1658, endFrame: 1698, frequenciesHz: [400]),
                                  ToneBurst(startFrame: 1718, endFrame: 1758, frequenciesHz: [400])])
        for channels in [[[broken], [whole]], [[whole], [broken]]] {
            let merged = RingAnswer.merge(channels)
            #expect(merged.count == 1)
            #expect(merged.first?.bursts.count == 2)
            #expect(merged.first?.bursts.last?.endFrame == 1758)
        }
        // Both heard alike: the earlier onset stays.
        #expect(RingAnswer.merge([[whole], [Ring(bursts: [first, second])]]).first?.onsetFrame == 1656)
    }
}

/// SPEC "Edge cases, decided": speech before the first ring does not void the ring; only
/// ringing that starts while a conversation is under way (a transfer, a second line) is not
/// this call's ringing.
@Suite struct RingAfterSpeechTests {
    let burst = ToneBurst(startFrame: 1500, endFrame: 1600, frequenciesHz: [425])
    func summarize(_ speech: [Segment]) -> RingSummary? {
        RingAnswer.summarize(rings: [Ring(bursts: [burst])], bursts: [burst], toneHz: [425], cadenceS: [1, 4],
                             speech: speech, config: RingConfig())
    }

    @Test func oneVoiceBeforeTheRingLeavesTheRingFigures() {
        // The agent talks to a colleague from 11 s to 14.5 s; the phone rings at 15 s;
        // the customer speaks at 17 s: answered at the burst's end, 16 s.
        let colleague = Segment(party: .agent, startFrame: 1100, endFrame: 1450)
        let answer = Segment(party: .customer, startFrame: 1700, endFrame: 1800)
        let summary = summarize([colleague, answer])
        #expect(summary?.answeredS == 16.0 && summary?.ringToAnswerS == 1.0 && summary?.rings == 1)
        // With nothing after the ring the call is abandoned, and still rang once.
        let abandoned = summarize([colleague])
        #expect(abandoned?.answered == false && abandoned?.rings == 1)
    }

    @Test func ringingDuringAConversationIsNotThisCallsRing() {
        // Both parties talk (2 s each) in the 10 s before the ring: a second line ringing.
        let agent = Segment(party: .agent, startFrame: 1000, endFrame: 1200)
        let customer = Segment(party: .customer, startFrame: 1250, endFrame: 1450)
        #expect(summarize([agent, customer, Segment(party: .agent, startFrame: 1700, endFrame: 1800)]) == nil)
        // The same talk ending more than 10 s before the ring is over: the ring counts.
        let earlier = [agent, customer].map { Segment(party: $0.party, startFrame: $0.startFrame - 1000, endFrame: $0.endFrame - 1000) }
        #expect(summarize(earlier + [Segment(party: .agent, startFrame: 1700, endFrame: 1800)])?.answeredS == 16.0)
        // 0.9 s of the customer is not a conversation (under `conversationSpeechS`).
        let short = Segment(party: .customer, startFrame: 1300, endFrame: 1390)
        #expect(summarize([agent, short, Segment(party: .agent, startFrame: 1700, endFrame: 1800)])?.answeredS == 16.0)
    }

    @Test("a later ring that starts while the conversation is under way is not this call's: it neither counts nor voids the answer")
    func laterRingDuringTheConversation() {
        // This call's ring at 15-16 s, answered by the agent at 17 s; the agent and the customer
        // then talk (17-23 s, 20-26 s), and at 25 s a burst of the same tone (a second line, or
        // a held note of a voice taken for one) sounds: 9 s after the answer, within the 20 s in
        // which "the ringing goes on" would void it.
        let late = ToneBurst(startFrame: 2500, endFrame: 2600, frequenciesHz: [425])
        let speech = [Segment(party: .agent, startFrame: 1700, endFrame: 2300), Segment(party: .customer, startFrame: 2000, endFrame: 2600)]
        let summary = RingAnswer.summarize(
            rings: [Ring(bursts: [burst]), Ring(bursts: [late])], bursts: [burst, late], toneHz: [425], cadenceS: [1, 9],
            speech: speech, config: RingConfig())
        #expect(summary?.rings == 1)
        #expect(summary?.answeredS == 16.0)
        #expect(summary?.ringToAnswerS == 1.0)
    }
}
