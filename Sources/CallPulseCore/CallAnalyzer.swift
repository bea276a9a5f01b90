/// Settings of the frame pipeline.
public struct AnalyzerConfig: Sendable, Equatable {
    public var voiceActivity = VoiceActivityDetector.Config()
    public var segmentation = SegmentationConfig()
    /// A target frame is the other party's leak unless its power above the floor exceeds
    /// the predicted leak by this much, dB. Real echo is dispersive and, with clipping,
    /// nonlinear (DSP-NOTES): 8 dB absorbed it on the leak-laden Samples calls.
    public var leakMarginDb = 8.0
    /// Ring and tone detection (SPEC "Ring").
    public var ring = RingConfig()
    /// A speech candidate that lies at least this much inside tone bursts of its own
    /// channel is the tone, not a voice: the tone detector confirms a tone ~0.1 s after it
    /// starts, so the voice detector may have taken its first frames for speech.
    public var toneCoverToDrop = 0.5

    public init() {}
}

/// What the frame pipeline found in a session: segments and levels, before the
/// conversation figures are derived from them.
public struct CallAnalysis: Equatable, Sendable {
    public var layout: ChannelLayout
    public var sampleRateHz: Int
    /// Samples per channel.
    public var sampleCount: Int
    /// Every speech segment, in time order (by start, then party).
    public var segments: [Segment]
    /// Per party, in channel order.
    public var levels: [ChannelLevels]
    /// The ringing heard before the answer (rings merged over channels); `nil` when none.
    public var ring: RingSummary?

    public var durationS: Double { roundedToHundredths(Double(sampleCount) / Double(sampleRateHz)) }
}

/// The streaming frame pipeline of one session: interleaved samples in, speech segments
/// and levels out. Live capture and file reading feed the same `process`, so both give
/// the same figures for the same audio.
///
/// Per 10 ms frame and channel: features → noise floor → (two channels) leakage test
/// against the other channel → voice decision → segmenter; levels are counted once a
/// frame's speech decision can no longer change.
public struct CallAnalyzer: Sendable {
    /// A frame's level is booked this many frames after it arrived, when the voice
    /// decision (look-back) and the segmenter (bridging, burst dropping) can no longer
    /// change it: 640 ms, comfortably more than their 80 + 200 + 100 ms.
    static let levelSettleFrames = 64
    /// A tone must last this long before the voice detector treats it as a tone: 0.25 s,
    /// under the shortest ring burst (0.34 s, `RingConfig`), over a steady sung vowel's
    /// tone-like stretches in espeak-ng speech (0.05-0.15 s on the Samples calls).
    static let sustainedToneFrames = 25
    /// Longest span of one ring's bursts, s (a double ring spans 1.0 s; 3 s leaves room).
    static let unjudgedRingSpanS = 3.0
    /// Frames the tone detector may take beyond `sustainedToneFrames` to report a tone.
    static let toneConfirmFrames = 5
    /// Ring onsets this close on two channels are one ring, as in `RingAnswer.merge`.
    static let sameRingFrames = FrameClock.frames(RingAnswer.sameRingS)
    /// During speech, voicing is computed on every third frame (30 ms, the correlation's
    /// own window) and held in between.
    static let voicingStrideFrames = 3
    /// Power counts as above the noise from this multiple of the floor: 3 dB.
    static let noiseExcessFactor = 2.0

    private struct PendingLevel {
        var rawPower = 0.0
        var clippedSamples = 0
        var sampleCount = 0
    }

