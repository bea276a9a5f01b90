import CallPulseAudio
import CallPulseCore
import CallPulseRender
import CallPulseStore
import Foundation

/// One live session as the command runs it: `LiveSession` (CallPulseAudio) does the capture
/// loop and the analysis; this wires it to the terminal (the view, or NDJSON events when
/// standard output is not a terminal) and measures it for the hidden `--bench-report`.
final class LiveSessionRun {
    /// Time between redraws of the terminal view, nanoseconds: 50 ms, 20 frames a second
    /// (SPEC: at least 5). A period then waits at most ~60 ms for the screen, which leaves
    /// room in the 150 ms budget for the voice detector's 40 ms look-back; measured cost of
    /// a redraw is small (see README, "Live: measured").
    static let redrawIntervalNs: UInt64 = 50_000_000
    /// Analysis frames between event checks when printing NDJSON: 10 (100 ms of audio).
    static let eventCheckFrames = 10

    struct Outcome {
        /// The session, or in shift mode every call in the order they ended.
        var summaries: [Summary]
        /// The device failed mid-call (the session so far is in `summary`).
        var deviceError: CaptureError?
    }

    let capture: LiveCapture
    let printsEvents: Bool
    private let session: LiveSession
    private let deviceText: String
    private let recordingPath: String?
    private let deadAirMinS: Double
    /// The wallboard's publisher (`--store`), and what the tile says about this monitor.
    var publisher: LiveStatePublisher?
    private let limits: AlertLimits
    private let agentName: String?
    private let monitorID = String(UInt64.random(in: 0...UInt64.max), radix: 16)

    // Measurements (hidden --bench-report).
    private var startNs: UInt64 = 0
    private var startUsage = rusage()
    /// CPU time used by the end of each whole hour of audio (NDJSON runs), seconds.
    private var cpuAtAudioHoursS: [Double] = []
    private var userAtAudioHoursS: [Double] = []

    init(
        capture: LiveCapture, layout: ChannelLayout, agent: String?, thresholds: ThresholdOptions,
        config: AnalyzerConfig, frameLimit: Int?, recordingPath: String?, shift: CallSplitter.Config?,
        onCall: ((Summary) -> Void)? = nil
    ) {
        self.capture = capture
        self.recordingPath = recordingPath
        deadAirMinS = thresholds.deadAirMinS
        limits = thresholds.limits
        agentName = agent
        printsEvents = !TerminalScreen.isTerminal()
        deviceText = capture.deviceLabel + " (\(capture.sampleRateHz) Hz, \(capture.channelCount) ch, \(layout.rawValue))"
        let source = Summary.Source(
            kind: "alsa", path: capture.deviceLabel, sampleRateHz: capture.sampleRateHz,
            channels: capture.channelCount, format: capture.formatName, layout: layout)
        let id = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        var summarySession = Summary.Session(
            id: String(repeating: "0", count: 16 - id.count) + id, agent: nil,
            startedAt: UTCTimestamp.format(unixSeconds: Int64(Int(saturating: Date().timeIntervalSince1970))), durationS: 0)
        summarySession.agent = agent
        session = LiveSession(
            source: source, session: summarySession, layout: layout, sampleRateHz: capture.sampleRateHz,
            config: config, conversation: thresholds.conversation, limits: thresholds.limits,
            frameLimit: frameLimit, clockNs: ALSACapture.monotonicNs, shift: shift)
        session.onCall = onCall
    }

    func run(recorder: inout WAVWriter?) -> Outcome {
        let signals = TerminalSignals()
        defer { signals.release() }
        startNs = ALSACapture.monotonicNs()
        getrusage(RUSAGE_SELF.rawValue, &startUsage)
        let result: (summaries: [Summary], deviceError: CaptureError?)
        if printsEvents {
            let sink = EventLineSink(every: Self.eventCheckFrames)
            result = session.run(audio: capture, sink: published(sink), recorder: &recorder, shouldStop: { signals.stopRequested })
            cpuAtAudioHoursS = sink.cpuAtAudioHoursS
            userAtAudioHoursS = sink.userAtAudioHoursS
        } else {
            let screen = TerminalScreen()
            screen.enter()
            defer { screen.restore() }
            let sink = TerminalViewSink(
                screen: screen, signals: signals, session: session, capture: capture, deviceText: deviceText,
                recordingPath: recordingPath, deadAirMinS: deadAirMinS)
            result = session.run(audio: capture, sink: published(sink), recorder: &recorder, shouldStop: { signals.stopRequested })
        }
        publisher?.stop()
        return Outcome(summaries: result.summaries, deviceError: result.deviceError)
    }

