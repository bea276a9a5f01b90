import CallPulseTestSupport
import Foundation
import Testing

/// End-to-end tests of `callpulse live` and `callpulse devices` with the real alsa-lib and no
/// sound card: ALSA's `file` plugin plays a generated call from a raw file as a capture PCM
/// (`ALSA_CONFIG_PATH` names a configuration that includes the system one and adds it).
@Suite("callpulse live (ALSA file plugin)")
struct LiveCommandTests {
    static let rateHz = 16_000
    static let callS = 24.0

    /// Where the speech was placed (seconds), from which the expectations below follow.
    enum Placed {
        static let agent: [(Double, Double)] = [(0.5, 3.0), (5.0, 5.5), (9.0, 12.0), (20.5, 23.0)]
        static let customer: [(Double, Double)] = [(3.5, 7.5), (11.0, 14.0)]
        /// 14.0 → 20.5: customer stops, 6.5 s of nobody, then the agent: dead air.
        static let deadAir = (startS: 14.0, endS: 20.5)
        /// The customer starts at 11.0 while the agent has spoken since 9.0 and overlaps 1 s.
        static let interruptionS = 11.0
    }

    /// Tolerance of a detected boundary against the placed one: the detector's onset and
    /// hangover and the syllable envelope (raised cosine) move edges by up to ~0.3 s.
    static let boundaryToleranceS = 0.35

    @Test("the NDJSON summary of a live capture equals `callpulse analyze` of the same audio")
    func liveEqualsOffline() throws {
        let fixture = try Fixture()
        let samples = Self.generateCall()
        try fixture.writeRaw(samples, name: "call.raw")
        try fixture.writeWAV(samples, name: "call.wav", channels: 2)
        try fixture.writeALSAConfig(pcm: "callin", raw: "call.raw")
        let frames = samples.count / 2

        let live = try fixture.run(["live", "--one-call", "--device", "callin", "--rate", "\(Self.rateHz)", "--frames", "\(frames)", "--agent", "anna"])
        #expect(live.status == 0, "stderr: \(live.stderr)")
        let lines = live.stdout.split(separator: "\n").map(String.init)
        let objects = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.allSatisfy { $0["schema"] as? String == "callpulse.event/1" })
        let last = try #require(objects.last)
        #expect(last["type"] as? String == "summary")
        let liveSummary = try #require(last["summary"] as? [String: Any])

        let offline = try fixture.run(["analyze", "--json", fixture.path("call.wav")])
        #expect(offline.status == 0, "stderr: \(offline.stderr)")
        let offlineSummary = try #require(JSONSerialization.jsonObject(with: Data(offline.stdout.utf8)) as? [String: Any])

        // Everything but where the audio came from and the session's identity.
        var a = liveSummary, b = offlineSummary
        for key in ["source", "session"] { a[key] = nil; b[key] = nil }
        #expect(NSDictionary(dictionary: a) == NSDictionary(dictionary: b))
        let session = try #require(liveSummary["session"] as? [String: Any])
        #expect(session["agent"] as? String == "anna")
        #expect(session["duration_s"] as? Double == Self.callS)
        let source = try #require(liveSummary["source"] as? [String: Any])
        #expect(source["kind"] as? String == "alsa")
        #expect(source["format"] as? String == "S16_LE")
        #expect(source["sample_rate"] as? Int == Self.rateHz)

