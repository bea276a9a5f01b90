import RealModule

/// Frame-level voice decision for one channel: hysteresis on the frame's SNR above the
/// channel's noise floor (level-invariant, after Sohn et al. 1999: a quiet caller at
/// -35 dBFS and a loud agent at -8 dBFS are judged alike), a hangover for decaying word
/// ends, and a short look-back that gives an onset the soft frames just before it.
///
/// Frames that the leakage model explains, or that are tonal, are never speech. Speech can
/// only start within `onsetRangeDb` of the party's own recent speech level: a colleague
/// at the next desk, 20-30 dB down in this headset, is noise (DSP-NOTES, failure 3), while
/// the level stays relative, so a quiet party is judged against its own voice.
/// Decisions come out `lookBackFrames` frames late (a bounded delay).
public struct VoiceActivityDetector: Sendable {
    public struct Config: Sendable, Equatable {
        /// SNR a frame needs to start speech, dB. Two such frames in a row start it.
        public var onsetSNRDb = 9.0
        /// SNR that starts speech on a single frame, dB (a clear, loud onset).
        public var strongOnsetSNRDb = 15.0
        /// SNR that keeps speech going once started, dB.
        public var continueSNRDb = 4.0
        /// Frames that stay speech after the SNR drops: 80 ms covers a word's decaying end.
        public var hangoverFrames = 8
        /// Hangover in a noisy channel, frames: where the party's speech peaks less than
        /// `noisyChannelSpeechToNoiseDb` over the floor, weak syllables sink into the noise
        /// for 150-250 ms inside words (measured on the 12 dB SNR Samples call), so
        /// decisions must bridge longer, as WebRTC's VAD does at low SNR.
        public var noisyHangoverFrames = 18
        /// Speech peak over noise floor under which a channel counts as noisy, dB.
        public var noisyChannelSpeechToNoiseDb = 24.0
        /// Frames before an onset that join it if they were above `continueSNRDb`: 80 ms
        /// recovers the soft, unvoiced start of a word (fricatives, plosive bursts) that the
        /// voicing test at the onset skips.
        public var lookBackFrames = 8
        /// A frame whose order-2 prediction residual is below this is tonal (a steady tone
        /// predicts to under 1 % residual; voices stay above ~5 %). Measured on generated
        /// tones with noise at 10 dB SNR and on espeak-ng and real speech.
        public var tonalResidual = 0.02
        /// A single such frame inside speech that stands this far over the background, dB, is
        /// a vowel's steady cycle, not a tone (two in a row are a tone).
        public var residualBlipOverBackgroundDb = 10.0
        /// SNR the pre-emphasised band needs for speech to start, dB, whatever the raw band says.
        public var onsetEmphasisSNRDb = 3.0
        /// Speech may start only on frames at most this far below the party's speech
        /// level (its loudest recent frames), dB. 20 dB keeps the party's own syllable
        /// onsets, the look-back adds their soft starts, and a voice 25 dB down is dropped.
        public var onsetRangeDb = 20.0
        /// How fast the remembered speech level decays, dB per frame (0.5 dB/s): a party
        /// that moves the microphone away is followed within a minute.
        public var speechLevelDecayDbPerFrame = 0.005
        /// Periodicity (see `ToneDetector.voicing(enough:)`) a frame needs to start speech: a
        /// close voice's vowels reach 0.6-0.95; babble of several voices, brown and pink
        /// noise and clicks stay under 0.4. Tuned on generated calls of seeds 1-40 and the
        /// `tune` half of the real recordings (README, "Accuracy").
        public var onsetVoicing = 0.5
        /// Periodicity that counts as voiced while speech goes on.
        public var continueVoicing = 0.4
        /// Speech goes on over at most this many frames without a voiced one: 300 ms
        /// spans the unvoiced consonants and soft ends inside a phrase; noise that merely
        /// stays above the floor after the last word ends there.
        public var maxUnvoicedFrames = 30
        /// Speech may start only this far over the background level, dB: the `backgroundQuantile`
        /// of the levels of the frames that are not speech, nor the other party's leak, nor a tone
        /// (ringing would lift it over the voice that answers), well under the party's speech level. Babble and brown
        /// noise swing many dB over their minimum (the noise floor); their common peaks
        /// must not start speech.
        public var backgroundMarginDb = 3.0
        /// Frames count as background only this far under the party's speech level, dB: a
        /// word the detector missed must not lift the background over the voice.
        public var backgroundBelowSpeechDb = 12.0
        /// Quantile of the background levels tracked.
        public var backgroundQuantile = 0.85
        /// Step of the quantile tracker, dB per frame (after the first second: `backgroundLearningStepDb`).
        public var backgroundStepDb = 0.2
        public var backgroundLearningStepDb = 1.0
        public var backgroundLearningFrames = 100
        /// Until the party has spoken (no speech level yet), speech may start only this far
        /// over the background, dB, plus `firstOnsetSpreadFactor` times the background's
        /// spread: before a call is answered a channel holds only its line's noise, and the
        /// voiced peaks of babble there must not become the party's first word. Later
        /// onsets need only `backgroundMarginDb` (and `onsetRangeDb` of the speech level).
        public var firstOnsetMarginDb = 4.0
        /// The background's spread is its tracked quantile over its tracked median, on
        /// levels smoothed over a syllable (`BackgroundSpread`), dB: under 1 dB for steady
        /// hiss, hum and pink noise, several dB for babble. The first onset needs this
        /// many spreads more, the spread counted up to `firstOnsetSpreadCapDb` (a spread
        /// that grew out of the party's own soft speech must not lock the first word out).
        /// Together with the margin: 4-10 dB over the background. Tuned, like `onsetVoicing`,
        /// on seeds 1-40 and the `tune` half of the real recordings (README, "Accuracy").
        public var firstOnsetSpreadFactor = 3.0
        public var firstOnsetSpreadCapDb = 2.0
        /// Weight of the past in the level the spread is measured on, per frame: 0.9 is a
        /// time constant of about 10 frames (100 ms), a syllable.
        public var spreadSmoothingWeight = 0.9
        /// Before the party has spoken, only frames under this SNR and this periodicity
        /// teach the background: a party whose first word comes with the first frame must
        /// not have it learned as background (which would lift the first-onset bar over
        /// the voice for good).
        public var preSpeechBackgroundMaxSNRDb = 15.0
        public var preSpeechBackgroundMaxVoicing = 0.5
        /// The highest periodicity any decision compares with: a voicing search may stop
        /// once it reaches this (`ToneDetector.voicing(enough:)`).
        public var decidingVoicing: Double { max(onsetVoicing, continueVoicing, preSpeechBackgroundMaxVoicing) }
        /// Speech goes on only on frames at least this far over the background, dB (in
        /// either band): what falls back to the background has ended, whatever the floor.
        public var continueBackgroundMarginDb = 0.0
        /// A steady tone passes for speech until the tone detector knows it (a quarter
        /// second): the speech level it taught then is the tone's, and is put back to what it
        /// was before the frame this many frames before the tone's onset once the tone is
        /// known (the tone detector places an onset up to a few blocks late). A ringback heard on the
        /// customer's line before the answer must not become the customer's voice level,
        /// 10-20 dB over the line's noise, which would then let the line's babble start
        /// speech (`onsetRangeDb`) and keep it from being learned as background
        /// (`backgroundBelowSpeechDb`).
        public var toneOnsetSlackFrames = 10
        /// A frame stands over a known tone when its level passes the tone's own level (the
        /// median of the levels the tone covers from the frame it became known, both smoothed
        /// over about 30 ms) by this much, dB, in either band: a voice over the line's hum,
        /// whose harmonic in the ringing band the tone detector holds for as long as it
        /// sounds, is not the tone. Under the bar the frame is the tone's, never speech. A
        /// tone in the line's background heard again (the hum back after a word) is judged
        /// against its remembered level from its first block.
        public var overToneMarginDb = 6.0
        /// A tone that may be starting (`Observation.pendingToneDbfs`) withholds confirmation
        /// only this far over the background (raw band), dB: a ring's onset lifts the level
        /// over the confirmation bars before the tone is known; a hum harmonic coming back in a
        /// pause lies in the background and confirms nothing anyway.
        public var pendingToneOverBackgroundDb = 3.0
        /// A run of speech frames counts only once one of its frames, smoothed over a syllable
        /// (as for the spread), reaches the background's peak: the `backgroundPeakQuantile` of
        /// the smoothed background levels (either band). Until then the run is a candidate;
        /// one that ends without reaching it was not speech (the segmenter drops it, and the
        /// speech level it taught is put back). The onset bar (`backgroundMarginDb` over the
        /// background's 85th percentile) lets the common peaks of babble start a run; its
        /// loudest syllables rarely pass its own peak, a close voice's do. In steady noise the
        /// peak lies within a dB or two of the 85th percentile, so the bar costs soft real
        /// speech nothing there. Tuned on generated calls of seeds 1-40, 501-576 and 601-640
        /// and the `tune` half of the real recordings (README, "Accuracy").
        public var confirmOverPeakDb = 0.0
        /// Before the party has spoken, the run must pass the background's peak by this
        /// much, dB, and a frame of it stand `firstConfirmMarginDb` over the background
        /// (85th percentile): the line's noise is all the channel has held, and a first word
        /// stands well over it.
        public var firstConfirmOverPeakDb = 4.0
        public var firstConfirmMarginDb = 6.0
        /// A run confirms only once this many of its frames stood over the continuation bar
        /// (not the hangover): a click or a key press is one to three frames, a syllable more.
        public var minConfirmFrames = 4
        /// Quantile of the smoothed background levels taken as the background's peak.
        public var backgroundPeakQuantile = 0.97
        /// The peak counts at most this far over the background (its 85th percentile), dB. A
        /// loud stretch of noise that is not speech (a burst on the line, a door) lifts the
        /// 97th percentile for many seconds — its tracker falls five times slower than the
        /// 85th percentile's — and must not keep a quiet voice out that long.
        public var peakOverBackgroundCapDb = 6.0