    private struct Channel {
        var extractor: FrameFeatureExtractor
        var ringDetector: RingDetector
        /// Floor of the pre-emphasised level: judges voices over hum and rumble.
        var floor = NoiseFloorTracker()
        /// Floor of the raw level: judges voices over hiss, where pre-emphasis would
        /// lift the noise above the voice's low-frequency energy.
        var rawFloor = NoiseFloorTracker()
        var detector: VoiceActivityDetector
        var segmenter: SpeechSegmenter
        var meter: LevelMeter
        /// Models the other channel's voice leaking into this one (two-channel layouts).
        var leak = LeakageModel()
        var frame: [Float]
        var pendingLevels: [PendingLevel]
        /// Segments of this channel, in order.
        var segments: [Segment] = []
        /// First of this channel's segments that may still contain unbooked frames.
        var levelCursor = 0
        // Per-frame working values.
        var features = FrameFeatures(rawPower: 0, emphasisPower: 0, predictionResidual: 1, clippedSamples: 0, sampleCount: 0)
        var floorPower = 0.0
        /// Power clearly above the floor (see `noiseExcessFactor`).
        var excessPower = 0.0
        var levelDbfs = 0.0
        var rawLevelDbfs = 0.0
        var snrDb = 0.0
        var emphasisSNRDb = 0.0
        /// Voicing last computed (see `voicingStrideFrames`).
        var voicing = 0.0
        /// Frames that stood over a known tone of this channel (`VoiceActivityDetector.standsOverTone`),
        /// as ranges, oldest first, back to the start of the latest settled segment at most:
        /// the tone's burst does not make them tone (`isTone`).
        var overToneFrames: [Range<Int>] = []
    }

    /// Ranges of frames over a tone kept per channel at most (a voice over a hum breaks them
    /// at each syllable; older ones are let go first).
    static let maxOverToneRanges = 1024

    public let layout: ChannelLayout
    public let sampleRateHz: Int
    public let config: AnalyzerConfig
    private var channels: [Channel]
    private var filled = 0
    private var frameIndex = 0
    private var currentFrameLength: Int
    private var sampleCount = 0
    /// `config.leakMarginDb` as a power ratio.
    private let leakMarginFactor: Double

    public init(sampleRateHz: Int, layout: ChannelLayout, config: AnalyzerConfig = AnalyzerConfig()) {
        precondition(sampleRateHz >= 1000, "sample rate too low for 10 ms frames")
        self.sampleRateHz = sampleRateHz
        self.layout = layout
        self.config = config
        let maxFrameLength = sampleRateHz / FrameClock.framesPerSecond + 1
        channels = layout.parties.map { party in
            Channel(
                extractor: FrameFeatureExtractor(sampleRateHz: sampleRateHz),
                ringDetector: RingDetector(sampleRateHz: sampleRateHz, config: config.ring),
                detector: VoiceActivityDetector(config: config.voiceActivity),
                segmenter: SpeechSegmenter(config: config.segmentation, party: party),
                meter: LevelMeter(party: party),
                frame: [Float](repeating: 0, count: maxFrameLength),
                pendingLevels: [PendingLevel](repeating: PendingLevel(), count: Self.levelSettleFrames)
            )
        }
        currentFrameLength = FrameClock.firstSample(ofFrame: 1, sampleRateHz: sampleRateHz)
        leakMarginFactor = power(decibels: config.leakMarginDb)
    }

    public var channelCount: Int { channels.count }
    /// Every ring reported so far, as each started (a live view shows "RING n" from these).
    public private(set) var ringEvents: [RingEvent] = []
    /// Frames analysed so far.
    public var framesProcessed: Int { frameIndex }

