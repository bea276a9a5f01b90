import CallPulseCore

/// Where a live session's audio comes from: blocks of interleaved samples, with the gaps the
/// device lost. `LiveCapture` is the real one; tests feed a recorded call.
public protocol LiveAudioSource: AnyObject {
    var sampleRateHz: Int { get }
    var channelCount: Int { get }
    /// Most sample frames one `read` delivers.
    var maxBlockFrames: Int { get }
    /// Capture gaps (overruns, suspends) so far.
    var gapCount: Int { get }
    /// The next block: sample frames written and frames of silence standing for a gap just
    /// before them; `nil` when `shouldStop` said so while waiting.
    func read(
        into samples: UnsafeMutableBufferPointer<Float>, shouldStop: () -> Bool
    ) throws(CaptureError) -> (frames: Int, gapFrames: Int)?
    func close()
}

extension LiveCapture: LiveAudioSource {}

/// What a live session's figures are shown on: the terminal view or NDJSON lines (the CLI's),
/// or a test's list. The session decides when (`cadence`), the sink only renders.
public protocol LiveSessionSink: AnyObject {
    /// When the sink wants the running figures.
    var cadence: LiveSession.Cadence { get }
    /// Whether the sink wants the figures now, whatever the cadence (a resized terminal).
    func wantsUpdateNow() -> Bool
    /// The capture lost audio; the session counts it as silence.
    func gap(_ event: LiveEvent)
    /// The figures now and the events that became certain since the last update; `tick`
    /// when a `tickFrames` boundary has passed. Returns whether anything was written.
    func update(_ snapshot: LiveSnapshot, events: [LiveEvent], tick: Bool, atS: Double) -> Bool
    /// The session has ended with `summary`.
    func finish(_ summary: Summary, atS: Double)
    /// Recording the audio failed; the session goes on without it.
    func recordingFailed(_ error: WAVError)
    /// Shift mode: call `index` has started `offsetS` into the capture.
    func callStarted(index: Int, offsetS: Double, atS: Double)
    /// Shift mode: a call has ended with `summary`; `shift` counts it.
    func callEnded(_ summary: Summary, shift: ShiftFigures, atS: Double)
    /// Shift mode, between calls, once a second: idle since `sinceS` (capture time).
    func idle(sinceS: Double, shift: ShiftFigures, atS: Double)
    /// Shift mode: the capture has ended; the shift figures, last.
    func shiftEnded(_ shift: ShiftFigures, atS: Double)
}

extension LiveSessionSink {
    public func callStarted(index: Int, offsetS: Double, atS: Double) {}
    public func callEnded(_ summary: Summary, shift: ShiftFigures, atS: Double) {}
    public func idle(sinceS: Double, shift: ShiftFigures, atS: Double) {}
    public func shiftEnded(_ shift: ShiftFigures, atS: Double) {}
}

/// One live session as a value the CLI drives and a test can run without a terminal:
/// capture → the same `CallAnalyzer` as `analyze` → `EventTracker` → a sink. The clock is
/// injected (monotonic nanoseconds), so pacing and output delays are testable.
///
/// With a `shift` configuration the capture is a shift (SPEC "Calls in a shift"): a
/// `CallSplitter` cuts it into calls, each its own session with its own `CallAnalyzer`
/// and `EventTracker`; the running figures are the current call's only, so the work per
/// update does not grow with the shift. Without one, the whole capture is one session.
public final class LiveSession {
    /// When a sink is updated.
    public enum Cadence: Sendable {
        /// Every `intervalNs` of wall-clock time (a redrawn view).
        case wallClock(intervalNs: UInt64)
        /// Every `frames` analysis frames of audio (event lines).
        case audioFrames(Int)
    }

    /// Analysis frames between `tick` updates: one second.
    public static let tickFrames = FrameClock.framesPerSecond

    public let source: Summary.Source
    public private(set) var session: Summary.Session
    public let thresholds: (conversation: ConversationConfig, limits: AlertLimits)
    /// Sample frames after which the session ends by itself (`--duration`).
    public let frameLimit: Int?
    private var analyzer: CallAnalyzer
    private var tracker: EventTracker
    private let clockNs: () -> UInt64
    /// Shift mode: the splitter, the shift figures so far, the current call's session.
    private var splitter: CallSplitter?
    public private(set) var shift = ShiftFigures()
    private var callSession: Summary.Session?
    private var idleSinceS = 0.0
    /// Sample frames fed so far (gaps included).
    private var samplesFed = 0
    private let sampleRateHz: Int
    /// Called with each call's summary as the call ends (shift mode), before anything else:
    /// the CLI keeps it in the store at once.
    public var onCall: ((Summary) -> Void)?

    /// Updates the sink took (measurements, hidden `--bench-report`).
    public private(set) var outputs = 0
    /// Per update, the time from the read that delivered the oldest audio not yet shown to
    /// the end of the update, nanoseconds.
    public private(set) var outputDelaysNs: [UInt64] = []

