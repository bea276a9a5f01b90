import CallPulseAudio
import CallPulseCore
import CallPulseRender
import Foundation

/// One live session: the capture loop that feeds the analysis core (the same `CallAnalyzer`
/// as `analyze`), and the output: the terminal view, or NDJSON events when standard output
/// is not a terminal.
final class LiveSessionRun {
    /// Time between redraws of the terminal view, nanoseconds: 50 ms, 20 frames a second
    /// (SPEC: at least 5). A period then waits at most ~60 ms for the screen, which leaves
    /// room in the 150 ms budget for the voice detector's 40 ms look-back; measured cost of
    /// a redraw is small (see README, "Live: measured").
    static let redrawIntervalNs: UInt64 = 50_000_000
    /// Analysis frames between event checks when printing NDJSON: 10 (100 ms of audio).
    static let eventCheckFrames = 10
    /// Analysis frames between `tick` lines: one second.
    static let tickFrames = FrameClock.framesPerSecond
    /// Event lines kept for the view's event list.
    static let recentEventCount = 20

    struct Outcome {
        var summary: Summary
        /// The device failed mid-call (the session so far is in `summary`).
        var deviceError: CaptureError?
    }

    let capture: LiveCapture
    let layout: ChannelLayout
    let thresholds: ThresholdOptions
    let frameLimit: Int?
    let recordingPath: String?
    let printsEvents: Bool
    private let source: Summary.Source
    private var session: Summary.Session
    private var analyzer: CallAnalyzer
    private var tracker: EventTracker
    private var recentEvents: [String] = []

    // Measurements (hidden --bench-report).
    private var startNs: UInt64 = 0
    private var startUsage = rusage()
    private var outputDelaysNs: [UInt64] = []
    private var outputs = 0

    init(
        capture: LiveCapture, layout: ChannelLayout, agent: String?, thresholds: ThresholdOptions,
        config: AnalyzerConfig, frameLimit: Int?, recordingPath: String?
    ) {
        self.capture = capture
        self.layout = layout
        self.thresholds = thresholds
        self.frameLimit = frameLimit
        self.recordingPath = recordingPath
        printsEvents = !TerminalScreen.isTerminal()
        source = Summary.Source(
            kind: "alsa", path: capture.deviceLabel, sampleRateHz: capture.sampleRateHz,
            channels: capture.channelCount, format: capture.formatName, layout: layout)
        let id = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        session = Summary.Session(
            id: String(repeating: "0", count: 16 - id.count) + id, agent: nil,
            startedAt: UTCTimestamp.format(unixSeconds: Int64(Int(saturating: Date().timeIntervalSince1970))), durationS: 0)
        session.agent = agent
        analyzer = CallAnalyzer(sampleRateHz: capture.sampleRateHz, layout: layout, config: config)
        tracker = EventTracker(conversation: thresholds.conversation)
    }

    func run(recorder: inout WAVWriter?) -> Outcome {
        let signals = TerminalSignals()
        defer { signals.release() }
        let screen = printsEvents ? nil : TerminalScreen()
        screen?.enter()
        defer { screen?.restore() }

        startNs = ALSACapture.monotonicNs()
        getrusage(RUSAGE_SELF.rawValue, &startUsage)
        let channels = capture.channelCount
        var block = [Float](repeating: 0, count: capture.maxBlockFrames * channels)
        let silence = [Float](repeating: 0, count: capture.maxBlockFrames * channels)
        var framesTaken = 0
        var deviceError: CaptureError?
        var lastRedrawNs: UInt64 = 0
        /// Arrival time of the oldest audio not yet on screen (or in an output line).
        var oldestUnshownNs: UInt64 = 0
        var nextEventFrame = Self.eventCheckFrames
        var nextTickFrame = Self.tickFrames
        var needsClear = false
        // Read once: ProcessInfo builds the whole environment dictionary on every call.
        let color = ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true

        func feed(_ samples: UnsafeBufferPointer<Float>, recorder: inout WAVWriter?) {
            analyzer.process(interleaved: samples)
            if recorder != nil {
                do { try recorder!.write(interleaved: samples) } catch {
                    printError(error.description)
                    recorder = nil
                }
            }
        }

        while !signals.stopRequested {
            if let frameLimit, framesTaken >= frameLimit { break }
            let read: (frames: Int, gapFrames: Int)
            do {
                // nil: Ctrl-C (or SIGTERM, SIGHUP) while the device delivered nothing.
                guard let block = try block.withUnsafeMutableBufferPointer({ (buffer) throws(CaptureError) in
                    try capture.read(into: buffer, shouldStop: { signals.stopRequested })
                }) else { break }
                read = block
            } catch {
                deviceError = error
                break
            }
            let arrivalNs = ALSACapture.monotonicNs()
            if oldestUnshownNs == 0 { oldestUnshownNs = arrivalNs }
            if read.gapFrames > 0 {
                // The timeline keeps its length: the lost audio counts as silence.
                var remaining = min(read.gapFrames, frameLimit.map { $0 - framesTaken } ?? read.gapFrames)
                note(.gap(atS: FrameClock.seconds(analyzer.framesProcessed), lostS: Double(read.gapFrames) / Double(capture.sampleRateHz)))
                while remaining > 0 {
                    let chunk = min(remaining, capture.maxBlockFrames)
                    silence.withUnsafeBufferPointer { feed(UnsafeBufferPointer(rebasing: $0[0..<(chunk * channels)]), recorder: &recorder) }
                    remaining -= chunk
                    framesTaken += chunk
                }
            }
            let take = min(read.frames, frameLimit.map { $0 - framesTaken } ?? read.frames)
            if take > 0 {
                block.withUnsafeBufferPointer { feed(UnsafeBufferPointer(rebasing: $0[0..<(take * channels)]), recorder: &recorder) }
                framesTaken += take
            }

            if let screen {
                let now = ALSACapture.monotonicNs()
                let resized = signals.takeResize()
                if resized { needsClear = true }
                if resized || now - lastRedrawNs >= Self.redrawIntervalNs {
                    let snapshot = snapshotNow()
                    for event in tracker.update(snapshot) { note(event) }
                    let size = screen.size
                    let lines = LiveViewRenderer.render(
                        viewState(snapshot), columns: max(1, size.columns - 1), rows: size.rows,
                        color: color)
                    screen.draw(lines, clearFirst: needsClear)
                    needsClear = false
                    lastRedrawNs = ALSACapture.monotonicNs()
                    recordDelay(since: oldestUnshownNs, now: lastRedrawNs)
                    oldestUnshownNs = 0
                }
            } else if analyzer.framesProcessed >= nextEventFrame {
                nextEventFrame = analyzer.framesProcessed + Self.eventCheckFrames
                let snapshot = snapshotNow()
                var lines = tracker.update(snapshot).map(EventRenderer.event)
                if analyzer.framesProcessed >= nextTickFrame {
                    nextTickFrame += Self.tickFrames
                    lines.append(EventRenderer.tick(snapshot, atS: FrameClock.seconds(analyzer.framesProcessed)))
                }
                if !lines.isEmpty {
                    writeAll(fd: STDOUT_FILENO, lines.joined(separator: "\n") + "\n")
                    recordDelay(since: oldestUnshownNs, now: ALSACapture.monotonicNs())
                }
                oldestUnshownNs = 0
            }
        }
        capture.close()

        let analysis = analyzer.finish()
        let summary = SummaryBuilder.build(
            analysis: analysis, source: source, session: session,
            conversation: thresholds.conversation, limits: thresholds.limits)
        if printsEvents {
            writeAll(fd: STDOUT_FILENO, EventRenderer.summary(summary, atS: analysis.durationS) + "\n")
        }
        return Outcome(summary: summary, deviceError: deviceError)
    }