        public init() {}
    }

    /// What the pipeline knows of a frame when it asks for a decision.
    public struct Observation: Sendable {
        /// Frame level (pre-emphasised power), dBFS.
        public var levelDbfs: Double
        /// Frame level of the raw band, dBFS.
        public var rawLevelDbfs: Double
        /// SNR of the pre-emphasised band alone, dB.
        public var emphasisSNRDb: Double
        /// SNR of the better band (pre-emphasised or raw), dB.
        public var snrDb: Double
        /// The other party's leakage explains this frame's power.
        public var explainedByLeak: Bool
        /// Order-2 prediction residual of the frame (see `FrameFeatures`).
        public var predictionResidual: Double
        /// The channel's tone detector hears a steady tone (ringback, dial tone, beeps):
        /// said so, or known with its age.
        public var toneActive: Bool { toneSaid || toneAgeFrames != nil }
        private var toneSaid: Bool
        /// How many frames ago that tone began (`nil` when no tone sounds or it is not known).
        public var toneAgeFrames: Int?
        /// Periodicity of the latest 30 ms (`ToneDetector.voicing(enough:)`), 0...1; 1 when unknown.
        public var voicing: Double
        /// Level of the tone the channel's tone detector has heard in its latest block, or
        /// holds, dBFS: a tone may be starting that is not known yet (`toneAgeFrames`); `nil`
        /// when none is heard. Frames with such a tone over the background confirm no run
        /// (`pendingToneOverBackgroundDb`).
        public var pendingToneDbfs: Double?
        /// Pitch of that tone, Hz (`nil` when none is heard or it is not known).
        public var tonePitchHz: Double?
        /// `levelDbfs` and `rawLevelDbfs` as power ratios (full scale 1).
        public var power: Double
        public var rawPower: Double