        // The call as placed: the dead air, and the customer's interruption.
        let pauses = try #require(liveSummary["pauses"] as? [[String: Any]])
        let deadAir = try #require(pauses.first { $0["dead_air"] as? Bool == true })
        #expect(abs((deadAir["start_s"] as? Double ?? 0) - Placed.deadAir.startS) <= Self.boundaryToleranceS)
        #expect(abs((deadAir["end_s"] as? Double ?? 0) - Placed.deadAir.endS) <= Self.boundaryToleranceS)
        #expect(deadAir["before"] as? String == "customer" && deadAir["after"] as? String == "agent")
        let interruptions = try #require(liveSummary["interruptions"] as? [[String: Any]])
        #expect(interruptions.contains {
            $0["by"] as? String == "customer" && abs(($0["at_s"] as? Double ?? 0) - Placed.interruptionS) <= Self.boundaryToleranceS
        })

        // A tick each second of audio, in order.
        let ticks = objects.filter { $0["type"] as? String == "tick" }.compactMap { $0["t_s"] as? Double }
        #expect(ticks == (1...Int(Self.callS)).map(Double.init))
        // An event for each pause that ended before the capture did, with the final figures,
        // and the dead air announced while it lasted.
        let pauseEvents = objects.filter { $0["type"] as? String == "pause" }
        for pause in pauses where (pause["end_s"] as? Double ?? 99) <= Self.callS - 0.5 {
            #expect(pauseEvents.contains {
                $0["start_s"] as? Double == pause["start_s"] as? Double && $0["end_s"] as? Double == pause["end_s"] as? Double
            }, "no event for pause \(pause)")
        }
        let deadAirEvent = try #require(objects.first { $0["type"] as? String == "dead_air" })
        #expect(deadAirEvent["start_s"] as? Double == deadAir["start_s"] as? Double)
        let announcedAtS = try #require(deadAirEvent["t_s"] as? Double)
        #expect(announcedAtS < (deadAir["end_s"] as? Double ?? 0), "dead air is announced while it lasts")
        #expect(objects.contains { $0["type"] as? String == "interruption" && $0["by"] as? String == "customer" })

        // The session is kept in the store named on standard error, whole.
        let keptLine = try #require(live.stderr.split(separator: "\n").first { $0.contains("summary kept in ") })
        let sessionID = String(keptLine.split(separator: " ").last ?? "")
        let shown = try fixture.run(["sessions", "show", sessionID, "--json"])
        #expect(shown.status == 0, "stderr: \(shown.stderr)")
        let kept = try #require(JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(NSDictionary(dictionary: kept) == NSDictionary(dictionary: liveSummary))
        let store = fixture.path("data") + "/callpulse/sessions.sqlite"
        let attributes = try FileManager.default.attributesOfItem(atPath: store)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("--record writes exactly the captured audio, mode 0600")
    func recordWritesCapturedAudio() throws {
        let fixture = try Fixture()
        let frames = Self.rateHz  // 1 s
        let samples = (0..<(2 * frames)).map { Int16(truncatingIfNeeded: ($0 * 37) % 20_000 - 10_000) }
        try fixture.writeRaw(samples, name: "tone.raw")
        try fixture.writeALSAConfig(pcm: "callin", raw: "tone.raw")
        let recording = fixture.path("rec.wav")
        let result = try fixture.run(["live", "--one-call", "--device", "callin", "--frames", "\(frames)", "--record", recording])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: recording))
        // 44-byte canonical header, then the samples as written to the raw file.
        let body = data.suffix(from: data.count - 4 * frames)
        let expected = samples.withUnsafeBytes { Data($0) }
        #expect(data.count >= 44 + 4 * frames)
        #expect(Data(body) == expected)
        let attributes = try FileManager.default.attributesOfItem(atPath: recording)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("a mono device with --line-device and --duration")
    func twoDevices() throws {
        let fixture = try Fixture()
        let call = Self.generateCall()
        let agent = stride(from: 0, to: call.count, by: 2).map { call[$0] }
        let customer = stride(from: 1, to: call.count, by: 2).map { call[$0] }
        try fixture.writeRaw(agent, name: "agent.raw")
        try fixture.writeRaw(customer, name: "customer.raw")
        try fixture.writeALSAConfig(pcms: [("mic", "agent.raw"), ("line", "customer.raw")])
        let result = try fixture.run(["live", "--one-call", "--device", "mic", "--line-device", "line", "--duration", "24"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let last = try #require(result.stdout.split(separator: "\n").last)
        let object = try #require(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        let source = try #require(summary["source"] as? [String: Any])
        #expect(source["path"] as? String == "mic+line")
        #expect(source["layout"] as? String == "agent,customer")
        let session = try #require(summary["session"] as? [String: Any])
        #expect(session["duration_s"] as? Double == Self.callS)
        let segments = try #require(summary["segments"] as? [[String: Any]])
        // Each placed utterance is found on its party's side.
        for (party, placed) in [("agent", Placed.agent), ("customer", Placed.customer)] {
            for (start, _) in placed where !(party == "agent" && start == 5.0) {  // 5.0 is a backchannel
                #expect(segments.contains {
                    $0["party"] as? String == party && abs(($0["start_s"] as? Double ?? -9) - start) <= Self.boundaryToleranceS
                }, "\(party) at \(start) s")
            }
        }
    }

    @Test("a device that does not exist: one line, exit 4, pointing to `callpulse devices`")
    func missingDevice() throws {
        let fixture = try Fixture()
        let result = try fixture.run(["live", "--device", "no_such_pcm", "--duration", "1"])
        #expect(result.status == 4)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("callpulse: error: audio device 'no_such_pcm'") == true)
        #expect(result.stderr.contains("callpulse devices"))
        #expect(result.stdout.isEmpty)
    }

    @Test("a device without the sample format asked for: exit 4")
    func unsupportedFormat() throws {
        let fixture = try Fixture()
        try fixture.writeConfig("""
        </usr/share/alsa/alsa.conf>
        pcm.s16only { type linear slave { pcm null format S16_LE } }
        """)
        let result = try fixture.run(["live", "--device", "s16only", "--sample-format", "float", "--duration", "1"])
        #expect(result.status == 4)
        #expect(result.stderr.hasPrefix("callpulse: error: audio device 's16only' offers none of S16, S32 or FLOAT"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("bad options exit 2", arguments: [
        ["live", "--rate", "96000"], ["live", "--channels", "3"], ["live", "--layout", "mixed", "--channels", "2"],
        ["live", "--line-device", "x", "--layout", "agent"], ["live", "--duration", "0"],
    ])
    func badOptions(arguments: [String]) throws {
        let result = try Fixture().run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("callpulse: error: "))
    }

    @Test("devices lists the capture PCMs ALSA knows and the monitor hint")
    func devices() throws {
        let fixture = try Fixture()
        try fixture.writeConfig("""
        </usr/share/alsa/alsa.conf>
        pcm.jabra_headset { type null hint { show on description "Jabra Evolve 40 USB headset" } }
        pcm.plain_line { type null hint { show on description "Line input" } }
        """)
        let result = try fixture.run(["devices"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains("  headset  jabra_headset"))
        #expect(lines.contains("           plain_line"))
        #expect(result.stdout.contains("monitor"))
    }

    // MARK: - The generated call

    /// A two-party call at 16 kHz, interleaved agent/customer S16: voice-like utterances where
    /// `Placed` says, over white noise at -60 dBFS.
    static func generateCall() -> [Int16] {
        var generator = SignalGenerator(sampleRateHz: rateHz, seed: 0x2545_F491_4F6C_DD1D)
        let count = Int(callS * Double(rateHz))
        var channels = [[Double]](repeating: [Double](repeating: 0, count: count), count: 2)
        for c in 0..<2 {
            for i in 0..<count { channels[c][i] = 0.001 * generator.gaussian() }
        }
        for (c, placed) in [Placed.agent, Placed.customer].enumerated() {
            for (start, end) in placed {
                let voice = generator.utterance(seconds: end - start, dbfs: c == 0 ? -20 : -23, pitchHz: c == 0 ? 110...170 : 180...260)
                let offset = Int(start * Double(rateHz))
                for (i, value) in voice.enumerated() where offset + i < count { channels[c][offset + i] += Double(value) }
            }
        }
        var interleaved = [Int16](repeating: 0, count: 2 * count)
        for i in 0..<count {
            for c in 0..<2 {
                interleaved[2 * i + c] = Int16(max(-32_768, min(32_767, (channels[c][i] * 32_768).rounded())))
            }
        }
        return interleaved
    }
}