    /// Feeds interleaved samples (`channelCount` per sample frame, full scale 1.0), in any
    /// amount: partial frames are kept for the next call.
    public mutating func process(interleaved samples: UnsafeBufferPointer<Float>) {
        let channelCount = channels.count
        precondition(samples.count % channelCount == 0, "interleaved samples must hold whole sample frames")
        let total = samples.count / channelCount
        var consumed = 0
        while consumed < total {
            let take = min(currentFrameLength - filled, total - consumed)
            for c in 0..<channelCount {
                let filled = filled
                channels[c].frame.withUnsafeMutableBufferPointer { frame in
                    var source = consumed * channelCount + c
                    var k = filled
                    if channelCount == 2, let base = samples.baseAddress, let out = frame.baseAddress {
                        // Stereo, the usual call: eight sample frames at a time, this
                        // channel's lanes picked out of sixteen interleaved samples.
                        while k + 8 <= filled + take {
                            let pair = UnsafeRawPointer(base + source - c).loadUnaligned(as: SIMD16<Float>.self)
                            UnsafeMutableRawPointer(out + k).storeBytes(of: c == 0 ? pair.evenHalf : pair.oddHalf, as: SIMD8<Float>.self)
                            k += 8
                            source += 16
                        }
                    }
                    while k < filled + take {
                        frame[k] = samples[source]
                        source += channelCount
                        k += 1
                    }
                }
            }
            filled += take
            consumed += take
            sampleCount += take
            if filled == currentFrameLength {
                analyzeFrame(length: filled)
                filled = 0
                frameIndex += 1
                currentFrameLength = FrameClock.firstSample(ofFrame: frameIndex + 1, sampleRateHz: sampleRateHz)
                    - FrameClock.firstSample(ofFrame: frameIndex, sampleRateHz: sampleRateHz)
            }
        }
    }

    /// Ends the stream: analyses a last partial frame, flushes every pending decision and
    /// returns what the session contains.
    public mutating func finish() -> CallAnalysis {
        if filled > 0 {
            analyzeFrame(length: filled)
            filled = 0
            frameIndex += 1
        }
        for c in channels.indices {
            channels[c].ringDetector.finish()
            for decision in channels[c].detector.flush() {
                feedSegmenter(channel: c, decision)
            }
            if let segment = channels[c].segmenter.finish() {
                settle(segment, channel: c)
            }
            let firstUnbooked = max(0, frameIndex - Self.levelSettleFrames)
            for frame in firstUnbooked..<frameIndex {
                bookLevel(channel: c, frame: frame, final: true)
            }
        }
        let segments = segmentsSoFar
        return CallAnalysis(
            layout: layout, sampleRateHz: sampleRateHz, sampleCount: sampleCount,
            segments: segments, levels: channels.map { $0.meter.levels },
            ring: ringSummary(speech: segments)
        )
    }

    /// SPEC "Ring" from the rings every channel heard (a ring may be heard on both, through
    /// leakage) and the speech segments.
    private func ringSummary(speech: [Segment], includingUnjudged: Bool = false) -> RingSummary? {
        let detectors = channels.map(\.ringDetector)
        var rings = RingAnswer.merge(detectors.map(\.rings))
        if includingUnjudged { rings += unjudgedRings(after: rings) }
        guard !rings.isEmpty else { return nil }
        let heardOn = detectors.max(by: { $0.rings.count < $1.rings.count })
        return RingAnswer.summarize(
            rings: rings, bursts: rings.flatMap(\.bursts), toneHz: heardOn?.toneHz ?? [], cadenceS: heardOn?.cadenceS ?? [],
            speech: speech, config: config.ring
        )
    }

    /// Rings reported live whose group the ring tracker has not judged yet (it waits for
    /// the silence after a ring): their tone bursts heard so far, so that an answer right
    /// after the last ring counts from that ring, not from the one before.
    private func unjudgedRings(after judged: [Ring]) -> [Ring] {
        let window = FrameClock.frames(Self.unjudgedRingSpanS)
        var pending: [Ring] = []
        for event in ringEvents where !judged.contains(where: { abs($0.onsetFrame - event.onsetFrame) <= Self.sameRingFrames }) {
            var bursts: [ToneBurst] = []
            for channel in channels {
                let detector = channel.ringDetector
                bursts += detector.toneBursts.filter {
                    $0.startFrame >= event.onsetFrame - Self.sameRingFrames && $0.startFrame < event.onsetFrame + window
                }
                if let onset = detector.activeToneOnsetFrame, abs(onset - event.onsetFrame) < window {
                    bursts.append(ToneBurst(startFrame: onset, endFrame: frameIndex, frequenciesHz: []))
                }
            }
            if bursts.isEmpty { continue }
            pending.append(Ring(bursts: bursts.sorted { $0.startFrame < $1.startFrame }))
        }
        return pending
    }

