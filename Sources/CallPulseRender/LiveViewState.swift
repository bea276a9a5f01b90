import CallPulseCore

/// Everything the live view shows at one moment: the running figures of the session so far
/// (a `Summary` over the settled and the still open speech segments), the state line and the
/// level meters. A value: the renderer turns it into text, tests build one by hand.
public struct LiveViewState: Equatable, Sendable {
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

    /// Seconds of audio analysed.
    public var elapsedS: Double
    /// What is captured: device names, rate, channels.
    public var deviceLabel: String
    public var agentName: String?
    public var activity: Activity
    public var meters: [Meter]
    /// The figures so far (talk, pauses, interruptions, backchannels, alerts).
    public var summary: Summary
    /// Latest events as one-line texts, oldest first.
    public var recentEvents: [String]
    /// Capture gaps (overruns, suspends) so far.
    public var gapCount: Int
    /// Where the audio is being recorded, when `--record` was given.
    public var recordingPath: String?
    /// The dead-air threshold, seconds: a current silence this long is flagged.
    public var deadAirMinS: Double

    public init(
        elapsedS: Double, deviceLabel: String, agentName: String?, activity: Activity, meters: [Meter],
        summary: Summary, recentEvents: [String], gapCount: Int, recordingPath: String?, deadAirMinS: Double
    ) {
        self.elapsedS = elapsedS
        self.deviceLabel = deviceLabel
        self.agentName = agentName
        self.activity = activity
        self.meters = meters
        self.summary = summary
        self.recentEvents = recentEvents
        self.gapCount = gapCount
        self.recordingPath = recordingPath
        self.deadAirMinS = deadAirMinS
    }
}

/// The running figures of a session being captured, from the analyzer's state.
public struct LiveSnapshot: Sendable {
    /// The talk-share alert waits until the conversation is this long, seconds: the first
    /// seconds of a call are the agent's greeting, and a share over them says nothing.
    /// (The final summary applies the rule to the whole call, as `analyze` does.)
    public static let talkShareSettleS = 30.0

    /// The summary so far: settled segments plus each party's open segment.
    public var summary: Summary
    /// Frames whose speech decision is made (the analysis trails the input by the detector's look-back).
    public var decidedFrame: Int
    public var activity: LiveViewState.Activity
    public var meters: [LiveViewState.Meter]
    /// Start of the current mutual silence (frame), or `nil` while someone speaks.
    public var silenceStartFrame: Int?

    /// Takes the analyzer's state now. `ring` is what ring detection found so far (or `nil`).
    public init(
        analyzer: CallAnalyzer, source: Summary.Source, session: Summary.Session, ring: RingSummary?,
        conversation: ConversationConfig, limits: AlertLimits
    ) {
        let live = analyzer.liveChannels
        decidedFrame = max(0, analyzer.framesProcessed - analyzer.config.voiceActivity.lookBackFrames)
        var segments = analyzer.segmentsSoFar
        // Open segments count only once they are long enough to survive as speech
        // (SPEC: bursts under 100 ms are not speech), so running figures never count a click.
        let minBurstFrames = FrameClock.frames(analyzer.config.segmentation.minBurstS)
        let open = live.compactMap(\.openSegment).filter { $0.lengthFrames >= minBurstFrames }
        segments.append(contentsOf: open)
        segments.sort { ($0.startFrame, $0.party) < ($1.startFrame, $1.party) }

        let windowStartFrame = ring?.answeredS.map(FrameClock.frames) ?? 0
        let figures = ConversationAnalysis.analyze(
            segments: segments, windowStartFrame: windowStartFrame, layout: analyzer.layout,
            answered: ring?.answered ?? true, config: conversation)
        var session = session
        session.durationS = roundedToHundredths(FrameClock.seconds(analyzer.framesProcessed))
        var summary = Summary(
            source: source, session: session, ring: ring, talk: figures.talk,
            greetingLatencyS: figures.greetingLatencyS, pauses: figures.pauses,
            interruptions: figures.interruptions, backchannels: figures.backchannels, turns: figures.turns,
            responseLatency: figures.responseLatency, switchesPerMin: figures.switchesPerMin,
            levels: analyzer.levelsSoFar, segments: segments, alerts: [])
        summary.alerts = AlertRules.evaluate(summary, limits: limits)
        let windowFrames = (segments.map(\.endFrame).max() ?? windowStartFrame) - windowStartFrame
        if windowFrames < FrameClock.frames(Self.talkShareSettleS) {
            summary.alerts.removeAll { $0.rule == .agentShare }
        }
        self.summary = summary

        meters = live.map {
            LiveViewState.Meter(
                party: $0.party, levelDbfs: $0.levelDbfs, noiseFloorDbfs: $0.noiseFloorDbfs,
                speaking: $0.openSegment != nil)
        }
        let talking = live.filter { $0.openSegment != nil }.map(\.party).sorted()
        if let ring, ring.answeredS == nil, talking.isEmpty {
            activity = .ringing(rings: ring.rings)
            silenceStartFrame = nil
        } else if !talking.isEmpty {
            activity = .talking(talking)
            silenceStartFrame = nil
        } else {
            let lastEnd = max(windowStartFrame, segments.map(\.endFrame).max() ?? 0)
            silenceStartFrame = lastEnd
            activity = .silence(seconds: FrameClock.seconds(max(0, decidedFrame - lastEnd)))
        }
    }
}