    public init(
        source: Summary.Source, session: Summary.Session, layout: ChannelLayout, sampleRateHz: Int,
        config: AnalyzerConfig, conversation: ConversationConfig, limits: AlertLimits,
        frameLimit: Int?, clockNs: @escaping () -> UInt64, shift: CallSplitter.Config? = nil
    ) {
        self.source = source
        self.session = session
        thresholds = (conversation, limits)
        self.frameLimit = frameLimit
        self.clockNs = clockNs
        analyzer = CallAnalyzer(sampleRateHz: sampleRateHz, layout: layout, config: config)
        tracker = EventTracker(conversation: conversation)
        self.sampleRateHz = sampleRateHz
        splitter = shift.map { CallSplitter(sampleRateHz: sampleRateHz, layout: layout, config: config, shift: $0) }
    }

    /// Seconds of audio analysed so far.
    public var elapsedS: Double {
        FrameClock.seconds(framesForCadence)
    }

    /// Frames of audio taken so far (in shift mode the capture's; the current call's analyzer has every sample of it too),
    /// counted as `FrameClock` places them (11 025 Hz: frames of 110 or 111 samples).
    private var framesForCadence: Int {
        splitter == nil ? analyzer.framesProcessed : FrameClock.framesComplete(samples: samplesFed, sampleRateHz: sampleRateHz)
    }

    /// Shift mode: hands the splitter's calls to the sink and the store.
    private func handle(_ events: [CallSplitter.Event], sink: some LiveSessionSink, summaries: inout [Summary]) {
        for event in events {
            switch event {
            case let .started(index, offsetFrame):
                tracker = EventTracker(conversation: thresholds.conversation)
                callSession = callSessionFor(index: index, offsetFrame: offsetFrame, durationS: 0, endedBy: .stop)
                sink.callStarted(index: index, offsetS: FrameClock.seconds(offsetFrame), atS: elapsedS)
            case let .ended(call):
                let summary = SummaryBuilder.build(
                    analysis: call.analysis, source: source,
                    session: callSessionFor(index: call.index, offsetFrame: call.offsetFrame, durationS: call.analysis.durationS, endedBy: call.endedBy),
                    conversation: thresholds.conversation, limits: thresholds.limits)
                onCall?(summary)
                shift.add(summary, maxRings: thresholds.limits.maxRings)
                shift.shiftS = elapsedS
                summaries.append(summary)
                callSession = nil
                idleSinceS = elapsedS
                sink.callEnded(summary, shift: shift, atS: elapsedS)
            }
        }
    }

    /// A call's session: the shift's id with the call's number, its start from the shift's.
    private func callSessionFor(index: Int, offsetFrame: Int, durationS: Double, endedBy: Summary.Call.EndedBy) -> Summary.Session {
        let offsetS = FrameClock.seconds(offsetFrame)
        let startedAt = session.startedAt.flatMap(UTCTimestamp.parse).map { UTCTimestamp.format(unixSeconds: Int64(($0 + offsetS).rounded())) }
        return Summary.Session(
            id: session.id + "-" + String(index), agent: session.agent, startedAt: startedAt, durationS: durationS,
            call: Summary.Call(shiftID: session.id, index: index, offsetS: offsetS, endedBy: endedBy))
    }

