import Foundation
import Testing
import CallPulseAudio

@Suite struct WAVWriterTests {
    /// Writes `samples` in two calls (to cross a call boundary mid-frame and mid-buffer).
    func write(_ samples: [Float], to path: String, rateHz: Int, channels: Int, encoding: SampleEncoding, finish: Bool = true) throws {
        var writer = try WAVWriter(path: path, sampleRateHz: rateHz, channelCount: channels, encoding: encoding)
        let cut = samples.count / 3
        try samples[..<cut].withUnsafeBufferPointer { (pointer) throws(WAVError) in try writer.write(interleaved: pointer) }
        try samples[cut...].withUnsafeBufferPointer { (pointer) throws(WAVError) in try writer.write(interleaved: pointer) }
        if finish { try writer.finish() }
    }

    func le32(_ bytes: [UInt8], _ offset: Int) -> Int {
        (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
    }

    @Test func pcm16RoundTrip() throws {
        // 200 000 stereo frames: more than one 256 KiB writer buffer.
        let expected = interleavedSine(frames: 200_000, rateHz: 16_000, frequenciesHz: [440, 1_000], amplitudes: [0.8, 0.3])
        try withTemporaryPath { path in
            try write(expected.map { Float($0) }, to: path, rateHz: 16_000, channels: 2, encoding: .pcm16)
            let result = try readAll(path)
            #expect(result.format == WAVFormat(sampleRateHz: 16_000, channelCount: 2, encoding: .pcm16))
            #expect(result.declaredFrameCount == 200_000)
            try #require(result.samples.count == expected.count)
            let worst = zip(result.samples, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
            #expect(worst <= 0.5 / 32_768 + 1e-7)  // half a quantisation step
        }
    }

    @Test func pcm16ReadThenWriteIsLossless() throws {
        let codes: [Int16] = [-32_768, -32_767, -1, 0, 1, 12_345, 32_767]
        var data: [UInt8] = []
        for code in codes { data.appendLE16(Int(code)) }
        let original = try readBytes(wavFile(fmt: fmtBody(tag: Tag.pcm, channels: 1, rateHz: 8_000, bits: 16), data: data))
        try withTemporaryPath { path in
            try write(original.samples, to: path, rateHz: 8_000, channels: 1, encoding: .pcm16)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(Array(bytes.suffix(data.count)) == data)
        }
    }

    @Test func float32RoundTripIsExact() throws {
        let samples: [Float] = (0..<10_001).map { Float(sin(Double($0) * 0.01)) * 0.9 }
        try withTemporaryPath { path in
            try write(samples, to: path, rateHz: 44_100, channels: 1, encoding: .float32)
            let result = try readAll(path)
            #expect(result.format.encoding == .float32)
            #expect(result.samples == samples)
        }
    }

    @Test(arguments: [SampleEncoding.pcm16, .float32])
    func clampsToFullScaleAndWritesNaNAsZero(encoding: SampleEncoding) throws {
        try withTemporaryPath { path in
            try write([1.5, -2, .nan, .infinity, -.infinity, 0.5], to: path, rateHz: 8_000, channels: 1, encoding: encoding)
            let top: Float = encoding == .pcm16 ? 32_767 / 32_768 : 1
            #expect(try readAll(path).samples == [top, -1, 0, top, -1, 0.5])
        }
    }

    @Test(arguments: [SampleEncoding.pcm16, .float32], [1, 2])
    func headerSizesAreCorrect(encoding: SampleEncoding, channels: Int) throws {
        let frames = 1_001  // odd, so a mono pcm16 data chunk needs no pad but 3 bytes would
        try withTemporaryPath { path in
            try write([Float](repeating: 0.1, count: frames * channels), to: path, rateHz: 8_000, channels: channels, encoding: encoding)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let dataBytes = frames * channels * encoding.bytesPerSample
            #expect(Array(bytes[0..<4]) == Array("RIFF".utf8))
            #expect(le32(bytes, 4) == bytes.count - 8)
            #expect(Array(bytes[8..<12]) == Array("WAVE".utf8))
            let dataAt = bytes.count - dataBytes - 8
            #expect(Array(bytes[dataAt..<(dataAt + 4)]) == Array("data".utf8))
            #expect(le32(bytes, dataAt + 4) == dataBytes)
            if encoding == .float32 {
                // Non-PCM data carries a fact chunk with the frame count.
                let factAt = dataAt - 12
                #expect(Array(bytes[factAt..<(factAt + 4)]) == Array("fact".utf8))
                #expect(le32(bytes, factAt + 8) == frames)
            }
            let result = try readAll(path)
            #expect(result.declaredFrameCount == frames)
            #expect(result.format.channelCount == channels)
        }
    }

    @Test(arguments: [0, 1, 3, 131_072, 131_073])
    func riffSizeMatchesTheFileForAnyLength(count: Int) throws {
        // 131 072 pcm16 samples fill the 256 KiB writer buffer exactly.
        try withTemporaryPath { path in
            try write([Float](repeating: 0.2, count: count), to: path, rateHz: 8_000, channels: 1, encoding: .pcm16)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes.count == 44 + 2 * count)
            #expect(le32(bytes, 4) == bytes.count - 8)
            #expect(le32(bytes, 40) == 2 * count)
            #expect(try readAll(path).framesRead == count)
        }
    }

    @Test func fileModeIsOwnerOnly() throws {
        try withTemporaryPath { path in
            try write([0.1, 0.2], to: path, rateHz: 8_000, channels: 1, encoding: .pcm16)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        // Overwriting a world-readable file also leaves it owner-only.
        try withTemporaryPath { path in
            FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]), attributes: [.posixPermissions: 0o644])
            try write([0.1, 0.2], to: path, rateHz: 8_000, channels: 1, encoding: .pcm16)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try readAll(path).framesRead == 2)
        }
    }

    @Test func unfinishedWriterLeavesAReadableFile() throws {
        let samples: [Float] = (0..<300_000).map { Float($0 % 100) / 200 }
        try withTemporaryPath { path in
            try write(samples, to: path, rateHz: 8_000, channels: 2, encoding: .pcm16, finish: false)
            let result = try readAll(path)
            #expect(result.framesRead == 150_000)
            let worst = zip(result.samples, samples).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 0.5 / 32_768)
        }
    }

    @Test func headerWithZeroSizesReadsToTheEnd() throws {
        // What a killed writer leaves when its deinit never ran: sizes still 0.
        try withTemporaryPath { path in
            try write([0.25, -0.25, 0.5, -0.5], to: path, rateHz: 8_000, channels: 2, encoding: .float32)
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let dataAt = bytes.count - 16 - 8
            for index in [4, 5, 6, 7, dataAt + 4, dataAt + 5, dataAt + 6, dataAt + 7] { bytes[index] = 0 }
            let result = try readBytes(bytes)
            #expect(result.declaredFrameCount == nil)
            #expect(result.samples == [0.25, -0.25, 0.5, -0.5])
        }
    }

    @Test func refusesUnsupportedFormatsAndBadPaths() {
        for encoding in [SampleEncoding.pcm8, .pcm24, .mulaw, .float64] {
            #expect(throws: WAVError.unsupportedOutputFormat(path: "o.wav", format: WAVFormat(sampleRateHz: 8_000, channelCount: 1, encoding: encoding))) {
                _ = try WAVWriter(path: "o.wav", sampleRateHz: 8_000, channelCount: 1, encoding: encoding)
            }
        }
        #expect(throws: WAVError.unsupportedOutputFormat(path: "o.wav", format: WAVFormat(sampleRateHz: 8_000, channelCount: 0, encoding: .pcm16))) {
            _ = try WAVWriter(path: "o.wav", sampleRateHz: 8_000, channelCount: 0, encoding: .pcm16)
        }
        let path = "/nonexistent-callpulse-dir/out.wav"
        #expect(throws: WAVError.cannotCreate(path: path, reason: "No such file or directory")) {
            _ = try WAVWriter(path: path, sampleRateHz: 8_000, channelCount: 1, encoding: .pcm16)
        }
    }
}
