/// SPEC "Ring" and "Edge cases": when the call was answered, and how many rings it took.
public enum RingAnswer {
    /// Merges the rings heard on several channels: rings whose onsets lie within `toleranceS`
    /// are the same ring (the earliest onset is kept); the result is in time order.
    public static func merge(_ channels: [[Ring]], toleranceS: Double = 0.3) -> [Ring] {
        let tolerance = FrameClock.frames(toleranceS)
        var merged: [Ring] = []
        for ring in channels.flatMap({ $0 }).sorted(by: { $0.onsetFrame < $1.onsetFrame }) {
            if let last = merged.last, ring.onsetFrame - last.onsetFrame <= tolerance { continue }
            merged.append(ring)
        }
        return merged
    }

    /// Given the rings and bursts heard (merged over channels) and the onset frame of the
    /// first speech segment of either party after the first ring (`nil` if none), the
    /// `RingSummary`; `nil` when no ring was heard.
    ///
    /// - `answered_s`: speech that starts while a ring burst sounds answers at its onset;
    ///   otherwise the end of the last ring burst before the speech, when the speech starts
    ///   within `answerWithinS` of it.
    /// - `rings`: rings whose onset lies before `answered_s` (a ring cut short counts); all
    ///   rings for an abandoned call (no speech within `answerWithinS` after the last burst).
    /// - Speech before the first ring: `nil`, as if no ring had been heard (rings after the
    ///   call was connected are not rings before an answer).
    public static func summarize(
        rings: [Ring], bursts: [ToneBurst], toneHz: [Double], cadenceS: [Double],
        firstSpeechOnsetFrame: Int?, config: RingConfig
    ) -> RingSummary? {
        let sortedRings = rings.sorted { $0.onsetFrame < $1.onsetFrame }
        guard let first = sortedRings.first else { return nil }
        let ringBursts = (bursts.isEmpty ? sortedRings.flatMap(\.bursts) : bursts).sorted { $0.startFrame < $1.startFrame }
        let answerWithin = FrameClock.frames(config.answerWithinS)

        var answeredFrame: Int? = nil
        if let speech = firstSpeechOnsetFrame {
            if ringBursts.contains(where: { $0.startFrame <= speech && speech < $0.endFrame }) {
                answeredFrame = speech
            } else if let last = ringBursts.last(where: { $0.endFrame <= speech }) {
                if speech - last.endFrame <= answerWithin { answeredFrame = last.endFrame }
            } else {
                // Speech before any ring burst: the call was connected before the ringing
                // (a transfer or a second line ringing mid-call). Those rings came after the
                // answer, so there is no ringing *before* an answer: no ring figures at all,
                // and the conversation starts at 0 (SPEC "No ring in the session").
                return nil
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
}
