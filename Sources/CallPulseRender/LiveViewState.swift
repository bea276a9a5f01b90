import CallPulseCore

/// Everything the live view shows at one moment: the running figures of the session so far
/// (a `Summary` over the settled and the still open speech segments), the state line and the
/// level meters. A value: the renderer turns it into text, tests build one by hand.
public struct LiveViewState: Equatable, Sendable {
    /// What is happening right now (Core's `LiveSnapshot.Activity`).
    public typealias Activity = LiveSnapshot.Activity
    /// One channel's level meter (Core's `LiveSnapshot.Meter`).
    public typealias Meter = LiveSnapshot.Meter

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
    /// Shift mode: the call's number and the shift strip (`ShiftRenderer.strip`); `nil` for one call.
    public var shiftLine: String?

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
