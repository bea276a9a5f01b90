import Foundation
import Testing

/// Every numeric option of every command, over the values a careless or hostile user types:
/// 0, negative, NaN, ±infinity, 1e300, 1e17 and the limits of `Int`. The answer is always
/// a run (exit 0) or one usage line (exit 2), never a trap (issue 9, findings 1 and 2).
@Suite("numeric options over extreme values")
struct NumericOptionTests {
    /// The values tried, as typed (`--option=VALUE`, so that a minus sign is not an option).
    static let extremes = [
        "0", "-1", "nan", "-nan", "inf", "-inf", "infinity", "1e300", "-1e300", "1e17", "4.9e-324",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1e15",
    ]

    /// The options of `analyze` (and, through the same option groups, `live`).
    static let analyzeOptions = [
        "--pause-min", "--dead-air-min", "--backchannel-max", "--interruption-min-overlap", "--max-rings",
        "--max-agent-share", "--max-greeting-latency", "--max-agent-interruptions", "--min-snr",
        "--max-clipped-ratio", "--max-monologue", "--ring-cadence",
    ]

    static func expectRunOrUsage(_ result: CLI.Result, _ arguments: [String]) {
        #expect(!result.signaled, "\(arguments): killed by signal \(result.status)")
        #expect(result.status == 0 || result.status == 2, "\(arguments): exit \(result.status), stderr: \(result.stderr)")
        if result.status == 2 {
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
            #expect(lines.count == 1 && lines[0].hasPrefix("callpulse: error: "), "\(arguments): \(result.stderr)")
        }
    }

    @Test("analyze: every numeric option, every extreme value", arguments: analyzeOptions)
    func analyzeOption(_ option: String) throws {
        let fixture = try Fixture()
        try fixture.writeWAV(LiveCommandTests.generateCall().prefix(2 * LiveCommandTests.rateHz * 4).map { $0 }, name: "call.wav", channels: 2)
        for value in Self.extremes + (option == "--ring-cadence" ? ["nan,nan", "inf,4", "1e300,1", "1,-inf", "0.4,0.2,0.4,1e17"] : []) {
            let arguments = ["analyze", "--no-store", "--json", "\(option)=\(value)", fixture.path("call.wav")]
            Self.expectRunOrUsage(try fixture.run(arguments), arguments)
        }
    }

    /// Finding 1: `--min-snr 1e300` trapped converting the limit to text ("Double value cannot
    /// be converted to Int"); NaN and -inf were taken ("SNR >= n/a dB").
    @Test("analyze --min-snr 1e300, inf, 1e17, nan, -inf: one usage line, exit 2", arguments: ["1e300", "inf", "1e17", "nan", "-inf"])
    func absurdMinSNR(_ value: String) throws {
        let result = try CLI.run(["analyze", "--no-store", "--min-snr=\(value)", "Samples/call-clean.wav"])
        #expect(!result.signaled)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("callpulse: error: --min-snr must be a number of dB between -200 and 200"))
        #expect(result.stdout.isEmpty)
    }

    /// Finding 2: `live --duration 1e15` (or inf) trapped turning the seconds into samples.
    @Test("live --duration 1e15 and inf: one usage line, exit 2", arguments: ["1e15", "inf", "1e300"])
    func absurdDuration(_ value: String) throws {
        let result = try CLI.run(["live", "--no-store", "--device", "null", "--duration=\(value)"])
        #expect(!result.signaled)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("callpulse: error: --duration must be a number of seconds above 0 and at most 604800"))
    }

    @Test("live: every numeric option, every extreme value (file-plugin device, 0.1 s of audio)")
    func liveOptions() throws {
        let fixture = try Fixture()
        try fixture.writeRaw(LiveCommandTests.generateCall().prefix(2 * LiveCommandTests.rateHz).map { $0 }, name: "call.raw")
        try fixture.writeALSAConfig(pcm: "callin", raw: "call.raw")
        // --frames bounds every run that the value lets through; --duration is then still
        // converted to samples (the fewer of the two is taken).
        let base = ["live", "--no-store", "--device", "callin"]
        for option in ["--rate", "--channels", "--duration", "--frames", "--max-rings", "--min-snr", "--pause-min", "--ring-cadence"] {
            for value in Self.extremes {
                var arguments = base + ["\(option)=\(value)"]
                if option != "--frames" { arguments += ["--frames", "1600"] }
                if option == "--frames", let frames = Int(value), frames > 1600 { continue }
                Self.expectRunOrUsage(try fixture.run(arguments), arguments)
            }
        }
    }

    @Test("report: --max-rings and --review, every extreme value")
    func reportOptions() throws {
        let fixture = try Fixture()
        let store = fixture.path("store.sqlite")
        let kept = try fixture.run(["analyze", "--store", store, "Samples/call-ring-eu.wav".asPackagePath])
        #expect(kept.status == 0, "stderr: \(kept.stderr)")
        for option in ["--max-rings", "--review"] {
            for value in Self.extremes {
                let arguments = ["report", "--store", store, "\(option)=\(value)"]
                Self.expectRunOrUsage(try fixture.run(arguments), arguments)
            }
        }
    }
}

extension String {
    /// A path inside the package (Samples/…), absolute.
    var asPackagePath: String { CLI.packageRoot.appendingPathComponent(self).path }
}