        public init(levelDbfs: Double, rawLevelDbfs: Double? = nil, emphasisSNRDb: Double? = nil, snrDb: Double, explainedByLeak: Bool, predictionResidual: Double, toneActive: Bool = false, toneAgeFrames: Int? = nil, voicing: Double = 1, pendingToneDbfs: Double? = nil, tonePitchHz: Double? = nil, power: Double? = nil, rawPower: Double? = nil) {
            self.power = power ?? CallPulseCore.power(decibels: levelDbfs)
            self.rawPower = rawPower ?? CallPulseCore.power(decibels: rawLevelDbfs ?? levelDbfs)
            self.pendingToneDbfs = pendingToneDbfs
            self.tonePitchHz = tonePitchHz
            self.rawLevelDbfs = rawLevelDbfs ?? levelDbfs
            self.toneSaid = toneActive
            self.toneAgeFrames = toneAgeFrames
            self.voicing = voicing
            self.levelDbfs = levelDbfs
            self.emphasisSNRDb = emphasisSNRDb ?? snrDb
            self.snrDb = snrDb
            self.explainedByLeak = explainedByLeak
            self.predictionResidual = predictionResidual
        }
    }

    /// One frame's final decision: speech or not, and whether the frame confirms the run it
    /// belongs to (`confirmOverPeakDb`).
    public struct Decision: Sendable, Equatable {
        public var isSpeech: Bool
        public var confirms: Bool
    }