    /// Reads `audio` until `shouldStop`, the frame limit or a device error; feeds the
    /// analyzer (a gap as silence, so the timeline keeps its length) and `recorder`; updates
    /// `sink` on its cadence; ends with the summary. Returns the summary and the device
    /// error that ended it, if one did.
    public func run<Source: LiveAudioSource>(
        audio: Source, sink: some LiveSessionSink, recorder: inout WAVWriter?, shouldStop: () -> Bool
    ) -> (summaries: [Summary], deviceError: CaptureError?) {
        var summaries: [Summary] = []
        let channels = audio.channelCount
        var block = [Float](repeating: 0, count: audio.maxBlockFrames * channels)
        let silence = [Float](repeating: 0, count: audio.maxBlockFrames * channels)
        var framesTaken = 0
        var deviceError: CaptureError?
        var lastUpdateNs: UInt64 = 0
        /// Arrival time of the oldest audio not yet shown.
        var oldestUnshownNs: UInt64 = 0
        var nextUpdateFrame = 0
        var nextTickFrame = Self.tickFrames
        let cadence = sink.cadence
        if case .audioFrames(let every) = cadence { nextUpdateFrame = every }

        func feed(_ samples: UnsafeBufferPointer<Float>, recorder: inout WAVWriter?) {
            if splitter != nil {
                handle(splitter!.process(interleaved: samples), sink: sink, summaries: &summaries)
                samplesFed += samples.count / channels
            } else {
                analyzer.process(interleaved: samples)
            }
            if recorder != nil {
                do { try recorder!.write(interleaved: samples) } catch {
                    sink.recordingFailed(error)
                    recorder = nil
                }
            }
        }

        /// An update every `every` analysis frames, a tick each second of audio.
        func countedUpdate(every: Int) {
            let frames = framesForCadence
            guard frames >= nextUpdateFrame else { return }
            nextUpdateFrame = frames + every
            var tick = false
            if frames >= nextTickFrame {
                nextTickFrame += Self.tickFrames
                tick = true
            }
            if let snapshot = snapshotNow() {
                if sink.update(snapshot, events: tracker.update(snapshot), tick: tick, atS: elapsedS) {
                    recordDelay(since: oldestUnshownNs, now: clockNs())
                }
            } else if tick {
                sink.idle(sinceS: idleSinceS, shift: shift, atS: elapsedS)
            }
            oldestUnshownNs = 0
        }

        /// Feeds `samples` (whole sample frames), and with counted updates (NDJSON) stops at
        /// each update's first sample to make it: updates and ticks fall on their analysis
        /// frame whatever the period size or a gap's length.
        func feedCounted(_ samples: UnsafeBufferPointer<Float>, arrivalNs: UInt64) {
            let frames = samples.count / channels
            var fed = 0
            while fed < frames {
                var chunk = frames - fed
                if case .audioFrames = cadence {
                    let boundary = FrameClock.firstSample(ofFrame: nextUpdateFrame, sampleRateHz: audio.sampleRateHz) - framesTaken
                    if boundary > 0 { chunk = min(chunk, boundary) }
                }
                feed(UnsafeBufferPointer(rebasing: samples[(fed * channels)..<((fed + chunk) * channels)]), recorder: &recorder)
                fed += chunk
                framesTaken += chunk
                if case .audioFrames(let every) = cadence {
                    countedUpdate(every: every)
                    // What is left of the block arrived with it and is not shown yet.
                    if fed < frames && oldestUnshownNs == 0 { oldestUnshownNs = arrivalNs }
                }
            }
        }

        while !shouldStop() {
            if let frameLimit, framesTaken >= frameLimit { break }
            let read: (frames: Int, gapFrames: Int)
            do {
                guard let got = try block.withUnsafeMutableBufferPointer({ (buffer) throws(CaptureError) in
                    try audio.read(into: buffer, shouldStop: shouldStop)
                }) else { break }
                read = got
            } catch {
                deviceError = error
                break
            }
            let arrivalNs = clockNs()
            if oldestUnshownNs == 0 { oldestUnshownNs = arrivalNs }
            if read.gapFrames > 0 {
                var remaining = min(read.gapFrames, frameLimit.map { $0 - framesTaken } ?? read.gapFrames)
                sink.gap(.gap(atS: elapsedS, lostS: Double(read.gapFrames) / Double(audio.sampleRateHz)))
                while remaining > 0 {
                    let chunk = min(remaining, audio.maxBlockFrames)
                    silence.withUnsafeBufferPointer { feedCounted(UnsafeBufferPointer(rebasing: $0[0..<(chunk * channels)]), arrivalNs: arrivalNs) }
                    remaining -= chunk
                }
            }
            let take = min(read.frames, frameLimit.map { $0 - framesTaken } ?? read.frames)
            if take > 0 {
                block.withUnsafeBufferPointer { feedCounted(UnsafeBufferPointer(rebasing: $0[0..<(take * channels)]), arrivalNs: arrivalNs) }
            }

            // Counted updates were made while feeding; the view's come by the clock, per block.
            if case .wallClock(let intervalNs) = cadence, sink.wantsUpdateNow() || clockNs() - lastUpdateNs >= intervalNs {
                if let snapshot = snapshotNow() {
                    _ = sink.update(snapshot, events: tracker.update(snapshot), tick: false, atS: elapsedS)
                } else {
                    sink.idle(sinceS: idleSinceS, shift: shift, atS: elapsedS)
                }
                lastUpdateNs = clockNs()
                recordDelay(since: oldestUnshownNs, now: lastUpdateNs)
                oldestUnshownNs = 0
            }
        }
        audio.close()

        if splitter != nil {
            handle(splitter!.finish(), sink: sink, summaries: &summaries)
            shift.shiftS = elapsedS
            sink.shiftEnded(shift, atS: elapsedS)
            return (summaries, deviceError)
        }
        let analysis = analyzer.finish()
        let summary = SummaryBuilder.build(
            analysis: analysis, source: source, session: session,
            conversation: thresholds.conversation, limits: thresholds.limits)
        sink.finish(summary, atS: analysis.durationS)
        return ([summary], deviceError)
    }

    /// The running figures: the session's, or in shift mode the current call's (`nil` between calls).
    private func snapshotNow() -> LiveSnapshot? {
        guard let splitter else {
            return analyzer.snapshot(
                source: source, session: session, conversation: thresholds.conversation, limits: thresholds.limits)
        }
        guard let call = splitter.currentCall, let callSession else { return nil }
        return call.analyzer.snapshot(
            source: source, session: callSession, conversation: thresholds.conversation, limits: thresholds.limits)
    }

    private func recordDelay(since arrivalNs: UInt64, now: UInt64) {
        outputs += 1
        if arrivalNs > 0 && now >= arrivalNs { outputDelaysNs.append(now - arrivalNs) }
    }
}
