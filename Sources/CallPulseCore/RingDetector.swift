/// The ring detector of one channel (SPEC "Ring"): finds ringing tones, groups their bursts
/// into rings, learns the cadence, and reports each ring as it starts.
/// Feed it every 10 ms frame of the channel, then call `finish()`.
public struct RingDetector: Sendable {
    var tone: ToneDetector
    var tracker: RingTracker

    public init(sampleRateHz: Int, config: RingConfig = RingConfig()) {
        tone = ToneDetector(sampleRateHz: sampleRateHz, config: config)
        tracker = RingTracker(config: config)
    }

    /// Feeds one 10 ms frame of raw samples (full scale 1.0) of this channel; frames are
    /// numbered from 0. Returns a ring event when a new ring starts, at most 0.3 s after the
    /// onset of its first burst.
    public mutating func process(frame: UnsafeBufferPointer<Float>) -> RingEvent? {
        let index = tone.framesProcessed
        if let change = tone.process(frame: frame) { apply(change) }
        // Kept as stored values: read for every frame, and a computed property of the tone
        // detector read through an array element copies the detector.
        pendingToneDbfs = tone.heardTone?.levelDbfs
        heardTonePitchHz = tone.heardTone?.pitchHz
        return tracker.tick(frame: index, lastToneFrame: tone.burstLastToneFrame)
    }

    /// Ends the input: closes a burst still sounding and judges the last group of bursts.
    public mutating func finish() {
        if let change = tone.finish() { apply(change) }
        tracker.finish()
    }

    private mutating func apply(_ change: ToneDetector.Change) {
        switch change {
        case let .started(onsetFrame, centroidHz, preGapRatio, backgroundEndFrame):
            tracker.burstStarted(onsetFrame: onsetFrame, centroidHz: centroidHz, preGapRatio: preGapRatio,
                                 backgroundEndFrame: backgroundEndFrame)
        case let .ended(track):
            tracker.burstEnded(track)
        }
    }

    /// Whether a steady tone in the ringing band is sounding now (ring, dial, busy or any other),
    /// for the voice detector to exclude. Set about 0.1 s after a tone starts, cleared about
    /// 0.1 s after it stops; `toneBursts` has the exact frames afterwards.
    public var toneActive: Bool { tone.toneActive }
    /// Level of a tone that may be starting, dBFS (0-1 kHz band, latest 50 ms): the latest
    /// block heard a steady tone in the ringing band (about 50 ms after its onset, before it is
    /// known to be steady), or one sounds. `nil` when no tone is heard.
    public private(set) var pendingToneDbfs: Double?
    /// Pitch of that tone (mean of its block centroids), Hz; `nil` when no tone is heard.
    public private(set) var heardTonePitchHz: Double?
    /// Onset frame of the tone sounding now, or `nil` when none is.
    public var activeToneOnsetFrame: Int? { tone.toneActive ? tone.burstOnset : nil }
    /// Number of frames fed so far.
    public var framesProcessed: Int { tone.framesProcessed }
    /// The bursts of the rings, in time order.
    public var bursts: [ToneBurst] { tracker.rings.flatMap(\.bursts) }
    /// Every steady tone burst heard, rings or not (dial, busy, call waiting…).
    public var toneBursts: [ToneBurst] { tracker.allBursts }
    /// The rings, in time order.
    public var rings: [Ring] { tracker.rings }
    /// The ring tone frequencies (one, or the two of a dual tone), rounded to 1 Hz.
    public var toneHz: [Double] { tracker.toneHz }
    /// The learnt cadence in seconds (on, off, … e.g. [1.0, 4.0] or [0.4, 0.2, 0.4, 2.0]);
    /// the off period needs two rings.
    public var cadenceS: [Double] { tracker.cadenceS }
}

extension RingDetector {
    /// Periodicity of the channel's latest 30 ms (see `ToneDetector.voicing(enough:)`).
    public mutating func voicing(enough: Double = .infinity) -> Double { tone.voicing(enough: enough) }
}