    public let config: Config
    private var active = false
    /// The current run has had a frame over its confirmation bar.
    private var runConfirmed = false
    /// The speech level the current run started from, decayed as it would have been
    /// without the run: what an unconfirmed run leaves behind.
    private var speechLevelBeforeRun = -Double.infinity
    private var hangoverLeft = 0
    /// Frames of the current run over the continuation bar (its onset included).
    private var runCoreFrames = 0
    /// The first frame of the current run that passed its confirmation bar, if any: a
    /// confirmation is dated from it (see `retractPendingConfirmation`).
    private var barPassedAtFrame: Int? = nil
    private var previousStrong = false
    /// Decaying peak level of this party's confident speech frames, dBFS; minus infinity
    /// until the party has spoken.
    public private(set) var speechLevelDbfs = -Double.infinity
    /// Ring of the last `lookBackFrames + 1` frames: decision made, and whether the frame
    /// was above the continue threshold (eligible for look-back).
    private var decisions: [Bool]
    private var weakFrames: [Bool]
    private var confirmingFrames: [Bool]
    private var position = 0
    private var framesSeen = 0
    /// Frames since the last voiced one.
    private var unvoicedRun = Int.max / 2
    /// Tracked quantile of the background levels, dBFS (`nil` before the first background frame).
    private var backgroundDbfs: Double?
    /// The same for the raw band's levels.
    private var rawBackgroundDbfs: Double?
    /// How far the background swings, per band (see `firstOnsetSpreadFactor`).
    private var spread = BackgroundSpread()
    private var rawSpread = BackgroundSpread()
    private var backgroundFrames = 0
    /// The speech level after each of the latest frames, a ring indexed by `framesSeen`
    /// (see `toneOnsetSlackFrames`); whether the previous frame had a known tone.
    private var recentSpeechLevels = [Double](repeating: -.infinity, count: VoiceActivityDetector.speechLevelMemoryFrames)
    private var toneKnown = false
    /// The previous frame's prediction residual was under `tonalResidual`.
    private var previousResidualLow = false
    /// The newest frame stood over a known tone (`overToneMarginDb`).
    public private(set) var standsOverTone = false
    /// Level of the frames the known tone covers, per band (`toneLevelQuantile`, `overToneMarginDb`);
    /// `nil` while no tone is known.
    private var toneLevelDbfs: Double?
    private var rawToneLevelDbfs = 0.0
    /// The last known tone: its pitch and its level per band, as last learnt. A tone of the
    /// same pitch heard again (the line's hum, back after a word) is judged against it from
    /// its first block, before it is known again.
    private var rememberedTone: RememberedTone?
    typealias RememberedTone = (pitchHz: Double, levelDbfs: Double, rawLevelDbfs: Double)
    /// Tones within this many hertz are the same tone (as the ring tracker's `sameToneHz`).
    static let sameToneHz = 6.0
    /// Quantile of the (smoothed) levels a known tone covers taken as its level: the median.
    /// A higher one crept up on the soft syllables of a voice over a hum (forced-hum tuning
    /// calls: 0.9 lost 0.01-0.02 F1).
    static let toneLevelQuantile = 0.5
    /// Weight of the past in the levels judged against a tone, per frame (about 30 ms).
    static let toneSmoothingWeight = 0.7
    private var toneSmoothedPower = 0.0
    private var rawToneSmoothedPower = 0.0
    /// Frames of speech level remembered: more than a tone takes to be known plus the slack.
    static let speechLevelMemoryFrames = 64

    public init(config: Config = Config()) {
        self.config = config
        decisions = [Bool](repeating: false, count: config.lookBackFrames + 1)
        weakFrames = decisions
        confirmingFrames = decisions
    }

