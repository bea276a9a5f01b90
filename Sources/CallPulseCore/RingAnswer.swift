/// SPEC "Ring" and "Edge cases": when the call was answered, and how many rings it took.
public enum RingAnswer {
    /// Merges the rings heard on several channels: rings whose onsets lie within `toleranceS`
    /// are the same ring, and the channel that heard more of its bursts gives it (noise on one
    /// channel can break a burst that the other heard whole, through leakage); on a tie the
    /// earliest onset is kept. The result is in time order.
    /// Ring onsets this close on two channels are one ring, s (the same ringing heard through
    /// leakage is delayed by at most 60 ms, and onsets carry up to 0.1 s of detection jitter).
    public static let sameRingS = 0.3

    public static func merge(_ channels: [[Ring]], toleranceS: Double = sameRingS) -> [Ring] {
        let tolerance = FrameClock.frames(toleranceS)
        var merged: [Ring] = []
        for ring in channels.flatMap({ $0 }).sorted(by: { $0.onsetFrame < $1.onsetFrame }) {
            if let last = merged.last, ring.onsetFrame - last.onsetFrame <= tolerance {
                if ring.bursts.count > last.bursts.count { merged[merged.count - 1] = ring }
                continue
            }
            merged.append(ring)
        }
        return merged
    }

    /// Given the rings and bursts heard (merged over channels) and the speech segments of
    /// both parties (any order), the `RingSummary`; `nil` when no ring was heard, or when
    /// the ringing started while a conversation was under way.
    ///
    /// - `answered_s`: the first speech onset at or after the first ring that the ringing
    ///   does not outlast (see `RingConfig.ringsThatGoOn`) answers: at its
    ///   onset when a ring burst sounds then; otherwise at the end of the last ring burst
    ///   before it, when it starts within `answerWithinS` of that end.
    /// - `rings`: rings whose onset lies before `answered_s` (a ring cut short counts); all
    ///   rings for an abandoned call (no speech within `answerWithinS` after the last burst).
    /// - Speech before the first ring does not void the ring (the agent talking to a
    ///   colleague, noise taken for speech); only ringing that starts while both parties are
    ///   talking (see `RingConfig.conversationBeforeRingS`) is not this call's ringing: `nil`.
    public static func summarize(
        rings: [Ring], bursts: [ToneBurst], toneHz: [Double], cadenceS: [Double],
        speech: [Segment], config: RingConfig
    ) -> RingSummary? {
        guard let first = rings.min(by: { $0.onsetFrame < $1.onsetFrame }) else { return nil }
        if conversationUnderWay(before: first.onsetFrame, speech: speech, config: config) { return nil }
        // A later ring (or burst) that starts while a conversation is under way is not this
        // call's ringing either (SPEC: "only ringing that starts while a conversation is
        // under way is not this call's ring"): a second line, or a held note of a voice the
        // tone detector took for one. Counted, it would say the ringing went on and void the
        // answer before it.
        let sortedRings = rings.sorted { $0.onsetFrame < $1.onsetFrame }
            .filter { $0.onsetFrame == first.onsetFrame || !conversationUnderWay(before: $0.onsetFrame, speech: speech, config: config) }
        let ringBursts = (bursts.isEmpty ? sortedRings.flatMap(\.bursts) : bursts)
            .filter { $0.startFrame <= first.endFrame || !conversationUnderWay(before: $0.startFrame, speech: speech, config: config) }
            .sorted { $0.startFrame < $1.startFrame }
        let answerWithin = FrameClock.frames(config.answerWithinS)

        var answeredFrame: Int? = nil
        // Ringing stops when a call is answered: an onset after which the ringing goes on
        // (`RingConfig.ringsThatGoOn` more rings soon after) was noise or a voice in the room,
        // not the answer.
        let goOnWithin = FrameClock.frames(config.ringsGoOnWithinS)
        let guardFrames = FrameClock.frames(config.ringsGoOnGuardS)
        let onsets = speech.map(\.startFrame).filter { $0 >= first.onsetFrame }.sorted()
        // The same holds inside a burst: the tone stops when the call is answered, so an
        // onset while a burst sounds on for more than the guard after it (the ringback heard
        // through the headset's leak, a voice in the room) did not answer.
        let firstSpeech = onsets.first { onset in
            sortedRings.filter { $0.onsetFrame > onset + guardFrames && $0.onsetFrame <= onset + goOnWithin }.count < config.ringsThatGoOn
                && !ringBursts.contains { $0.startFrame <= onset && onset < $0.endFrame && $0.endFrame - onset > guardFrames }
        }
        if let speech = firstSpeech {
            if ringBursts.contains(where: { $0.startFrame <= speech && speech < $0.endFrame }) {
                answeredFrame = speech
            } else if let last = ringBursts.last(where: { $0.endFrame <= speech }),
                      speech - last.endFrame <= answerWithin {
                answeredFrame = last.endFrame
            }
        }
        let firstRingS = FrameClock.seconds(first.onsetFrame)
        guard let answeredFrame else {
            return RingSummary(
                rings: sortedRings.count, firstRingS: firstRingS, answeredS: nil, ringToAnswerS: nil,
                answered: false, toneHz: toneHz, onOffS: cadenceS
            )
        }
        let count = sortedRings.filter { $0.onsetFrame < answeredFrame }.count
        return RingSummary(
            rings: count, firstRingS: firstRingS, answeredS: FrameClock.seconds(answeredFrame),
            ringToAnswerS: FrameClock.seconds(max(0, answeredFrame - first.onsetFrame)),
            answered: true, toneHz: toneHz, onOffS: cadenceS
        )
    }

    /// Whether both parties spoke at least `conversationSpeechS` each in the
    /// `conversationBeforeRingS` before `frame`.
    static func conversationUnderWay(before frame: Int, speech: [Segment], config: RingConfig) -> Bool {
        let from = frame - FrameClock.frames(config.conversationBeforeRingS)
        let needed = FrameClock.frames(config.conversationSpeechS)
        var spoken: [Party: Int] = [:]
        for segment in speech where segment.endFrame > from && segment.startFrame < frame {
            spoken[segment.party, default: 0] += min(segment.endFrame, frame) - max(segment.startFrame, from)
        }
        return spoken.count >= 2 && spoken.values.allSatisfy { $0 >= needed }
    }
}