    /// The ringing heard so far, for a live view: answered once speech has started (settled
    /// or still open); while it rings, the rings reported so far and `answered` false.
    public var ringSoFar: RingSummary? {
        // Open candidates count as speech once they have lasted long enough for a tone to
        // have been confirmed (the first 0.25 s of a ring burst look like speech), and are
        // not that tone.
        let open = channels.indices.compactMap { c -> Segment? in
            guard let start = channels[c].segmenter.openSegmentStart else { return nil }
            let open = Segment(party: channels[c].segmenter.party, startFrame: start, endFrame: max(start, channels[c].segmenter.nextFrame))
            return open.lengthFrames >= Self.sustainedToneFrames + Self.toneConfirmFrames && !isTone(open, channel: c) ? open : nil
        }
        return ringSummary(speech: channels.flatMap(\.segments) + open, includingUnjudged: true)
    }

    /// Segments settled so far, in time order: what a live view can show.
    public var segmentsSoFar: [Segment] {
        channels.flatMap(\.segments).sorted { ($0.startFrame, $0.party) < ($1.startFrame, $1.party) }
    }

    /// What a live view shows of one channel at the latest frame.
    public struct LiveChannel: Equatable, Sendable {
        public var party: Party
        /// RMS level of the latest frame, dBFS.
        public var levelDbfs: Double
        /// The channel's current noise floor (raw level), dBFS; `nil` until it is known.
        public var noiseFloorDbfs: Double?
        /// The segment still open (speech heard, end not settled): from its first speech
        /// frame to the last frame decided so far; `nil` when the party is not speaking.
        public var openSegment: Segment?
    }

    /// Each channel's latest level, noise floor and open segment, in channel order. For a
    /// live view: reading it does not change the analysis.
    public var liveChannels: [LiveChannel] {
        channels.map { channel in
            LiveChannel(
                party: channel.segmenter.party,
                levelDbfs: decibels(power: channel.features.rawPower),
                noiseFloorDbfs: channel.rawFloor.floorDb,
                openSegment: channel.segmenter.openSegmentStart.map {
                    Segment(party: channel.segmenter.party, startFrame: $0, endFrame: max($0 + 1, channel.segmenter.nextFrame))
                }
            )
        }
    }

    /// Levels of the frames booked so far (they trail the input by `levelSettleFrames`).
    public var levelsSoFar: [ChannelLevels] { channels.map { $0.meter.levels } }

    // MARK: - Per frame