    /// Whether speech is going on (the voice decision of the newest frame). Voicing matters
    /// for a frame only while speech goes on or where it could start (`onsetSNRDb`).
    public var isActive: Bool { active }

    /// Delay between a frame going in and its decision coming out, in frames.
    public var delayFrames: Int { config.lookBackFrames }

    /// Takes frame `n`'s observation; returns the decision for frame `n - delayFrames`,
    /// or `nil` while the first `delayFrames` frames are still pending.
    public mutating func process(_ observation: Observation) -> Decision? {
        // While speech goes on, one loud frame that predicts like a tone (a vowel's steady
        // cycle) does not end it: a tone does so for frame after frame, and a hum that
        // predicts so at a word's end lies near the background.
        let residualLow = observation.predictionResidual < config.tonalResidual
        let residualTonal = residualLow
            && (!active || previousResidualLow || !overBackground(observation, by: config.residualBlipOverBackgroundDb))
        previousResidualLow = residualLow
        let tonal = coveredByTone(observation) || residualTonal
        // A tone's frames count as the background in the smoothed levels: the ring's power must
        // not carry into the frames after it and confirm the line's babble there.
        let toneCovers = tonal && observation.toneAgeFrames != nil
        spread.smooth(levelDbfs: toneCovers ? backgroundDbfs ?? observation.levelDbfs : observation.levelDbfs,
                      weight: config.spreadSmoothingWeight)
        rawSpread.smooth(levelDbfs: toneCovers ? rawBackgroundDbfs ?? observation.rawLevelDbfs : observation.rawLevelDbfs,
                         weight: config.spreadSmoothingWeight)
        let eligible = !observation.explainedByLeak && !tonal
        let weak = eligible && observation.snrDb >= config.continueSNRDb
        let strong = eligible && observation.snrDb >= config.onsetSNRDb
        // A voice always puts some energy above 1 kHz; rumble and brown noise swing the raw
        // level with none there, so speech starts only where the upper band rises too.
        let withinVoiceRange = observation.levelDbfs >= speechLevelDbfs - config.onsetRangeDb
            && observation.emphasisSNRDb >= config.onsetEmphasisSNRDb
            && observation.voicing >= config.onsetVoicing
            && (hasSpoken
                ? overBackground(observation, by: config.backgroundMarginDb)
                : overBackground(observation, by: config.firstOnsetMarginDb, spreads: config.firstOnsetSpreadFactor))
        unvoicedRun = observation.voicing >= config.continueVoicing ? 0 : unvoicedRun + 1
        let voicedLately = unvoicedRun <= config.maxUnvoicedFrames
        forgetToneLevel(observation)
        var speech: Bool
        if active {
            if weak && voicedLately && overBackground(observation, by: config.continueBackgroundMarginDb) {
                runCoreFrames += 1
                let floorDb = observation.levelDbfs - observation.snrDb
                hangoverLeft = speechLevelDbfs - floorDb < config.noisyChannelSpeechToNoiseDb
                    ? config.noisyHangoverFrames : config.hangoverFrames
                speech = true
            } else if hangoverLeft > 0 && !tonal && !(observation.explainedByLeak && observation.snrDb >= config.continueSNRDb) {
                // The hangover runs through near-silent frames even where the leak
                // "explains" them (trivially, at a word's soft end), but stops where the
                // other party's audible leak begins.
                hangoverLeft -= 1
                speech = true
            } else {
                active = false
                speech = false
                if !runConfirmed { speechLevelDbfs = speechLevelBeforeRun }
            }
        } else if withinVoiceRange && ((strong && previousStrong) || (eligible && observation.snrDb >= config.strongOnsetSNRDb)) {
            active = true
            hangoverLeft = config.hangoverFrames
            speech = true
            runConfirmed = false
            runCoreFrames = 1
            barPassedAtFrame = nil
            speechLevelBeforeRun = speechLevelDbfs
            markLookBack()
        } else {
            speech = false
        }
        let tonePending = observation.pendingToneDbfs.map {
            $0 >= (rawBackgroundDbfs ?? -.infinity) + config.pendingToneOverBackgroundDb
        } ?? false
        if tonePending { retractPendingConfirmation() }
        let passesBar = speech && !runConfirmed && !tonePending
            && (speechLevelBeforeRun > -.infinity
                ? overBackgroundPeak(by: config.confirmOverPeakDb)
                : overBackgroundPeak(by: config.firstConfirmOverPeakDb) && overBackground(observation, by: config.firstConfirmMarginDb))
        if passesBar && barPassedAtFrame == nil { barPassedAtFrame = framesSeen }
        let confirms = passesBar && runCoreFrames >= config.minConfirmFrames
        if confirms { runConfirmed = true }
        speechLevelBeforeRun -= config.speechLevelDecayDbPerFrame
        previousStrong = strong
        let quietEnough = hasSpoken
            || (observation.snrDb < config.preSpeechBackgroundMaxSNRDb && observation.voicing < config.preSpeechBackgroundMaxVoicing)
        if !speech && eligible && quietEnough {
            trackBackground(observation)
        }
        speechLevelDbfs -= config.speechLevelDecayDbPerFrame
        if speech && observation.snrDb >= config.strongOnsetSNRDb {
            speechLevelDbfs = max(speechLevelDbfs, observation.levelDbfs)
        }
        recentSpeechLevels[framesSeen % Self.speechLevelMemoryFrames] = speechLevelDbfs

        decisions[position] = speech
        weakFrames[position] = weak
        confirmingFrames[position] = confirms
        position = (position + 1) % decisions.count
        framesSeen += 1
        // The slot after the newest frame holds the oldest one, frame n - lookBackFrames:
        // no later look-back can reach it any more, so its decision is final.
        return framesSeen > config.lookBackFrames ? decision(at: position) : nil
    }