    /// `sink`, also feeding the wallboard when there is a publisher.
    private func published(_ sink: any LiveSessionSink) -> any LiveSessionSink {
        guard let publisher else { return sink }
        return LivePublishingSink(
            sink, publisher: publisher, agent: agentName ?? "unnamed", monitor: monitorID, deadAirMinS: deadAirMinS, limits: limits)
    }

    /// CPU use (user + system, share of one core) over the session and the delay from a
    /// period's arrival to the output that first shows it.
    func writeBenchReport(to path: String) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        let cpuS = seconds(usage.ru_utime) - seconds(startUsage.ru_utime) + seconds(usage.ru_stime) - seconds(startUsage.ru_stime)
        let wallS = Double(ALSACapture.monotonicNs() - startNs) / 1e9
        let delaysMs = session.outputDelaysNs.map { Double($0) / 1e6 }.sorted()
        let outputs = session.outputs
        func percentile(_ p: Double) -> Double { Percentile.linear(sortedValues: delaysMs, fraction: p) ?? 0 }
        func number(_ value: Double) -> JSONValue { .number(roundedToHundredths(value).description) }
        let report = JSONWriter.write(.object([
            ("wall_s", number(wallS)), ("cpu_s", .number((roundedToHundredths(cpuS * 100) / 100).description)),
            ("cpu_pct_of_one_core", number(100 * cpuS / max(wallS, 1e-9))),
            ("outputs", .number(String(outputs))), ("outputs_per_s", number(Double(outputs) / max(wallS, 1e-9))),
            ("delay_ms_median", number(percentile(0.5))), ("delay_ms_p95", number(percentile(0.95))),
            ("delay_ms_max", number(delaysMs.last ?? 0)),
            // CPU per hour of audio, hour by hour: flat when nothing grows with the shift.
            ("cpu_s_per_audio_hour", .array(zip(cpuAtAudioHoursS, [0] + cpuAtAudioHoursS).map { number($0 - $1) })),
            ("user_s_per_audio_hour", .array(zip(userAtAudioHoursS, [0] + userAtAudioHoursS).map { number($0 - $1) })),
        ]), pretty: false) + "\n"
        _ = FileManager.default.createFile(atPath: path, contents: Data(report.utf8))
    }
}

/// NDJSON lines on standard output (SPEC "Live output", not on a terminal).
private final class EventLineSink: LiveSessionSink {
    let cadence: LiveSession.Cadence

    init(every frames: Int) { cadence = .audioFrames(frames) }

    func wantsUpdateNow() -> Bool { false }

    func gap(_ event: LiveEvent) { _ = writeAll(fd: STDOUT_FILENO, EventRenderer.event(event) + "\n") }

    /// CPU time used by the end of each whole hour of audio, seconds (`--bench-report`).
    private(set) var cpuAtAudioHoursS: [Double] = []
    private(set) var userAtAudioHoursS: [Double] = []

    /// Notes the process's CPU time at each whole hour of audio.
    private func noteHour(atS: Double) {
        guard Int(atS) / 3600 > cpuAtAudioHoursS.count else { return }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        cpuAtAudioHoursS.append(seconds(usage.ru_utime) + seconds(usage.ru_stime))
        userAtAudioHoursS.append(seconds(usage.ru_utime))
    }

    func idle(sinceS: Double, shift: ShiftFigures, atS: Double) { noteHour(atS: atS) }

    func update(_ snapshot: LiveSnapshot, events: [LiveEvent], tick: Bool, atS: Double) -> Bool {
        if tick { noteHour(atS: atS) }
        var lines = events.map(EventRenderer.event)
        if tick { lines.append(EventRenderer.tick(snapshot, atS: atS)) }
        guard !lines.isEmpty else { return false }
        _ = writeAll(fd: STDOUT_FILENO, lines.joined(separator: "\n") + "\n")
        return true
    }