    private mutating func analyzeFrame(length: Int) {
        for c in channels.indices {
            channels[c].frame.withUnsafeBufferPointer { frame in
                let slice = UnsafeBufferPointer(rebasing: frame[0..<length])
                channels[c].features = channels[c].extractor.process(frame: slice)
                if let event = channels[c].ringDetector.process(frame: slice),
                   !ringEvents.contains(where: { abs($0.onsetFrame - event.onsetFrame) <= Self.sameRingFrames }) {
                    // The same ring heard on both channels (through leakage) is reported once.
                    ringEvents.append(RingEvent(ringNumber: ringEvents.count + 1, onsetFrame: event.onsetFrame))
                }
            }
            let emphasisDbfs = decibels(power: channels[c].features.emphasisPower)
            let floorDbfs = channels[c].floor.update(power: channels[c].features.emphasisPower, powerDb: emphasisDbfs)
            channels[c].floorPower = channels[c].floor.floorPower
            // Power clearly above the noise: noise frames fluctuate up to ~3 dB over the
            // floor, and that must not read as leak (or as evidence of one) in a noisy channel.
            channels[c].excessPower = max(0, channels[c].features.emphasisPower - Self.noiseExcessFactor * channels[c].floorPower)
            channels[c].levelDbfs = emphasisDbfs
            let rawDbfs = decibels(power: channels[c].features.rawPower)
            channels[c].rawLevelDbfs = rawDbfs
            let rawFloorDbfs = channels[c].rawFloor.update(power: channels[c].features.rawPower, powerDb: rawDbfs)
            // Two bands, as it were: the voice stands out in whichever is cleaner.
            channels[c].emphasisSNRDb = emphasisDbfs - floorDbfs
            channels[c].snrDb = max(emphasisDbfs - floorDbfs, rawDbfs - rawFloorDbfs)
        }
        var explained = (false, false)
        if channels.count == 2 {
            explained.0 = leakExplains(target: 0, source: 1)
            explained.1 = leakExplains(target: 1, source: 0)
        }
        for c in channels.indices {
            let explainedByLeak = c == 0 ? explained.0 : explained.1
            // Periodicity only where it can matter: a frame the leak explains, or under the
            // continue threshold, is not speech whatever its voicing; outside speech, only a
            // frame that could start it needs its voicing.
            // While speech goes on, the voicing of every `voicingStrideFrames`th frame stands
            // for the frames after it: continuation asks only for a voiced frame within
            // 300 ms, and this keeps the correlation's cost to a third.
            let active = channels[c].detector.isActive
            let needed = active ? config.voiceActivity.continueSNRDb : config.voiceActivity.onsetSNRDb
            var voicing = 0.0
            if !explainedByLeak && channels[c].snrDb >= needed {
                if !active || frameIndex % Self.voicingStrideFrames == 0 {
                    channels[c].voicing = channels[c].ringDetector.voicing(enough: config.voiceActivity.decidingVoicing)
                }
                voicing = channels[c].voicing
            }
            let observation = VoiceActivityDetector.Observation(
                levelDbfs: channels[c].levelDbfs,
                rawLevelDbfs: channels[c].rawLevelDbfs,
                emphasisSNRDb: channels[c].emphasisSNRDb,
                snrDb: channels[c].snrDb,
                explainedByLeak: explainedByLeak,
                predictionResidual: channels[c].features.predictionResidual,
                toneAgeFrames: sustainedToneOnset(channel: c).map { frameIndex - $0 },
                voicing: voicing,
                pendingToneDbfs: channels[c].ringDetector.pendingToneDbfs,
                tonePitchHz: channels[c].ringDetector.heardTonePitchHz,
                power: channels[c].features.emphasisPower,
                rawPower: channels[c].features.rawPower
            )
            if let decision = channels[c].detector.process(observation) {
                feedSegmenter(channel: c, decision)
            }
            if channels[c].detector.standsOverTone { noteOverTone(channel: c) }
            let slot = frameIndex % Self.levelSettleFrames
            if frameIndex >= Self.levelSettleFrames {
                bookLevel(channel: c, frame: frameIndex - Self.levelSettleFrames, final: false)
            }
            channels[c].pendingLevels[slot] = PendingLevel(
                rawPower: channels[c].features.rawPower,
                clippedSamples: channels[c].features.clippedSamples,
                sampleCount: channels[c].features.sampleCount
            )
        }
    }

    /// Updates the leak model of `target` with this frame and says whether the leak
    /// explains the target's power.
    private mutating func leakExplains(target: Int, source: Int) -> Bool {
        let sourceExcess = channels[source].excessPower
        let sourceFloor = channels[source].floorPower
        let targetExcess = channels[target].excessPower
        let peak = channels[target].leak.push(sourceExcessPower: sourceExcess)
        let predicted = channels[target].leak.predictedLeak(sourcePeakPower: peak)
        // A leak that would stay under the target's noise floor explains nothing audible.
        let leakCeiling = predicted * leakMarginFactor
        let explained = leakCeiling >= channels[target].floorPower && targetExcess < leakCeiling
        channels[target].leak.observe(sourcePeakPower: peak, sourceFloorPower: sourceFloor, targetExcessPower: targetExcess)
        return explained
    }

    private mutating func feedSegmenter(channel c: Int, _ decision: VoiceActivityDetector.Decision) {
        if let segment = channels[c].segmenter.process(isSpeech: decision.isSpeech, confirms: decision.confirms) {
            settle(segment, channel: c)
        }
    }

