import ArgumentParser
import CallPulseAudio
import CallPulseCore
import CallPulseRender
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

    @Argument(help: ArgumentHelp("Recorded calls: WAV files (PCM, float, G.711 mu-law or A-law; 8-48 kHz; mono or stereo).", valueName: "FILE"))
    var files: [String] = []

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

    @Option(help: ArgumentHelp("The agent's name, kept in the summary (default on the team store: its user).", valueName: "NAME"))
    var agent: String?

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
        if agentFile == nil && files.isEmpty {
            throw ValidationError("Name at least one WAV file to analyse.")
        }
    }

    func run() throws {
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

    private enum Input {
        case file(String)
        case pair(agent: String, customer: String)
    }

    private func summary(of analysis: CallAnalysis, info: RecordingInfo) -> Summary {
        let source = Summary.Source(
            kind: "wav", path: info.path, sampleRateHz: info.format.sampleRateHz,
            channels: info.format.channelCount, format: info.format.encoding.rawValue, layout: analysis.layout
        )
        let session = Summary.Session(
            id: info.contentID, agent: agent ?? store.defaultAgent,
            startedAt: recordingStart(path: info.firstFilePath, durationS: analysis.durationS), durationS: analysis.durationS
        )
        return SummaryBuilder.build(
            analysis: analysis, source: source, session: session,
            conversation: thresholds.conversation, limits: thresholds.limits
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