    private func decision(at slot: Int) -> Decision {
        Decision(isSpeech: decisions[slot], confirms: confirmingFrames[slot])
    }

    /// Whether the frame belongs to the tone the channel's tone detector hears: any frame it
    /// is said to, and, of a known tone, the frames that do not stand `overToneMarginDb` over
    /// the tone's own level (which they teach).
    @inline(__always) private mutating func coveredByTone(_ observation: Observation) -> Bool {
        standsOverTone = false
        let margin = config.overToneMarginDb
        // Levels smoothed over a few frames: an amplitude-modulated ring (16-25 Hz) swings
        // several dB from frame to frame, a voice's syllable holds for a tenth of a second.
        let w = Self.toneSmoothingWeight
        toneSmoothedPower = w * toneSmoothedPower + (1 - w) * observation.power
        rawToneSmoothedPower = w * rawToneSmoothedPower + (1 - w) * observation.rawPower
        // Nothing more to judge without a tone heard or known (most frames).
        guard observation.toneAgeFrames != nil || observation.tonePitchHz != nil else {
            toneLevelDbfs = nil
            return observation.toneActive
        }
        let smoothed = decibels(power: toneSmoothedPower), rawSmoothed = decibels(power: rawToneSmoothedPower)
        func over(_ level: Double, _ rawLevel: Double) -> Bool {
            smoothed >= level + margin || rawSmoothed >= rawLevel + margin
        }
        // Only a tone in the line's background (within `pendingToneOverBackgroundDb` of it: a
        // hum) is remembered so; a ring stands well over the line, and a held note of babble
        // that the tone detector takes for the ring must stay the tone's.
        var remembered: RememberedTone? = nil
        if let tone = rememberedTone, let pitch = observation.tonePitchHz, abs(pitch - tone.pitchHz) <= Self.sameToneHz,
           tone.rawLevelDbfs <= (rawBackgroundDbfs ?? -.infinity) + config.pendingToneOverBackgroundDb {
            remembered = tone
        }
        guard observation.toneAgeFrames != nil else {
            toneLevelDbfs = nil
            // The last known tone heard again: a frame over it is no more the tone's than
            // once the tone is known.
            if let tone = remembered, over(tone.levelDbfs, tone.rawLevelDbfs) { standsOverTone = true }
            return observation.toneActive
        }
        if toneLevelDbfs == nil {
            let start = remembered.map { ($0.levelDbfs, $0.rawLevelDbfs) } ?? (smoothed, rawSmoothed)
            toneLevelDbfs = start.0
            rawToneLevelDbfs = start.1
        }
        guard let level = toneLevelDbfs else { return true }
        if over(level, rawToneLevelDbfs) {
            standsOverTone = true
            return false
        }
        let step = config.backgroundStepDb
        toneLevelDbfs = Self.quantileStep(level, toward: smoothed, step: step, quantile: Self.toneLevelQuantile)
        rawToneLevelDbfs = Self.quantileStep(rawToneLevelDbfs, toward: rawSmoothed, step: step, quantile: Self.toneLevelQuantile)
        if let pitch = observation.tonePitchHz {
            rememberedTone = (pitch, toneLevelDbfs ?? level, rawToneLevelDbfs)
        }
        return true
    }

