/// Models how much of one party's voice leaks into the other party's channel (echo,
/// sidetone, headset bleed: SPEC says 15-35 dB down, delayed 0-60 ms), so that the target
/// channel is judged only on the power the leak does not explain (DSP-NOTES, failure 1).
///
/// The model works on frame powers, not samples: the predicted leak in the target at frame
/// `t` is `gain · max(source power over frames t-maxLag…t)`. Taking the maximum over the
/// delay window needs no delay estimate and covers a delay that straddles two frames; it
/// errs toward calling a frame leak, which the margin of the decision absorbs.
///
/// The gain is tracked as a running upper quantile (`gainQuantile`), in dB, of
/// target-to-source power ratios in frames where the source clearly speaks and the target
/// is much weaker. In a conversation the target is silent during most of the source's
/// speech, so the quantile follows the leak's louder frames and is not dragged up by the
/// target's own overlapping speech. Where there is no leak the ratios are noise and the
/// estimate sinks toward `lowestGainDb`, and the model then explains nothing.
public struct LeakageModel: Sendable {
    /// Frames of source history searched for the leak: 0-70 ms, covering SPEC's 0-60 ms
    /// delays plus a frame of dispersion.
    public static let maxLagFrames = 7
    /// Starting gain, dB. Between the strongest leak SPEC allows (-15 dB) and a quiet
    /// partner overlapping a loud one, so neither is badly misjudged while the median settles.
    public static let initialGainDb = -20.0
    /// The gain estimate never goes below this, dB: leakage weaker than -60 dB is inaudible.
    public static let lowestGainDb = -60.0
    /// The source counts as clearly speaking when its power is this far above its floor, dB.
    public static let sourceActiveSNRDb = 15.0
    /// Only frames where the target is at least this much weaker than the source are
    /// evidence of leak, dB. Without it each channel's own leak into the other makes the
    /// other look "active", and the two models talk each other up to 0 dB. Leaks stronger
    /// than -6 dB are outside SPEC's -15 to -35 dB anyway.
    public static let strongestLeakDb = -6.0
    /// Quantile of the ratios tracked. The ratio to the windowed source peak spreads over
    /// 10 dB or more (the peak overshoots the delayed frame at onsets); the median sat 5-8 dB
    /// under the leak's loud frames on the Samples calls, the 80th percentile within 3 dB.
    public static let gainQuantile = 0.8
    /// Quantile step per observation while learning (first `learningObservations`), dB.
    public static let learningStepDb = 0.5
    /// Observations after which the step shrinks to `trackingStepDb`: about 2 s of speech.
    public static let learningObservations = 200
    /// Quantile step per observation once learnt, dB: 0.1 dB follows a change of 10 dB in
    /// about one second of source speech.
    public static let trackingStepDb = 0.1

    private var sourceHistory: [Double]
    private var historyPosition = 0
    private var observations = 0

    /// Current leak gain estimate, dB (target power re source power).
    public private(set) var gainDb = LeakageModel.initialGainDb
    /// `gainDb` as a power ratio, kept in step with it.
    private var gain = power(decibels: LeakageModel.initialGainDb)
    /// `sourceActiveSNRDb` as a power ratio.
    private static let sourceActiveRatio = power(decibels: sourceActiveSNRDb)

    public init() {
        sourceHistory = [Double](repeating: 0, count: Self.maxLagFrames + 1)
    }

    /// The largest clean source power in the delay window, after adding frame `t`'s.
    /// Call once per frame, before `predictedLeak` and `observe`.
    public mutating func push(sourceExcessPower: Double) -> Double {
        sourceHistory[historyPosition] = sourceExcessPower
        historyPosition = historyPosition == Self.maxLagFrames ? 0 : historyPosition + 1
        var peak = 0.0
        for value in sourceHistory where value > peak { peak = value }
        return peak
    }

    /// Leak power expected in the target given the source's windowed peak power.
    public func predictedLeak(sourcePeakPower: Double) -> Double {
        sourcePeakPower * gain
    }

    /// Learns from one frame. `sourcePeakPower` and `sourceFloorPower` are linear;
    /// `targetExcessPower` is the target's power above its own floor.
    public mutating func observe(sourcePeakPower: Double, sourceFloorPower: Double, targetExcessPower: Double) {
        guard sourcePeakPower > sourceFloorPower * Self.sourceActiveRatio else { return }
        let ratioDb = max(Self.lowestGainDb, decibels(power: targetExcessPower) - decibels(power: sourcePeakPower))
        guard ratioDb <= Self.strongestLeakDb else { return }
        let step = observations < Self.learningObservations ? Self.learningStepDb : Self.trackingStepDb
        observations += 1
        // Stochastic quantile tracking: at equilibrium a fraction 1 - q of ratios lies above.
        if ratioDb > gainDb {
            gainDb += step * Self.gainQuantile
        } else if ratioDb < gainDb {
            gainDb = max(Self.lowestGainDb, gainDb - step * (1 - Self.gainQuantile))
        }
        gainDb = min(gainDb, 0)
        gain = power(decibels: gainDb)
    }
}
