/// Tuning of the ring detector (SPEC "Ring"). Every constant is in seconds, hertz or a plain
/// ratio; the detector converts times to whole 10 ms frames. The defaults were chosen against
/// the national tone plans of ITU-T E.180 Supplement 2 (ringing 340-500 Hz; ring bursts 0.4-2.5 s;
/// off periods 2-5 s) and the false alarms of issue 3 (dial, busy, congestion, call waiting,
/// DTMF, hold music, sung notes, hum).
public struct RingConfig: Sendable, Equatable {
    // MARK: Tone band and spectral tests (per 50 ms block, 100 ms window)

    /// Lowest and highest centre frequency of a ringing tone, Hz (E.180: 340-500 Hz; a small
    /// margin for the centroid of AM tones and for measurement error).
    public var toneBandHz: ClosedRange<Double> = 335...505
    /// Tonality D1² / (E·D2) of the block (E: energy, D1, D2: energy of the first and second
    /// differences) before the fine analysis runs: 1 for a single frequency, ~0.99 for the dual
    /// and AM ring tones, 2/3 for white noise, lower for voices. A cheap gate. Range 0.7-0.9.
    public var gateTonality: Double = 0.8
    /// Share of the windowed block energy inside the best 110 Hz wide cluster of bins (the tone,
    /// both tones of a pair, or carrier and side bands of an AM tone). A ring tone at 20 dB SNR
    /// gives > 0.9; voiced speech rarely 0.5. Range 0.6-0.85.
    public var minToneFraction: Double = 0.7
    /// Energy in the bins just outside the cluster (40-60 Hz from its edges) relative to the
    /// cluster: at most this (-10 dB). Rejects the harmonic combs of voice and music.
    public var maxNeighbourRatio: Double = 0.1
    /// Blocks quieter than this mean power (0-1 kHz after decimation), dBFS, are never tones
    /// (-70 dBFS: 30 dB under the quietest ring tone the issue asks for, -40 dBFS).
    public var floorDbfs: Double = -70
    /// Largest spread of the block centroids over one burst, Hz. A tone plan's tone is stable
    /// to < 1 Hz; a sung or whistled note with ±1 % vibrato spreads 5-10 Hz. Range 2-5 Hz.
    /// Babble or pink noise 8-10 dB under a dual or modulated ring moves single blocks' centroids
    /// 3-4 Hz: 4 Hz counted 4 more of the 104 tuning calls' rings exactly than 3 Hz (README,
    /// "Accuracy"); 5 Hz let a wavering note start the ringing (`RingNeighbourTests`).
    public var maxCentroidSpreadHz: Double = 4.0
    /// Largest level difference between the two tones of a dual tone, dB (twist). A weaker
    /// second peak is not reported as a tone of the pair.
    public var maxTwistDb: Double = 10

    // MARK: Bursts and rings

