import ArgumentParser
import CallPulseAudio
import CallPulseCore
import CallPulseRender
import CallPulseStore
import Foundation

/// `callpulse analyze`: recorded calls in, every SPEC figure out.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse recorded calls (WAV) and print a summary per call.",
        discussion: """
        Stereo recordings carry the agent on the left channel and the customer on the right \
        (change with --layout customer,agent). A mono headset recording is the agent alone \
        (--layout agent); a mono recording of both voices is --layout mixed. Two mono files \
        of one call: --agent-file A.wav --customer-file B.wav.
        A file that cannot be read is reported on one line and the others are still analysed; \
        the exit status is then 3.
        """
    )

    @Argument(help: ArgumentHelp("Recorded calls: WAV files (PCM, float, G.711 mu-law or A-law; 8-48 kHz; mono or stereo), or folders, whose *.wav files are all analysed (recursively).", valueName: "FILE|FOLDER"))
    var files: [String] = []

    @Option(name: [.customShort("j"), .customLong("jobs")], help: ArgumentHelp("Files analysed at once (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    @Flag(help: "With folders: analyse recordings again even when the session store already has them (same audio content).")
    var force = false

    @Option(help: ArgumentHelp("Which party each channel carries: agent,customer (stereo default), customer,agent, agent (mono default) or mixed.", valueName: "LAYOUT"))
    var layout: ChannelLayout?

    @Option(name: .customLong("agent-file"), help: ArgumentHelp("The agent's side of a call recorded as two mono files.", valueName: "FILE"))
    var agentFile: String?

    @Option(name: .customLong("customer-file"), help: ArgumentHelp("The customer's side of a call recorded as two mono files.", valueName: "FILE"))
    var customerFile: String?

    @Flag(help: "Print the summary as JSON (schema callpulse.summary/1; an array for several files).")
    var json = false

    @Flag(help: "Print a CSV table: a header and one row per file.")
    var csv = false

    @Option(help: ArgumentHelp("The agent's name, kept in the summary (default on the team store: its user).", valueName: "NAME"),
            transform: AgentName.canonical)
    var agent: String?

    @Flag(name: .customLong("split-calls"), help: "Each file holds a whole shift: cut it into calls (ring or line speech starts one; a disconnect tone or the line idle ends it) and give one summary per call.")
    var splitCalls = false

    @OptionGroup(title: "Calls in a shift")
    var shiftOptions: ShiftOptions

    @OptionGroup(title: "Ringing")
    var ringCadence: RingCadenceOption

    @OptionGroup(title: "Thresholds")
    var thresholds: ThresholdOptions

    @OptionGroup(title: "Session store")
    var store: StoreOptions

    func validate() throws {
        try validateAgentName(agent)
        if json && csv {
            throw ValidationError("Choose one of --json and --csv.")
        }
        if (agentFile == nil) != (customerFile == nil) {
            throw ValidationError("--agent-file and --customer-file go together: give both sides of the call.")
        }
        if agentFile != nil && !files.isEmpty {
            throw ValidationError("Give either FILE arguments or --agent-file/--customer-file, not both.")
        }
        if agentFile != nil && layout != nil {
            throw ValidationError("--layout does not apply to --agent-file/--customer-file: each file is one party.")
        }
        if splitCalls && agentFile != nil {
            throw ValidationError("--split-calls takes FILE arguments, each one recording of a shift, not --agent-file/--customer-file.")
        }
        if splitCalls && csv {
            throw ValidationError("--split-calls prints text or --json, not --csv.")
        }
        if let jobs, !(1...256).contains(jobs) {
            throw ValidationError("-j/--jobs must be between 1 and 256, not \(jobs).")
        }
    }

    func run() throws {
        // Checked here, not in `validate()`: ArgumentParser reports an unknown option only
        // after validation passes, and `analyze --bogus` must name the option, not ask for files.
        if agentFile == nil && files.isEmpty {
            throw ValidationError("Name at least one WAV file to analyse.")
        }
        if splitCalls { return try runSplitCalls() }
        if agentFile == nil { return try runFiles() }
        let analyzerConfig = ringCadence.analyzerConfig
        var summaries: [Summary] = []
        var failed = false
        let inputs: [Input] = if let agentFile, let customerFile {
            [.pair(agent: agentFile, customer: customerFile)]
        } else {
            files.map { .file($0) }
        }
        for input in inputs {
            do {
                let (analysis, info) = switch input {
                case .file(let path):
                    try RecordingAnalysis.analyze(path: path, layout: layout, config: analyzerConfig)
                case .pair(let agentPath, let customerPath):
                    try RecordingAnalysis.analyze(agentPath: agentPath, customerPath: customerPath, config: analyzerConfig)
                }
                summaries.append(summary(of: analysis, info: info))
            } catch {
                printError(error.description)
                failed = true
            }
        }
        if !summaries.isEmpty {
            print(render(summaries), terminator: "")
        }
        try store.keep(summaries)
        if failed { throw CommandFailure(status: .badInput) }
    }

    /// Files and folders: `jobs` at once, each summary printed (and kept) as soon as it and
    /// every one before it are done, in input order.
    private func runFiles() throws {
        let paths = ArchiveRun.expand(files)
        // An archive run (a folder named): recordings the store has are skipped, and the
        // files that failed are listed again at the end. Files named one by one are always
        // analysed: naming a file asks for its summary.
        let archive = files.contains { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        let known = force || !archive ? [] : storedIDs()
        let layout = layout, config = ringCadence.analyzerConfig, agent = agent ?? store.defaultAgent
        let conversation = thresholds.conversation, limits = thresholds.limits
        let run = ArchiveRun(files: paths, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount) { path -> ArchiveRun.Outcome in
            do throws(WAVError) {
                if !known.isEmpty, known.contains(try RecordingAnalysis.contentID(path: path)) { return .skipped }
                let (analysis, info) = try RecordingAnalysis.analyze(path: path, layout: layout, config: config)
                return .summary(Self.summary(of: analysis, info: info, agent: agent, conversation: conversation, limits: limits))
            } catch {
                return .failed(error)
            }
        }
        // One plain file gives one object; anything else an array (even if some failed).
        let singleObject = paths.count == 1 && files.count == 1 && paths[0] == files[0]
        let color = colorWanted()
        var progress = TerminalScreen.isTerminal(STDERR_FILENO) && paths.count > 1 ? ArchiveProgress(total: paths.count) : nil
        var failed: [String] = []
        var skipped = 0
        var printed = 0
        var unkept: [Summary] = []
        var storeFailure: Error?
        // The first failed write to standard output (its errno): analysis and keeping go on,
        // writing stops, and the failure is said once at the end (`reportOutputFailure`).
        var outputError: Int32?
        func write(_ text: String) {
            guard outputError == nil else { return }
            if !writeAll(fd: STDOUT_FILENO, text) { outputError = errno }
        }
        func keepPending() {
            guard storeFailure == nil else { return }
            do { try store.keep(unkept) } catch { storeFailure = error }
            unkept = []
        }
        run.run { _, path, outcome in
            switch outcome {
            case .summary(let summary):
                var text: String
                if json {
                    text = singleObject ? SummaryJSON.render(summary) : (printed == 0 ? SummaryJSON.arrayOpening : SummaryJSON.arraySeparator) + SummaryJSON.arrayItem(summary)
                } else if csv {
                    text = (printed == 0 ? CSVRenderer.header + "\n" : "\n") + CSVRenderer.row(summary)
                } else {
                    text = (printed == 0 ? "" : "\n\n") + TextRenderer.render(summary, limits: thresholds.limits, color: color)
                }
                if singleObject { text += "\n" }
                progress?.clear()
                write(text)
                printed += 1
                progress?.audioS += summary.session.durationS
                unkept.append(summary)
                if unkept.count >= Self.keepBatch { keepPending() }
            case .skipped:
                skipped += 1
            case .failed(let error):
                progress?.clear()
                printError(error.description)
                failed.append(path)
                progress?.errors += 1
            }
            progress?.done += 1
            let last = progress?.done == paths.count
            progress?.draw(force: last)
        }
        progress?.clear()
        if printed > 0 && !singleObject {
            write((json ? SummaryJSON.arrayClosing : "") + "\n")
        }
        keepPending()
        if skipped > 0 {
            FileHandle.standardError.write(Data("callpulse: \(skipped) of \(paths.count) recordings already in the session store were skipped (--force analyses them again)\n".utf8))
        }
        let outputLost = outputError.map { reportOutputFailure(errno: $0) } ?? false
        if let storeFailure { throw storeFailure }
        if !failed.isEmpty {
            if archive {
                printError("\(failed.count) of \(paths.count) files could not be analysed: " + failed.map(TerminalText.escaped).joined(separator: ", "))
            }
            throw CommandFailure(status: .badInput)
        }
        if outputLost { throw CommandFailure(status: .output) }
    }

    /// Summaries kept in the store at a time during an archive run.
    static let keepBatch = 64

    /// Session ids already in the store (empty without one, or when it cannot be read: then
    /// nothing is skipped).
    private func storedIDs() -> Set<String> {
        guard let path = store.location, FileManager.default.fileExists(atPath: path),
              let stored = try? SessionStore(path: path, access: .read), let records = try? stored.records() else { return [] }
        return Set(records.map(\.id))
    }

    /// `--split-calls`: per file, one summary per call as each call ends (JSON: one array of
    /// every call of every file; text: per file, the shift figures, then each call).
    private func runSplitCalls() throws {
        var failed = false
        var everyCall: [Summary] = []
        var texts: [String] = []
        let color = colorWanted()
        for path in files {
            var shift = ShiftFigures()
            var calls: [Summary] = []
            var cut: [CallSplitter.Call] = []
            let recording: (info: RecordingInfo, durationS: Double)
            do {
                recording = try RecordingAnalysis.splitCalls(
                    path: path, layout: layout, config: ringCadence.analyzerConfig, shift: shiftOptions.config
                ) { cut.append($0) }
            } catch {
                printError(error.description)
                failed = true
                continue
            }
            // The recording's identity is known once it has been read: the calls take it now.
            let info = recording.info
            let start = recordingStart(path: info.firstFilePath, durationS: recording.durationS).flatMap(UTCTimestamp.parse)
            for call in cut {
                let offsetS = FrameClock.seconds(call.offsetFrame)
                let source = Summary.Source(
                    kind: "wav", path: info.path, sampleRateHz: info.format.sampleRateHz,
                    channels: info.format.channelCount, format: info.format.encoding.rawValue, layout: call.analysis.layout)
                let session = Summary.Session(
                    id: info.contentID + "-" + String(call.index), agent: agent,
                    startedAt: start.map { UTCTimestamp.format(unixSeconds: Int64(($0 + offsetS).rounded())) },
                    durationS: call.analysis.durationS,
                    call: Summary.Call(shiftID: info.contentID, index: call.index, offsetS: offsetS, endedBy: call.endedBy))
                calls.append(SummaryBuilder.build(
                    analysis: call.analysis, source: source, session: session,
                    conversation: thresholds.conversation, limits: thresholds.limits))
                shift.add(calls[calls.count - 1], maxRings: thresholds.limits.maxRings)
            }
            shift.shiftS = recording.durationS
            everyCall += calls
            texts.append(ShiftRenderer.text(shift) + calls.map { "\n\n" + TextRenderer.render($0, limits: thresholds.limits, color: color) }.joined())
        }
        if json {
            print(SummaryJSON.render(everyCall))
        } else if !texts.isEmpty {
            print(texts.joined(separator: "\n\n"))
        }
        try store.keep(everyCall)
        if failed { throw CommandFailure(status: .badInput) }
    }

    private enum Input {
        case file(String)
        case pair(agent: String, customer: String)
    }

    private func summary(of analysis: CallAnalysis, info: RecordingInfo) -> Summary {
        Self.summary(of: analysis, info: info, agent: agent ?? store.defaultAgent, conversation: thresholds.conversation, limits: thresholds.limits)
    }

    private static func summary(
        of analysis: CallAnalysis, info: RecordingInfo, agent: String?, conversation: ConversationConfig, limits: AlertLimits
    ) -> Summary {
        let source = Summary.Source(
            kind: "wav", path: info.path, sampleRateHz: info.format.sampleRateHz,
            channels: info.format.channelCount, format: info.format.encoding.rawValue, layout: analysis.layout
        )
        let session = Summary.Session(
            id: info.contentID, agent: agent,
            startedAt: recordingStart(path: info.firstFilePath, durationS: analysis.durationS), durationS: analysis.durationS
        )
        return SummaryBuilder.build(
            analysis: analysis, source: source, session: session,
            conversation: conversation, limits: limits
        )
    }

    private func render(_ summaries: [Summary]) -> String {
        if json {
            // One input gives one object; several give an array, even if some failed.
            let singleInput = agentFile != nil || files.count == 1
            return (singleInput ? SummaryJSON.render(summaries[0]) : SummaryJSON.render(summaries)) + "\n"
        }
        if csv {
            return ([CSVRenderer.header] + summaries.map(CSVRenderer.row)).joined(separator: "\n") + "\n"
        }
        let color = colorWanted()
        return summaries.map { TextRenderer.render($0, limits: thresholds.limits, color: color) }.joined(separator: "\n\n") + "\n"
    }
}

/// When the recording started, estimated as the file's modification time (the moment the
/// recorder closed it) minus its duration; `nil` when the file has no readable time.
func recordingStart(path: String, durationS: Double) -> String? {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
          let modified = attributes[.modificationDate] as? Date else { return nil }
    return UTCTimestamp.format(unixSeconds: Int64(Int(saturating: (modified.timeIntervalSince1970 - durationS).rounded())))
}
