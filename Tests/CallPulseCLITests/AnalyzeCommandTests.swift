import CallPulseAudio
import CallPulseCore
import Foundation
import Testing

/// The analyze command's contract: output formats, exit statuses and one-line errors
/// (SPEC "Errors"), on WAV files written here.
@Suite struct AnalyzeCommandTests {
    /// A 6 s stereo call: agent tone-free "voice" bursts are not needed here; a quiet
    /// noise floor with two loud noise bursts, one per channel, is enough for the plumbing.
    static func writeCall(to path: String, rateHz: Int = 8000, channels: Int = 2) throws {
        var writer = try WAVWriter(path: path, sampleRateHz: rateHz, channelCount: channels, encoding: .pcm16)
        var state: UInt64 = 42
        var samples = [Float]()
        for n in 0..<(6 * rateHz) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Float(Int64(bitPattern: state >> 1) % 1000) / 1_000_000
            let t = Double(n) / Double(rateHz)
            let burst = Float(0.2 * sin(2 * Double.pi * 0.5 * t * Double(n % 37 + 200) / 100))
            samples.append(t > 1 && t < 2.5 ? burst + noise : noise)
            if channels == 2 { samples.append(t > 3 && t < 4.5 ? burst + noise : noise) }
        }
        try samples.withUnsafeBufferPointer { try writer.write(interleaved: $0) }
        try writer.finish()
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("callpulse-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("JSON for one file is an object, for several an array; CSV has a header and a row per file")
    func outputFormats() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a.wav").path
        let b = folder.appendingPathComponent("b.wav").path
        try Self.writeCall(to: a)
        try Self.writeCall(to: b, rateHz: 16000)

        let one = try CLI.run(["analyze", "--json", a])
        #expect(one.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any]
        #expect(object?["schema"] as? String == "callpulse.summary/1")

        let two = try CLI.run(["analyze", "--json", a, b])
        let array = try JSONSerialization.jsonObject(with: Data(two.stdout.utf8)) as? [[String: Any]]
        #expect(array?.count == 2)
        #expect((array?[1]["source"] as? [String: Any])?["sample_rate"] as? Int == 16000)

        let csv = try CLI.run(["analyze", "--csv", a, b])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("path,duration_s,"))
        #expect(lines[1].hasPrefix(a + ",6"))

        let text = try CLI.run(["analyze", a], environment: ["NO_COLOR": "1"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Rules"))
        #expect(!text.stdout.contains("\u{1B}["), "no ANSI codes when stdout is not a terminal")
    }

    @Test("a bad file among good ones: one error line naming it, exit 3, the others still analysed")
    func badFileAmongGood() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.wav").path
        let bad = folder.appendingPathComponent("bad.wav").path
        let missing = folder.appendingPathComponent("missing.wav").path
        try Self.writeCall(to: good)
        try Data("RIFF\u{0}\u{0}\u{0}\u{0}WAVEfmt ".utf8).write(to: URL(fileURLWithPath: bad))
        let result = try CLI.run(["analyze", "--json", bad, good, missing])
        #expect(result.status == 3)
        let errors = result.stderr.split(separator: "\n")
        #expect(errors.count == 2)
        #expect(errors.allSatisfy { $0.hasPrefix("callpulse: error: ") })
        #expect(errors[0].contains(bad))
        #expect(errors[1].contains(missing))
        let array = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        #expect(array?.count == 1)
        #expect(!result.stderr.contains("Fatal") && !result.stderr.contains("Stack"))
    }

