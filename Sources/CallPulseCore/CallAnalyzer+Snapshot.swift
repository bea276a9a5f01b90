/// The running figures of a session still being captured, from the analyzer's state: the
/// same `CallAnalysis` that `finish()` gives at the end, taken now and fed to the same
/// `SummaryBuilder`, so the live view and `analyze` never derive a figure two ways.
public struct LiveSnapshot: Sendable {
    /// What is happening right now (SPEC "Live output": RINGING n / agent / customer / both / silence).
    public enum Activity: Equatable, Sendable {
        /// The call is ringing; `rings` heard so far.
        case ringing(rings: Int)
        /// These parties are speaking (one, or both: agent and customer).
        case talking([Party])
        /// Nobody speaks, for this many seconds.
        case silence(seconds: Double)
    }

    /// One channel's level meter.
    public struct Meter: Equatable, Sendable {
        public var party: Party
        /// Level of the latest 10 ms frame, dBFS.
        public var levelDbfs: Double
        /// The channel's noise floor, dBFS, once known.
        public var noiseFloorDbfs: Double?
        /// Whether the party is speaking now.
        public var speaking: Bool

        public init(party: Party, levelDbfs: Double, noiseFloorDbfs: Double?, speaking: Bool) {
            self.party = party
            self.levelDbfs = levelDbfs
            self.noiseFloorDbfs = noiseFloorDbfs
            self.speaking = speaking
        }
    }

    /// The summary so far: settled segments plus each party's open segment.
    public var summary: Summary
    /// Frames whose speech decision is made (the analysis trails the input by the detector's look-back).
    public var decidedFrame: Int
    public var activity: Activity
    public var meters: [Meter]
    /// Start of the current mutual silence (frame), or `nil` while someone speaks.
    public var silenceStartFrame: Int?
}

extension CallAnalyzer {
    /// Whether a segment still open counts in the running figures: once it is long enough
    /// to survive as speech (SPEC: bursts under 100 ms are not speech), so that running
    /// figures never count a click. The one place the live figures decide this.
    public func openSegmentCountsAsSpeech(_ open: Segment) -> Bool {
        open.lengthFrames >= FrameClock.frames(config.segmentation.minBurstS)
    }

    /// What the session contains so far, as `finish()` would say if the stream ended at the
    /// last whole frame: settled segments plus the open ones that count
    /// (`openSegmentCountsAsSpeech`), the levels booked so far and the ringing so far.
    /// Reading it does not change the analysis.
    public var analysisSoFar: CallAnalysis {
        var segments = segmentsSoFar
        segments.append(contentsOf: liveChannels.compactMap(\.openSegment).filter(openSegmentCountsAsSpeech))
        segments.sort { ($0.startFrame, $0.party) < ($1.startFrame, $1.party) }
        return CallAnalysis(
            layout: layout, sampleRateHz: sampleRateHz,
            sampleCount: FrameClock.firstSample(ofFrame: framesProcessed, sampleRateHz: sampleRateHz),
            segments: segments, levels: levelsSoFar, ring: ringSoFar)
    }

    /// The running figures now, built by `SummaryBuilder` from `analysisSoFar`, with the
    /// state line and the level meters.
    public func snapshot(
        source: Summary.Source, session: Summary.Session,
        conversation: ConversationConfig = ConversationConfig(), limits: AlertLimits = AlertLimits()
    ) -> LiveSnapshot {
        let live = liveChannels
        let analysis = analysisSoFar
        let summary = SummaryBuilder.build(
            analysis: analysis, source: source, session: session,
            conversation: conversation, limits: limits, inProgress: true)
        let decidedFrame = max(0, framesProcessed - config.voiceActivity.lookBackFrames)
        let meters = live.map {
            LiveSnapshot.Meter(
                party: $0.party, levelDbfs: $0.levelDbfs, noiseFloorDbfs: $0.noiseFloorDbfs,
                speaking: $0.openSegment != nil)
        }
        let talking = live.filter { $0.openSegment != nil }.map(\.party).sorted()
        let activity: LiveSnapshot.Activity
        var silenceStartFrame: Int?
        if let ring = analysis.ring, ring.answeredS == nil, talking.isEmpty {
            activity = .ringing(rings: ring.rings)
        } else if !talking.isEmpty {
            activity = .talking(talking)
        } else {
            let windowStartFrame = analysis.ring?.answeredS.map(FrameClock.frames) ?? 0
            let lastEnd = max(windowStartFrame, analysis.segments.map(\.endFrame).max() ?? 0)
            silenceStartFrame = lastEnd
            activity = .silence(seconds: FrameClock.seconds(max(0, decidedFrame - lastEnd)))
        }
        return LiveSnapshot(
            summary: summary, decidedFrame: decidedFrame, activity: activity, meters: meters,
            silenceStartFrame: silenceStartFrame)
    }
}