/// A temporary folder with the files a test needs, and a way to run the built binary in it.
final class Fixture {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("callpulse-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Set CALLPULSE_KEEP_FIXTURES=1 to look at the files after a run.
    deinit {
        if ProcessInfo.processInfo.environment["CALLPULSE_KEEP_FIXTURES"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func writeRaw(_ samples: [Int16], name: String) throws {
        try samples.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: path(name)))
    }

    /// A canonical 44-byte-header PCM16 WAV of the same samples.
    func writeWAV(_ samples: [Int16], name: String, channels: Int, rateHz: Int = LiveCommandTests.rateHz) throws {
        var data = Data()
        func u32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { data.append(contentsOf: $0) } }
        func u16(_ value: Int) { withUnsafeBytes(of: UInt16(value).littleEndian) { data.append(contentsOf: $0) } }
        let bytes = samples.count * 2
        data.append(contentsOf: Array("RIFF".utf8)); u32(36 + bytes); data.append(contentsOf: Array("WAVE".utf8))
        data.append(contentsOf: Array("fmt ".utf8)); u32(16); u16(1); u16(channels); u32(rateHz)
        u32(rateHz * channels * 2); u16(channels * 2); u16(16)
        data.append(contentsOf: Array("data".utf8)); u32(bytes)
        data.append(samples.withUnsafeBytes { Data($0) })
        try data.write(to: URL(fileURLWithPath: path(name)))
    }

    func writeALSAConfig(pcm: String, raw: String) throws {
        try writeALSAConfig(pcms: [(pcm, raw)])
    }

    /// File-plugin PCMs reading the raw files (`format "raw"`: no header, the negotiated format).
    func writeALSAConfig(pcms: [(name: String, raw: String)]) throws {
        var text = "</usr/share/alsa/alsa.conf>\n"
        for (name, raw) in pcms {
            text += "pcm.\(name) { type file slave.pcm null file \"/dev/null\" infile \"\(path(raw))\" format \"raw\" }\n"
        }
        try writeConfig(text)
    }

    func writeConfig(_ text: String) throws {
        try text.write(toFile: path("asound.conf"), atomically: true, encoding: .utf8)
    }

    typealias Result = CLI.Result

    /// Runs the `callpulse` built beside this test bundle, with the fixture's ALSA
    /// configuration and data folder.
    func run(_ arguments: [String]) throws -> Result {
        var environment = ["XDG_DATA_HOME": path("data"), "NO_COLOR": "1"]
        if FileManager.default.fileExists(atPath: path("asound.conf")) {
            environment["ALSA_CONFIG_PATH"] = path("asound.conf")
        }
        return try CLI.run(arguments, environment: environment)
    }
}