    @Test("a WAV cut short of its declared data is bad input: one line with both lengths, exit 3, no summary of it")
    func truncatedFileAmongGood() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.wav").path
        let cut = folder.appendingPathComponent("cut.wav").path
        try Self.writeCall(to: good)
        // The same call cut to its first 44 header bytes and 80 000 data bytes.
        let whole = try Data(contentsOf: URL(fileURLWithPath: good))
        try whole.prefix(44 + 80_000).write(to: URL(fileURLWithPath: cut))
        let result = try CLI.run(["analyze", "--json", "--no-store", cut, good])
        #expect(result.status == 3, "\(result.stderr)")
        let errors = result.stderr.split(separator: "\n")
        #expect(errors.count == 1, "\(result.stderr)")
        #expect(errors.first?.hasPrefix("callpulse: error: \(cut): the file ends after ") == true, "\(result.stderr)")
        #expect(errors.first?.contains("so it is truncated") == true)
        let array = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        #expect(array?.count == 1)
        #expect((array?.first?["source"] as? [String: Any])?["path"] as? String == good)
    }

    @Test("a WAV sox wrote to a pipe (data size 0x7FFFF000, its placeholder) is read to its end, not refused as truncated",
          .enabled(if: GeneratedCall.toolsPresent, "needs sox"))
    func streamedWAVIsNotTruncated() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.wav").path
        let streamed = folder.appendingPathComponent("streamed.wav").path
        try Self.writeCall(to: good)
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/bin/sh")
        // Raw samples in, so that sox does not know the length it will write.
        sox.arguments = ["-c", "sox \"$0\" -t raw - | sox -t raw -r 8000 -e signed -b 16 -c 2 - -t wav - 2>/dev/null | cat > \"$1\"", good, streamed]
        try sox.run()
        sox.waitUntilExit()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: streamed))
        // The data chunk's size field (after RIFF/WAVE and a 16-byte fmt chunk) holds sox's placeholder.
        let size = bytes.count >= 44 ? bytes[40..<44].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) } : 0
        #expect(size == 0x7FFF_F000, "sox wrote \(String(size, radix: 16))")
        let result = try CLI.run(["analyze", "--json", "--no-store", streamed])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect((summary?["session"] as? [String: Any])?["duration_s"] as? Double == 6.0)
    }

    @Test("usage errors exit 2 with one line", arguments: [
        ["analyze"],
        ["analyze", "--json", "--csv", "x.wav"],
        ["analyze", "--layout", "left,right", "x.wav"],
        ["analyze", "--agent-file", "a.wav"],
        ["analyze", "--pause-min", "-1", "x.wav"],
        ["analyze", "--no-such-option", "x.wav"],
        ["analyze", "--agent", "ev\u{1B}[31mil", "x.wav"],
        ["nonsense"],
    ])
    func usageErrors(arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.status) \(result.stderr)")
        #expect(result.stderr.hasPrefix("callpulse: error: "))
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test("an unknown option is named even when no file is given; no file alone asks for one")
    func unknownOptionWithoutFiles() throws {
        let unknown = try CLI.run(["analyze", "--bogus"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--bogus"), "\(unknown.stderr)")
        let none = try CLI.run(["analyze"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("Name at least one WAV file"), "\(none.stderr)")
    }

    @Test("a layout that does not fit the file's channels is bad input (exit 3)")
    func layoutMismatch() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stereo = folder.appendingPathComponent("stereo.wav").path
        try Self.writeCall(to: stereo)
        let result = try CLI.run(["analyze", "--layout", "mixed", stereo])
        #expect(result.status == 3)
        #expect(result.stderr.contains("\(stereo): has 2 channels"))
    }

    @Test("two mono files of one call give the same figures as the stereo file")
    func twoMonoFiles() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stereo = folder.appendingPathComponent("call.wav").path
        try Self.writeCall(to: stereo)
        // Split the stereo call into its two sides.
        var reader = try WAVReader(path: stereo)
        var both = [Float](repeating: 0, count: 2 * 48000)
        let frames = try both.withUnsafeMutableBufferPointer { try reader.read(into: $0) }
        let agentPath = folder.appendingPathComponent("agent.wav").path
        let customerPath = folder.appendingPathComponent("customer.wav").path
        for (path, channel) in [(agentPath, 0), (customerPath, 1)] {
            var writer = try WAVWriter(path: path, sampleRateHz: 8000, channelCount: 1, encoding: .pcm16)
            let side = (0..<frames).map { both[2 * $0 + channel] }
            try side.withUnsafeBufferPointer { try writer.write(interleaved: $0) }
            try writer.finish()
        }
        let fromStereo = try CLI.summary(CLI.run(["analyze", "--json", stereo]))
        let fromPair = try CLI.summary(CLI.run(["analyze", "--json", "--agent-file", agentPath, "--customer-file", customerPath]))
        #expect(fromPair.segments == fromStereo.segments)
        #expect(fromPair.talk == fromStereo.talk)
        #expect(fromPair.levels == fromStereo.levels)
    }

    @Test("--ring-cadence pins the cadence: the placed UK double ring is counted, a 1/4 cadence is not there")
    func pinnedCadence() throws {
        let call = SampleLabels.folder.appendingPathComponent("call-ring-uk.wav").path
        let labels = try SampleLabels.load("call-ring-uk.labels.json")
        let placed = try #require(labels.ring)
        let uk = try CLI.summary(CLI.run(["analyze", "--json", "--no-store", "--ring-cadence", "0.4,0.2,0.4,2", call]))
        #expect(uk.ring?.rings == placed.rings)
        let other = try CLI.summary(CLI.run(["analyze", "--json", "--no-store", "--ring-cadence", "1,4", call]))
        #expect(other.ring == nil, "a UK double ring is not a 1 s on / 4 s off ring")
        let bad = try CLI.run(["analyze", "--ring-cadence", "0.4,0.2,0.4", call])
        #expect(bad.status == 2)
    }

    @Test("reading commands never create a store at a mistyped --store path", arguments: [
        ["sessions", "list"], ["sessions", "show", "abc"], ["report"],
    ])
    func missingStoreIsNotCreated(command: [String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callpulse-missing-\(UUID().uuidString)")
        let path = folder.appendingPathComponent("sessions.sqlite").path
        let result = try CLI.run(command + ["--store", path])
        #expect(result.status == 5)
        #expect(result.stderr.hasPrefix("callpulse: error: \(path)"))
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }
}