    /// Shortest tone burst of a ring, seconds. The shortest ring burst in E.180 is 0.4 s (double
    /// ring); call-waiting beeps are 0.1-0.3 s and DTMF digits 0.04-0.1 s.
    public var minBurstS: Double = 0.34
    /// Shortest burst of a ring made of one burst, seconds. Single-burst cadences in E.180 sound
    /// 0.67-2.5 s (Russia 0.8 s); 0.4 s bursts come in pairs (double ring). A lone short note of
    /// hold music after silence is not a ring. A ring cut short by the answer after earlier
    /// rings still counts.
    public var minSingleBurstS: Double = 0.6
    /// Longest tone burst of a ring, seconds (North America 2.0 s, Spain and France 1.5 s);
    /// anything longer is dial tone or hum.
    public var maxBurstS: Double = 3.0
    /// Bursts separated by at most this silence belong to one ring (the 0.2 s gap of a double
    /// ring). Busy tones (0.375-0.5 s gaps) are split into separate groups.
    public var maxIntraRingGapS: Double = 0.3
    /// A ring is preceded and followed by at least this silence (or by the start of ringing,
    /// or by the answer). The shortest off period of a ringing cadence is ~2 s; busy and
    /// congestion tones have 0.25-0.75 s.
    public var minRingOffS: Double = 1.2
    /// At most this many bursts in one ring (double ring: 2).
    public var maxBurstsPerRing: Int = 3
    /// Mean 0-1 kHz energy of the second before a ring, relative to the ring tone's energy:
    /// at most this (-10 dB). Ringing follows silence or line noise; a note sung between words
    /// follows speech.
    public var maxPreGapRatio: Double = 0.1
    /// The same for a burst of the rings' own tone once a ring has been heard (-5 dB): the tone
    /// is known, so the test only has to keep out speech, and noise 10-15 dB under the ring
    /// lifts the second before a later ring to 0.2-0.25 (pink noise at 15 dB SNR, tuning calls).
    public var maxPreGapRatioOnceRinging: Double = 0.3
    /// The same for a first ring that the next ring repeats (same bursts, same tone, one ring
    /// period later): babble or noise 5-10 dB under the ringback fills the second before the
    /// first ring to 0.1-0.3 of its energy (tuning calls); a note sung between words does not
    /// come back with the same pitch and length 2-8 s later.
    public var maxPreGapRatioRepeated: Double = 0.3
    /// Largest centroid spread of the bursts of a ring confirmed by its repetition, Hz.
    public var maxRepeatedSpreadHz: Double = 1.5
    /// Ring periods (onset to onset) a repetition may have, seconds: E.180's cadences repeat
    /// every 2.5-6 s.
    public var repeatedPeriodS: ClosedRange<Double> = 2.0...8.0
    /// In steady line noise (pink, brown, hum: levels of 50 ms blocks spread at most this
    /// much, dB, over the gap) the ratio is taken in the tone's own 120 Hz band instead: a
    /// ring 6-10 dB over broadband noise is 20 dB or more over the noise in its band, and
    /// the gap before it is as quiet as ringing ever gets there. Music and voices before a
    /// note are never this steady, so for them the broadband ratio stands.
    public var steadyGapSpreadDb: Double = 2.0
    /// Babble: a gap whose 50 ms block levels spread more than `steadyGapSpreadDb` but at
    /// most `babbleGapSpreadDb` (several voices mixed rise and fall 2-5 dB; one voice's
    /// syllables and pauses 8-17 dB), and that holds at most `maxPreGapRatioBabble` of the
    /// tone's energy under 1 kHz (-5 dB), is quiet enough when it holds at most
    /// `maxInBandGapRatio` (-17 dB) of the tone's power in the tone's own bins. Babble 5-10 dB
    /// under a ring leaves 0.0001-0.01 there (tuning calls).
    public var babbleGapSpreadDb: Double = 5.0
    public var maxPreGapRatioBabble: Double = 0.3
    public var maxInBandGapRatio: Double = 0.02
    /// Pins the cadence (on, off, on, off… seconds, e.g. [0.4, 0.2, 0.4, 2.0]); `nil` learns it.
    public var pinnedCadenceS: [Double]? = nil
    /// Relative tolerance of burst durations against a pinned cadence.
    public var pinnedTolerance: Double = 0.25

    // MARK: Answer

    /// Speech must start within this time after the last ring burst for the call to count as
    /// answered (SPEC: 10 s).
    public var answerWithinS: Double = 10.0
    /// Ringing is another line's (a transfer, a second call) when a conversation is under way
    /// as it starts: both parties spoke at least `conversationSpeechS` each in the
    /// `conversationBeforeRingS` before the first ring (SPEC "Edge cases, decided"). Speech of
    /// one party alone (the agent and a colleague, noise taken for speech) is not a conversation.
    public var conversationBeforeRingS: Double = 10.0
    public var conversationSpeechS: Double = 1.0
    /// A speech onset after which this many further rings begin (from `ringsGoOnGuardS` to
    /// `ringsGoOnWithinS` after it) did not answer the call: ringing stops at an answer, so
    /// ringing that goes on means the "speech" was noise, babble or a voice in the room.
    /// Within 20 s, so that a transfer ringing later in the call leaves the answer alone.
    /// A deliberate reading of SPEC "before the next burst would have begun".
    public var ringsThatGoOn = 1
    public var ringsGoOnWithinS: Double = 20.0
    /// Rings starting this soon after an onset are not counted as going on (0.5 s: the
    /// second burst of a double ring right after an answer in its gap).
    public var ringsGoOnGuardS: Double = 0.5
    /// A live `RingEvent` is reported once the burst has sounded this long (0.2 s: long enough
    /// to skip DTMF digits and most call-waiting beeps, short enough for "within 300 ms").
    public var eventAfterS: Double = 0.2

    public init() {}
}