    /// Keeps a settled segment unless it is a tone, and lets go of the frames over a tone
    /// before it (later segments start after it).
    private mutating func settle(_ segment: Segment, channel c: Int) {
        if !isTone(segment, channel: c) { channels[c].segments.append(segment) }
        channels[c].overToneFrames.removeAll { $0.upperBound <= segment.endFrame }
    }

    /// Books the current frame as standing over a known tone.
    private mutating func noteOverTone(channel c: Int) {
        if let last = channels[c].overToneFrames.last, last.upperBound == frameIndex {
            channels[c].overToneFrames[channels[c].overToneFrames.count - 1] = last.lowerBound..<(frameIndex + 1)
            return
        }
        if channels[c].overToneFrames.count >= Self.maxOverToneRanges { channels[c].overToneFrames.removeFirst() }
        channels[c].overToneFrames.append(frameIndex..<(frameIndex + 1))
    }

    /// Whether a settled segment is mostly a tone burst of its own channel (finished, or
    /// still sounding), so not speech. Its frames that stood over the tone do not count as
    /// the tone's.
    private func isTone(_ segment: Segment, channel c: Int) -> Bool {
        var covered = 0
        func cover(_ start: Int, _ end: Int) {
            covered += max(0, min(end, segment.endFrame) - max(start, segment.startFrame))
        }
        for burst in channels[c].ringDetector.toneBursts.reversed() {
            if burst.endFrame <= segment.startFrame { break }
            if burst.endFrame - burst.startFrame >= Self.sustainedToneFrames { cover(burst.startFrame, burst.endFrame) }
        }
        if let onset = sustainedToneOnset(channel: c) { cover(onset, frameIndex + 1) }
        // Frames that stood over the tone are the voice over it, not the tone.
        for frames in channels[c].overToneFrames {
            covered -= max(0, min(frames.upperBound, segment.endFrame) - max(frames.lowerBound, segment.startFrame))
        }
        return Double(covered) >= config.toneCoverToDrop * Double(segment.lengthFrames)
    }

    /// Onset of the tone sounding now on channel `c`, once it has lasted long enough to be
    /// a signalling tone: a steady vowel can pass the tone test for a tenth of a second.
    private func sustainedToneOnset(channel c: Int) -> Int? {
        guard let onset = channels[c].ringDetector.activeToneOnsetFrame,
              frameIndex - onset >= Self.sustainedToneFrames else { return nil }
        return onset
    }

    /// Books the level of `frame`, whose speech decision is final: it lies in a settled
    /// segment, or (unless the stream has ended) inside the segment still open.
    private mutating func bookLevel(channel c: Int, frame: Int, final: Bool) {
        let pending = channels[c].pendingLevels[frame % Self.levelSettleFrames]
        var cursor = channels[c].levelCursor
        let segments = channels[c].segments
        while cursor < segments.count && segments[cursor].endFrame <= frame { cursor += 1 }
        channels[c].levelCursor = cursor
        var isSpeech = cursor < segments.count && segments[cursor].contains(frame: frame)
        if !isSpeech && !final, let openStart = channels[c].segmenter.openSegmentStart, frame >= openStart {
            isSpeech = true
        }
        channels[c].meter.add(
            rawPower: pending.rawPower, clippedSamples: pending.clippedSamples,
            sampleCount: pending.sampleCount, isSpeech: isSpeech
        )
    }
}

// MARK: - Read access for a shift watcher (CallSplitter)

extension CallAnalyzer {
    /// The settled segments of channel `c`, in order. Returns the stored array (no copy), so
    /// a caller that remembers how many it has seen reads only the new ones.
    public func settledSegments(channel c: Int) -> [Segment] { channels[c].segments }

    /// Every steady tone burst heard on channel `c` so far (rings, busy, dial), in order.
    public func toneBursts(channel c: Int) -> [ToneBurst] { channels[c].ringDetector.toneBursts }

    /// Whether a tone in the ringing band is sounding on channel `c` now.
    public func toneSounding(channel c: Int) -> Bool { channels[c].ringDetector.toneActive }

    /// Sample frames fed so far (a partial frame included).
    public var sampleCountSoFar: Int { sampleCount }
}