    private func snapshotNow() -> LiveSnapshot {
        LiveSnapshot(
            analyzer: analyzer, source: source, session: session, ring: analyzer.ringSoFar,
            conversation: thresholds.conversation, limits: thresholds.limits)
    }

    private func viewState(_ snapshot: LiveSnapshot) -> LiveViewState {
        let device = capture.deviceLabel + " (\(capture.sampleRateHz) Hz, \(capture.channelCount) ch, \(layout.rawValue))"
        return LiveViewState(
            elapsedS: FrameClock.seconds(analyzer.framesProcessed), deviceLabel: device, agentName: session.agent,
            activity: snapshot.activity, meters: snapshot.meters, summary: snapshot.summary,
            recentEvents: recentEvents, gapCount: capture.gapCount, recordingPath: recordingPath,
            deadAirMinS: thresholds.deadAirMinS)
    }

    /// Keeps an event for the view's list, or prints it at once as NDJSON (gaps are noted
    /// by the loop, outside the tracker).
    private func note(_ event: LiveEvent) {
        if printsEvents, case .gap = event {
            writeAll(fd: STDOUT_FILENO, EventRenderer.event(event) + "\n")
            return
        }
        recentEvents.append(EventRenderer.text(event))
        if recentEvents.count > Self.recentEventCount { recentEvents.removeFirst() }
    }

    private func recordDelay(since arrivalNs: UInt64, now: UInt64) {
        outputs += 1
        if arrivalNs > 0 && now >= arrivalNs { outputDelaysNs.append(now - arrivalNs) }
    }

    /// CPU use (user + system, share of one core) over the session and the delay from a
    /// period's arrival to the output that first shows it.
    func writeBenchReport(to path: String) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        let cpuS = seconds(usage.ru_utime) - seconds(startUsage.ru_utime) + seconds(usage.ru_stime) - seconds(startUsage.ru_stime)
        let wallS = Double(ALSACapture.monotonicNs() - startNs) / 1e9
        let delaysMs = outputDelaysNs.map { Double($0) / 1e6 }.sorted()
        func percentile(_ p: Double) -> Double {
            delaysMs.isEmpty ? 0 : delaysMs[min(delaysMs.count - 1, Int(saturating: p * Double(delaysMs.count - 1)))]
        }
        func number(_ value: Double) -> JSONValue { .number(roundedToHundredths(value).description) }
        let report = JSONWriter.write(.object([
            ("wall_s", number(wallS)), ("cpu_s", .number((roundedToHundredths(cpuS * 100) / 100).description)),
            ("cpu_pct_of_one_core", number(100 * cpuS / max(wallS, 1e-9))),
            ("outputs", .number(String(outputs))), ("outputs_per_s", number(Double(outputs) / max(wallS, 1e-9))),
            ("delay_ms_median", number(percentile(0.5))), ("delay_ms_p95", number(percentile(0.95))),
            ("delay_ms_max", number(delaysMs.last ?? 0)),
        ]), pretty: false) + "\n"
        _ = FileManager.default.createFile(atPath: path, contents: Data(report.utf8))
    }
}