    func finish(_ summary: Summary, atS: Double) {
        _ = writeAll(fd: STDOUT_FILENO, EventRenderer.summary(summary, atS: atS) + "\n")
    }

    func recordingFailed(_ error: WAVError) { printError(error.description) }

    func callStarted(index: Int, offsetS: Double, atS: Double) {
        _ = writeAll(fd: STDOUT_FILENO, EventRenderer.callStart(index: index, offsetS: offsetS, atS: atS) + "\n")
    }

    func callEnded(_ summary: Summary, shift: ShiftFigures, atS: Double) {
        _ = writeAll(fd: STDOUT_FILENO, EventRenderer.callEnd(summary, atS: atS) + "\n" + EventRenderer.summary(summary, atS: atS) + "\n")
    }

    func shiftEnded(_ shift: ShiftFigures, atS: Double) {
        _ = writeAll(fd: STDOUT_FILENO, EventRenderer.shift(shift, atS: atS) + "\n")
    }
}

/// The full-screen view, redrawn every `redrawIntervalNs` and on a resize.
private final class TerminalViewSink: LiveSessionSink {
    /// Event lines kept for the view's event list.
    static let recentEventCount = 20

    let cadence = LiveSession.Cadence.wallClock(intervalNs: LiveSessionRun.redrawIntervalNs)
    private let screen: TerminalScreen
    private let signals: TerminalSignals
    private let session: LiveSession
    private let capture: LiveCapture
    private let deviceText: String
    private let recordingPath: String?
    private let deadAirMinS: Double
    private let color: Bool
    private var recentEvents: [String] = []
    private var needsClear = false
    /// Shift mode: the call shown, and the shift so far.
    private var callIndex: Int?
    private var shift = ShiftFigures()

    init(
        screen: TerminalScreen, signals: TerminalSignals, session: LiveSession, capture: LiveCapture,
        deviceText: String, recordingPath: String?, deadAirMinS: Double
    ) {
        self.screen = screen
        self.signals = signals
        self.session = session
        self.capture = capture
        self.deviceText = deviceText
        self.recordingPath = recordingPath
        self.deadAirMinS = deadAirMinS
        color = colorWanted()
    }

    func wantsUpdateNow() -> Bool {
        guard signals.takeResize() else { return false }
        needsClear = true
        return true
    }

    func gap(_ event: LiveEvent) { note(event) }

    func update(_ snapshot: LiveSnapshot, events: [LiveEvent], tick: Bool, atS: Double) -> Bool {
        for event in events { note(event) }
        var state = LiveViewState(
            elapsedS: atS, deviceLabel: deviceText, agentName: session.session.agent,
            activity: snapshot.activity, meters: snapshot.meters, summary: snapshot.summary,
            recentEvents: recentEvents, gapCount: capture.gapCount, recordingPath: recordingPath,
            deadAirMinS: deadAirMinS)
        if let callIndex { state.shiftLine = "call \(callIndex) · " + ShiftRenderer.strip(shift) }
        let size = screen.size
        screen.draw(
            LiveViewRenderer.render(state, columns: max(1, size.columns - 1), rows: size.rows, color: color),
            clearFirst: needsClear)
        needsClear = false
        return true
    }

    func finish(_ summary: Summary, atS: Double) {}

    func recordingFailed(_ error: WAVError) { printError(error.description) }

    func callStarted(index: Int, offsetS: Double, atS: Double) {
        callIndex = index
        recentEvents = []
        needsClear = true
    }

    func callEnded(_ summary: Summary, shift: ShiftFigures, atS: Double) {
        self.shift = shift
        callIndex = nil
        needsClear = true
    }

    func idle(sinceS: Double, shift: ShiftFigures, atS: Double) {
        let size = screen.size
        screen.draw(
            ShiftRenderer.idleScreen(elapsedS: atS, idleSinceS: sinceS, shift: shift, columns: max(1, size.columns - 1), rows: size.rows),
            clearFirst: needsClear)
        needsClear = false
    }

    private func note(_ event: LiveEvent) {
        recentEvents.append(EventRenderer.text(event))
        if recentEvents.count > Self.recentEventCount { recentEvents.removeFirst() }
    }
}
