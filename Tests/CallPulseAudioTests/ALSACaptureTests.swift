import CallPulseAudio
import Foundation
import Testing

/// ALSACapture against the real alsa-lib with no sound card: a `file` plugin PCM, defined in
/// a configuration string (`snd_config_load_string` + `snd_pcm_open_lconf`), plays a raw
/// file whose samples the test wrote, over a `null` slave.
@Suite("ALSA capture (file plugin)")
struct ALSACaptureTests {
    /// A file-plugin PCM named `callin` reading `rawPath`.
    static func configuration(rawPath: String) -> String {
        "pcm.callin { type file slave { pcm { type null } } file \"/dev/null\" infile \"\(rawPath)\" format \"raw\" }"
    }

    static func temporaryFile(_ data: Data) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("callpulse-alsa-\(UUID().uuidString).raw").path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Reads `frames` sample frames, period by period.
    static func capture(_ capture: ALSACapture, frames: Int) throws -> [Float] {
        var block = [Float](repeating: .nan, count: capture.format.periodFrames * capture.format.channelCount)
        var out: [Float] = []
        while out.count < frames * capture.format.channelCount {
            let read = try block.withUnsafeMutableBufferPointer { try capture.read(into: $0) }
            guard case .frames(let count) = read else {
                Issue.record("unexpected \(read)")
                break
            }
            out += block[0..<(count * capture.format.channelCount)]
        }
        return Array(out.prefix(frames * capture.format.channelCount))
    }

    @Test("S16 stereo: samples arrive as value / 32768, in order, per channel", arguments: [8_000, 16_000, 44_100, 48_000])
    func s16Stereo(rateHz: Int) throws {
        let frames = rateHz / 10
        // Channel 0 a rising ramp, channel 1 its negative: any swap or offset shows.
        let values = (0..<frames).flatMap { [Int16($0 % 30_000), -Int16($0 % 30_000)] }
        let path = try Self.temporaryFile(values.withUnsafeBytes { Data($0) })
        defer { try? FileManager.default.removeItem(atPath: path) }
        let capture = try ALSACapture(device: "callin", sampleRateHz: rateHz, channelCount: 2, configuration: Self.configuration(rawPath: path))
        #expect(capture.format.sampleFormat == .s16)
        #expect(capture.format.sampleRateHz == rateHz)
        #expect(capture.format.channelCount == 2)
        // Periods of about `periodMs` (the null slave takes what is asked).
        #expect(abs(capture.format.periodFrames - rateHz * ALSACapture.periodMs / 1000) <= 1)
        let samples = try Self.capture(capture, frames: frames)
        #expect(samples == values.map { Float($0) / 32_768 })
    }

    @Test("S32 and FLOAT when only they are asked for")
    func otherFormats() throws {
        let frames = 800
        let ints = (0..<frames).map { Int32($0 - 400) * 5_000_000 }
        let intPath = try Self.temporaryFile(ints.withUnsafeBytes { Data($0) })
        defer { try? FileManager.default.removeItem(atPath: intPath) }
        let s32 = try ALSACapture(device: "callin", sampleRateHz: 8_000, channelCount: 1, sampleFormats: [.s32], configuration: Self.configuration(rawPath: intPath))
        #expect(s32.format.sampleFormat == .s32)
        #expect(try Self.capture(s32, frames: frames) == ints.map { Float($0) / 2_147_483_648 })

        // Floats as written, except that NaN and infinity become silence.
        var floats = (0..<frames).map { Float($0) / Float(frames) - 0.5 }
        floats[10] = .nan
        floats[20] = .infinity
        let floatPath = try Self.temporaryFile(floats.withUnsafeBytes { Data($0) })
        defer { try? FileManager.default.removeItem(atPath: floatPath) }
        let float = try ALSACapture(device: "callin", sampleRateHz: 8_000, channelCount: 1, sampleFormats: [.float], configuration: Self.configuration(rawPath: floatPath))
        var expected = floats
        expected[10] = 0
        expected[20] = 0
        #expect(try Self.capture(float, frames: frames) == expected)
    }

