import ArgumentParser
import CallPulseAudio
import CallPulseCore
import CallPulseRender
import CallPulseStore
import Foundation

/// `callpulse live`: listens to the headset during calls and shows what the call looks like.
struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Watch a call as it happens: who talks, silences, interruptions, alerts.",
        discussion: """
        Listens to an ALSA capture device (see `callpulse devices`). A stereo device carries \
        the agent on the left and the customer on the right (--layout customer,agent swaps); \
        a headset microphone alone is --channels 1 (layout agent); a microphone plus a second \
        device carrying the far end (the headset's playback monitor) is --line-device.
        On a terminal it shows a full-screen view; piped, it prints one JSON event per line \
        (schema callpulse.event/1). Started at the beginning of a shift, it cuts the shift into \
        calls: a ring or the customer's speech starts one; a disconnect tone or the line idle for \
        --call-end-silence ends it; each call is kept as its own session, and the shift figures \
        come last. --one-call treats the whole capture as one call. Ctrl-C ends the capture: \
        the summaries are printed and kept, and where is named.
        """
    )

    @Option(help: ArgumentHelp("The capture device (ALSA PCM name) of the headset microphone, or of both sides in stereo.", valueName: "PCM"))
    var device = "default"

    @Option(name: .customLong("line-device"), help: ArgumentHelp("A second capture device carrying the customer (e.g. the headset's playback monitor); --device is then the agent's microphone.", valueName: "PCM"))
    var lineDevice: String?

    @Option(help: ArgumentHelp("Which party each channel carries: agent,customer (stereo default), customer,agent, agent (mono default) or mixed.", valueName: "LAYOUT"))
    var layout: ChannelLayout?

    @Option(help: ArgumentHelp("Sample rate to ask the device for, Hz (8000-48000).", valueName: "HZ"))
    var rate = 16_000

    @Option(help: ArgumentHelp("Channels to ask the device for: 1 or 2 (default: from --layout; 2 without one).", valueName: "N"))
    var channels: Int?

    @Option(help: ArgumentHelp("Stop after this many seconds.", valueName: "S"))
    var duration: Double?

    @Option(help: ArgumentHelp("The agent's name, kept in the summary (default: your user name).", valueName: "NAME"),
            transform: AgentName.canonical)
    var agent: String?

    @OptionGroup(title: "Ringing")
    var ringCadence: RingCadenceOption

    @OptionGroup(title: "Session store")
    var store: StoreOptions

    @Flag(name: .customLong("one-call"), help: "Treat the whole capture as one call (one session until Ctrl-C), instead of cutting a shift into calls.")
    var oneCall = false

    @OptionGroup(title: "Calls in a shift")
    var shiftOptions: ShiftOptions

    /// Longest `--duration`, seconds: one week. A monitor runs for a shift (8-12 h); a week
    /// covers any capture someone means, and keeps the sample count far from overflowing.
    static let maxDurationS = 604_800.0

    /// `--agent`, or the login name of whoever runs the monitor (SPEC: live sessions name their agent).
    var agentName: String? {
        if let agent { return agent }
        let environment = ProcessInfo.processInfo.environment
        if let name = [environment["USER"], environment["LOGNAME"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) {
            return AgentName.canonical(name)
        }
        // Cron, systemd and containers may set neither: ask the password database.
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        return AgentName.canonical(String(cString: name))
    }

    @Option(help: ArgumentHelp("Also record what was captured to this WAV file (mode 0600).", valueName: "FILE.wav"))
    var record: String?

    @OptionGroup(title: "Thresholds")
    var thresholds: ThresholdOptions

    /// Stop after exactly this many sample frames (tests: the `file` plugin repeats its last
    /// buffer after the end of its file).
    @Option(help: .hidden)
    var frames: Int?

    /// Hold each period back until real time catches up (benchmarks with a file-plugin PCM).
    @Flag(help: .hidden)
    var pace = false

    /// Ask only for this sample format (s16, s32, float): tests of the conversions.
    @Option(name: .customLong("sample-format"), help: .hidden)
    var sampleFormat: String?

    /// Write CPU use and the arrival-to-output delay to this file at the end.
    @Option(name: .customLong("bench-report"), help: .hidden)
    var benchReport: String?

    func validate() throws {
        try validateAgentName(agent)
        guard ALSACapture.supportedRatesHz.contains(rate) else {
            throw ValidationError("--rate must be between 8000 and 48000 Hz, not \(rate).")
        }
        if let channels, channels != 1 && channels != 2 {
            throw ValidationError("--channels must be 1 or 2, not \(channels).")
        }
        if lineDevice != nil {
            if layout != nil {
                throw ValidationError("--layout does not apply with --line-device: --device is the agent, --line-device the customer.")
            }
            if let channels, channels != 1 {
                throw ValidationError("With --line-device each device is captured in mono: leave out --channels or give 1.")
            }
        } else if let layout, let channels, layout.channelCount != channels {
            throw ValidationError("--layout \(layout.rawValue) needs --channels \(layout.channelCount), not \(channels).")
        }
        if let duration, !(duration > 0 && duration <= Self.maxDurationS) {
            throw ValidationError("--duration must be a number of seconds above 0 and at most \(Int(Self.maxDurationS)) (a week), not \(duration).")
        }
        if let frames, frames <= 0 {
            throw ValidationError("--frames must be above 0.")
        }
        if let sampleFormat, Self.sampleFormats(sampleFormat) == nil {
            throw ValidationError("--sample-format must be s16, s32 or float.")
        }
    }

    /// Sample frames to capture: the fewer of `--frames` and `--duration`, or `nil` (until Ctrl-C).
    func frameLimit(sampleRateHz: Int) -> Int? {
        let durationFrames = duration.map { Int(saturating: ($0 * Double(sampleRateHz)).rounded()) }
        return [frames, durationFrames].compactMap { $0 }.min()
    }

    /// The layout of the analysed channels.
    var resolvedLayout: ChannelLayout {
        if lineDevice != nil { return .agentCustomer }
        if let layout = layout { return layout }
        return channels == 1 ? .agentOnly : .agentCustomer
    }

    static func sampleFormats(_ name: String?) -> [CaptureSampleFormat]? {
        switch name {
        case nil: CaptureSampleFormat.allCases
        case "s16": [.s16]
        case "s32": [.s32]
        case "float": [.float]
        default: nil
        }
    }

    func run() throws {
        let layout = resolvedLayout
        let capture: LiveCapture
        do {
            capture = try openCapture(layout: layout)
        } catch {
            printError(error.description)
            throw CommandFailure(status: .device)
        }
        capture.pacedToRealTime = pace

        var recorder: WAVWriter?
        if let record {
            do {
                recorder = try WAVWriter(
                    path: record, sampleRateHz: capture.sampleRateHz, channelCount: capture.channelCount,
                    encoding: capture.formatName == CaptureSampleFormat.s16.rawValue ? .pcm16 : .float32)
            } catch {
                printError(error.description)
                throw CommandFailure(status: .badInput)
            }
        }

        // Shift mode: each call is kept as soon as it ends, so a shift's calls are never lost
        // to a later failure; a store that fails puts the call in its fallback file.
        var storeFailure: ExitStatus?
        let keepCall: (Summary) -> Void = { summary in
            do { try store.keep([summary]) } catch let failed as CommandFailure {
                storeFailure = failed.status
            } catch {
                storeFailure = .store
            }
        }
        let session = LiveSessionRun(
            capture: capture, layout: layout, agent: agentName, thresholds: thresholds,
            config: ringCadence.analyzerConfig, frameLimit: frameLimit(sampleRateHz: capture.sampleRateHz),
            recordingPath: record, shift: oneCall ? nil : shiftOptions.config, onCall: oneCall ? nil : keepCall)
        session.publisher = livePublisher()
        let outcome = session.run(recorder: &recorder)
        if var writer = recorder.take() {
            do { try writer.finish() } catch { printError(error.description) }
        }
        if let benchReport { session.writeBenchReport(to: benchReport) }

        var failure = storeFailure
        let summaries = outcome.summaries
        if !session.printsEvents {
            print(summaries.map { TextRenderer.render($0, limits: thresholds.limits, color: colorWanted()) }.joined(separator: "\n\n"))
        }
        // Kept before anything else can fail: in the store, or (store failing) in the
        // fallback file its error line names.
        var keptIn: String?
        do {
            if oneCall { try store.keep(summaries) }
            if storeFailure != nil { throw CommandFailure(status: .store) }
            let ids = summaries.map(\.session.id).joined(separator: " ")
            keptIn = store.location.map { "the session store \(TerminalText.escaped($0)) as session\(summaries.count == 1 ? "" : "s") \(ids)" }
        } catch let stored as CommandFailure {
            failure = stored.status
        }
        if let keptIn {
            if session.printsEvents {
                FileHandle.standardError.write(Data("callpulse: summary kept in \(keptIn)\n".utf8))
            } else {
                print("\nSummary kept in \(keptIn)")
            }
        }
        if let lost = outcome.deviceError {
            printError(lost.description + (keptIn.map { " in \($0)" } ?? ""))
            failure = failure ?? .device
        }
        if let failure { throw CommandFailure(status: failure) }
    }

    /// The wallboard's publisher: the tile goes to the store the sessions go to (the team
    /// store, or on one machine the SQLite store `serve` reads). A store that cannot take it
    /// costs one warning line; the monitor goes on.
    private func livePublisher() -> LiveStatePublisher? {
        guard let location = store.location else { return nil }
        let warn: @Sendable (String) -> Void = { reason in printWarning("the wallboard does not get this monitor's state: \(reason)") }
        do {
            let writer: any LiveStateWriter
            if let team = store.teamStore {
                writer = try PostgresDashboardStore(url: team, maximumConnections: 1)
            } else {
                writer = try SQLiteDashboardStore(path: location)
            }
            let silent: @Sendable (String) -> Void = { _ in }
            return LiveStatePublisher(writer: writer, onFailure: store.teamStore == nil ? silent : warn)
        } catch {
            // A local store that cannot be opened is reported when the session is kept.
            if store.teamStore != nil { warn((error as? StoreError)?.description ?? "\(error)") }
            return nil
        }
    }

    private func openCapture(layout: ChannelLayout) throws(CaptureError) -> LiveCapture {
        let formats = Self.sampleFormats(sampleFormat) ?? CaptureSampleFormat.allCases
        if let lineDevice {
            let microphone = try ALSACapture(device: device, sampleRateHz: rate, channelCount: 1, sampleFormats: formats)
            let line = try ALSACapture(device: lineDevice, sampleRateHz: microphone.format.sampleRateHz, channelCount: 1, sampleFormats: formats)
            return try LiveCapture(agent: microphone, line: line)
        }
        return LiveCapture(try ALSACapture(device: device, sampleRateHz: rate, channelCount: layout.channelCount, sampleFormats: formats))
    }
}