    /// A tone may be starting: a pass of the confirmation bar by a frame still pending (within
    /// the look-back), and the confirmation dated from it, are taken back. A tone's onset lifts
    /// the level over any bar a quarter second before the tone detector knows it, and the
    /// babble just before a ring must not be confirmed by the ring (the run then ends as the
    /// tone becomes known, unconfirmed). A pass further back stands: a tone heard later did
    /// not lift the run over the bar (a short word's steady vowel after its fourth frame).
    private mutating func retractPendingConfirmation() {
        guard let passed = barPassedAtFrame, passed >= framesSeen - config.lookBackFrames else { return }
        barPassedAtFrame = nil
        guard runConfirmed else { return }
        runConfirmed = false
        for slot in confirmingFrames.indices { confirmingFrames[slot] = false }
        // A run that has already ended leaves the voice level it taught as an unconfirmed one does.
        if !active { speechLevelDbfs = speechLevelBeforeRun }
    }

    /// When a tone has just become known, puts the speech level back to what it was before
    /// the tone began (see `toneOnsetSlackFrames`); never raises it.
    @inline(__always) private mutating func forgetToneLevel(_ observation: Observation) {
        defer { toneKnown = observation.toneAgeFrames != nil }
        guard let age = observation.toneAgeFrames, !toneKnown else { return }
        // The level before the frame `toneOnsetSlackFrames` frames before the tone's onset:
        // none when that frame lies before the stream's start, or further back than the
        // levels kept (then nothing of the level is trusted).
        let back = age + config.toneOnsetSlackFrames + 1
        let known = back <= framesSeen && back <= Self.speechLevelMemoryFrames
        let before = known ? recentSpeechLevels[(framesSeen - back) % Self.speechLevelMemoryFrames] : -.infinity
        speechLevelDbfs = min(speechLevelDbfs, before)
        // What an unconfirmed run leaves behind is put back as well; and the frames of such a
        // run still pending, which lie after the tone's onset, are the tone's.
        speechLevelBeforeRun = min(speechLevelBeforeRun, before)
        if active && !runConfirmed {
            for slot in decisions.indices where slot != position { decisions[slot] = false }
        }
    }

    /// Whether the frame stands `margin` dB, plus `spreads` times the background's spread
    /// (capped, see `firstOnsetSpreadCapDb`), over the background in either band: a voice
    /// stands out in whichever band its noise leaves cleaner.
    @inline(__always) private func overBackground(_ observation: Observation, by margin: Double, spreads: Double = 0) -> Bool {
        guard let background = backgroundDbfs, let rawBackground = rawBackgroundDbfs else { return true }
        func bar(_ quantile: Double, _ spread: BackgroundSpread) -> Double {
            quantile + margin + spreads * min(config.firstOnsetSpreadCapDb, spread.db)
        }
        return observation.levelDbfs >= bar(background, spread)
            || observation.rawLevelDbfs >= bar(rawBackground, rawSpread)
    }

    /// Whether the level smoothed over a syllable stands `margin` dB over the background's
    /// peak (capped at `peakOverBackgroundCapDb` over the background) in either band
    /// (`confirmOverPeakDb`); true before any background is known.
    private func overBackgroundPeak(by margin: Double) -> Bool {
        guard let background = backgroundDbfs, let rawBackground = rawBackgroundDbfs else { return true }
        let cap = config.peakOverBackgroundCapDb
        return spread.smoothedDbfs >= min(spread.peakDbfs, background + cap) + margin
            || rawSpread.smoothedDbfs >= min(rawSpread.peakDbfs, rawBackground + cap) + margin
    }