    @Test("an unknown PCM is .noSuchDevice, naming it")
    func unknownDevice() {
        #expect(throws: CaptureError.noSuchDevice(device: "nowhere", reason: "no such device, or no sound card behind it")) {
            _ = try ALSACapture(device: "nowhere", sampleRateHz: 16_000, channelCount: 1, configuration: "pcm.callin { type null }")
        }
    }

    @Test("a PCM without the formats asked for is .unsupportedFormat")
    func formatRefused() {
        let configuration = "pcm.s16only { type linear slave { pcm { type null } format S16_LE } }"
        #expect(throws: CaptureError.unsupportedFormat(device: "s16only")) {
            _ = try ALSACapture(device: "s16only", sampleRateHz: 16_000, channelCount: 1, sampleFormats: [.float], configuration: configuration)
        }
    }

    @Test("every capture error is one line naming the device and what to do")
    func errorWording() {
        let errors: [CaptureError] = [
            .noSuchDevice(device: "x", reason: "r"), .busy(device: "x"), .permissionDenied(device: "x"),
            .unsupportedFormat(device: "x"), .unsupportedRate(device: "x", requestedHz: 16_000, offeredHz: 96_000),
            .unsupportedChannels(device: "x", requested: 2),
            .rateMismatch(device: "x", sampleRateHz: 16_000, otherDevice: "y", otherSampleRateHz: 48_000),
            .deviceLost(device: "x", reason: "r"), .failed(device: "x", operation: "o", reason: "r"),
        ]
        for error in errors {
            #expect(error.description.contains("'x'"))
            #expect(!error.description.contains("\n"))
            if error != .deviceLost(device: "x", reason: "r") {
                #expect(error.description.contains("callpulse devices") || error.description.contains("--"), "\(error)")
            }
        }
    }

    @Test("two mono PCMs are joined into agent,customer stereo, sample for sample")
    func pair() throws {
        let frames = 1_600
        let agent = (0..<frames).map { Int16($0) }
        let customer = (0..<frames).map { Int16(-$0) }
        let agentPath = try Self.temporaryFile(agent.withUnsafeBytes { Data($0) })
        let customerPath = try Self.temporaryFile(customer.withUnsafeBytes { Data($0) })
        defer {
            try? FileManager.default.removeItem(atPath: agentPath)
            try? FileManager.default.removeItem(atPath: customerPath)
        }
        let live = try LiveCapture(
            agent: ALSACapture(device: "callin", sampleRateHz: 16_000, channelCount: 1, configuration: Self.configuration(rawPath: agentPath)),
            line: ALSACapture(device: "callin", sampleRateHz: 16_000, channelCount: 1, configuration: Self.configuration(rawPath: customerPath)))
        #expect(live.channelCount == 2)
        var block = [Float](repeating: 0, count: live.maxBlockFrames * 2)
        var out: [Float] = []
        while out.count < 2 * frames {
            let read = try #require(try block.withUnsafeMutableBufferPointer { try live.read(into: $0) })
            out += block[0..<(2 * read.frames)]
        }
        let expected = (0..<frames).flatMap { [Float(agent[$0]) / 32_768, Float(customer[$0]) / 32_768] }
        #expect(Array(out.prefix(2 * frames)) == expected)
    }

    @Test("headset-looking names and descriptions are marked", arguments: [
        ("plughw:CARD=Headset,DEV=0", "USB Headset, USB Audio", true),
        ("sysdefault:CARD=Evolve", "Jabra EVOLVE 40", true),
        ("hw:CARD=PCH,DEV=0", "HDA Intel PCH, ALC3246 Analog", false),
        ("null", "Discard all samples (playback) or generate zero samples (capture)", false),
    ])
    func headsetMarking(name: String, description: String, expected: Bool) {
        #expect(ALSADevices.looksLikeHeadset(name: name, description: description) == expected)
    }
}