    /// Moves the background quantiles one step toward a non-speech frame's levels (digital
    /// silence is no background).
    @inline(__always) private mutating func trackBackground(_ observation: Observation) {
        let levelDbfs = observation.levelDbfs
        guard levelDbfs > NoiseFloorTracker.lowestFloorDb,
              levelDbfs < speechLevelDbfs - config.backgroundBelowSpeechDb || speechLevelDbfs == -.infinity else { return }
        guard let current = backgroundDbfs, let rawCurrent = rawBackgroundDbfs else {
            backgroundDbfs = levelDbfs
            rawBackgroundDbfs = observation.rawLevelDbfs
            spread.start()
            rawSpread.start()
            return
        }
        backgroundFrames += 1
        let step = backgroundFrames <= config.backgroundLearningFrames ? config.backgroundLearningStepDb : config.backgroundStepDb
        backgroundDbfs = Self.quantileStep(current, toward: levelDbfs, step: step, quantile: config.backgroundQuantile)
        rawBackgroundDbfs = Self.quantileStep(rawCurrent, toward: observation.rawLevelDbfs, step: step, quantile: config.backgroundQuantile)
        spread.track(step: step, upperQuantile: config.backgroundQuantile, peakQuantile: config.backgroundPeakQuantile)
        rawSpread.track(step: step, upperQuantile: config.backgroundQuantile, peakQuantile: config.backgroundPeakQuantile)
    }

    /// Whether the party has had speech strong enough to set its speech level
    /// (`strongOnsetSNRDb` over the floor).
    private var hasSpoken: Bool { speechLevelDbfs > -.infinity }

    /// One step of a quantile tracker: up by `step * quantile`, down by `step * (1 - quantile)`,
    /// so it settles where that share of the levels lies below it.
    static func quantileStep(_ current: Double, toward level: Double, step: Double, quantile: Double) -> Double {
        level > current ? current + step * quantile : current - step * (1 - quantile)
    }

    /// The background's spread in one band: its upper quantile over its median, both
    /// tracked on the level smoothed over about 100 ms. Frame by frame, steady noise swings
    /// about as much as babble (a 10 ms frame of pink noise varies by several dB); smoothed,
    /// steady noise holds within a dB while babble keeps its syllables' swing.
    struct BackgroundSpread: Sendable {
        /// Power smoothed over every frame (speech too: the tracker only reads it on background frames).
        private var smoothedPower = 0.0
        private var upper: Double?
        private var median = 0.0
        /// The background's peak: a high quantile of the same smoothed levels (`backgroundPeakQuantile`).
        private(set) var peakDbfs = 0.0

        /// Spread so far, dB (0 before the first background frame).
        var db: Double { upper.map { max(0, $0 - median) } ?? 0 }

        mutating func smooth(levelDbfs: Double, weight: Double) {
            smoothedPower = weight * smoothedPower + (1 - weight) * power(decibels: levelDbfs)
        }

        var smoothedDbfs: Double { 10 * log10ViaLog2(max(smoothedPower, 1e-20)) }

        /// Starts both trackers at the smoothed level (the first background frame).
        mutating func start() {
            upper = smoothedDbfs
            median = smoothedDbfs
            peakDbfs = smoothedDbfs
        }

        mutating func track(step: Double, upperQuantile: Double, peakQuantile: Double) {
            let level = smoothedDbfs
            upper = VoiceActivityDetector.quantileStep(upper ?? level, toward: level, step: step, quantile: upperQuantile)
            median = VoiceActivityDetector.quantileStep(median, toward: level, step: step, quantile: 0.5)
            peakDbfs = VoiceActivityDetector.quantileStep(peakDbfs, toward: level, step: step, quantile: peakQuantile)
        }
    }

    /// Marks, walking back from the newest pending frame, the contiguous frames that were
    /// above the continue threshold as speech.
    private mutating func markLookBack() {
        let ringSize = decisions.count
        var index = position
        for _ in 0..<min(config.lookBackFrames, framesSeen) {
            index = (index - 1 + ringSize) % ringSize
            guard weakFrames[index] else { break }
            decisions[index] = true
        }
    }

    /// The decisions still pending at the end of the stream, oldest first.
    public mutating func flush() -> [Decision] {
        let ringSize = decisions.count
        let pending = min(framesSeen, ringSize - 1)
        var result: [Decision] = []
        result.reserveCapacity(pending)
        for offset in 0..<pending {
            result.append(decision(at: (position - pending + offset + ringSize) % ringSize))
        }
        return result
    }
}
