import Foundation
import Testing
import CallPulseAudio

/// Malformed and unsupported files: each gives its own WAVError, none traps.
@Suite struct WAVReaderErrorTests {
    let goodFmt = fmtBody(tag: Tag.pcm, channels: 1, rateHz: 8_000, bits: 16)
    let someData: [UInt8] = [1, 0, 2, 0, 3, 0]

    @Test func emptyFile() {
        #expect(readError([]) == .emptyFile(path: "X"))
    }

    @Test func notRIFF() {
        #expect(readError(Array("ID3\u{3}this is an mp3 file, honest".utf8)) == .notWAVE(path: "X"))
        #expect(readError(Array("RIFF\u{24}\0\0\0AVI fmt ".utf8)) == .notWAVE(path: "X"))
        #expect(readError(Array("hello".utf8)) == .notWAVE(path: "X"))
    }

    @Test func truncatedHeader() {
        #expect(readError(Array("RIFF".utf8)) == .truncatedHeader(path: "X"))
        #expect(readError(Array("RIFF\0\0\0\0WA".utf8)) == .truncatedHeader(path: "X"))
        // Cut in the middle of the fmt chunk's body.
        let whole = wavFile(fmt: goodFmt, data: someData)
        #expect(readError(Array(whole.prefix(12 + 8 + 10))) == .truncatedHeader(path: "X"))
    }

    @Test func formatChunkTooShort() {
        #expect(readError(wavFile(fmt: Array(goodFmt.prefix(14)), data: someData)) == .malformedFormatChunk(path: "X", sizeBytes: 14))
    }

    @Test func missingChunks() {
        // Only a header: no fmt at all.
        #expect(readError(riffFile([])) == .missingFormatChunk(path: "X"))
        // Data before fmt: the format of the data is unknown.
        #expect(readError(riffFile([chunk("data", someData), chunk("fmt ", goodFmt)])) == .missingFormatChunk(path: "X"))
        // fmt but no data.
        #expect(readError(riffFile([chunk("fmt ", goodFmt), chunk("LIST", [1, 2, 3, 4])])) == .missingDataChunk(path: "X"))
        // A chunk whose size runs past the end of the file hides the rest.
        #expect(readError(riffFile([chunk("fmt ", goodFmt), chunk("JUNK", [1, 2], declaredSize: 1_000)])) == .missingDataChunk(path: "X"))
    }

    @Test func channelCounts() {
        #expect(readError(wavFile(fmt: fmtBody(tag: Tag.pcm, channels: 0, rateHz: 8_000, bits: 16, blockAlign: 2), data: someData)) == .noChannels(path: "X"))
        #expect(readError(wavFile(fmt: fmtBody(tag: Tag.pcm, channels: 3, rateHz: 8_000, bits: 16), data: someData)) == .tooManyChannels(path: "X", channelCount: 3))
        #expect(readError(wavFile(fmt: fmtBody(tag: Tag.pcm, channels: 6, rateHz: 8_000, bits: 16, extensibleSubformat: Tag.pcm), data: someData)) == .tooManyChannels(path: "X", channelCount: 6))
    }

    @Test(arguments: [0, 4_000, 7_999, 48_001, 96_000, 0xFFFF_FFFF])
    func sampleRateOutOfRange(rateHz: Int) {
        let fmt = fmtBody(tag: Tag.pcm, channels: 1, rateHz: rateHz, bits: 16)
        #expect(readError(wavFile(fmt: fmt, data: someData)) == .sampleRateOutOfRange(path: "X", sampleRateHz: rateHz))
    }

    @Test(arguments: [8_000, 48_000])
    func sampleRateBoundsAreAccepted(rateHz: Int) throws {
        let result = try readBytes(wavFile(fmt: fmtBody(tag: Tag.pcm, channels: 1, rateHz: rateHz, bits: 16), data: someData))
        #expect(result.format.sampleRateHz == rateHz)
    }

    @Test func unsupportedEncodings() {
        let cases: [(tag: Int, bits: Int)] = [
            (Tag.pcm, 12), (Tag.pcm, 20), (Tag.pcm, 0), (Tag.pcm, 64), (Tag.float, 16), (Tag.muLaw, 16),
            (Tag.msADPCM, 4), (0x11, 4), (0x55, 0), (0x31, 0),
        ]
        for (tag, bits) in cases {
            let fmt = fmtBody(tag: tag, channels: 1, rateHz: 8_000, bits: bits, blockAlign: 2)
            #expect(readError(wavFile(fmt: fmt, data: someData)) == .unsupportedEncoding(path: "X", formatTag: tag, bitsPerSample: bits))
        }
    }

    @Test func inconsistentBlockAlign() {
        let fmt = fmtBody(tag: Tag.pcm, channels: 2, rateHz: 8_000, bits: 16, blockAlign: 2)
        #expect(readError(wavFile(fmt: fmt, data: someData)) == .inconsistentBlockAlign(path: "X", blockAlignBytes: 2, expectedBytes: 4))
    }

    @Test func nonFiniteFloatNamesTimeAndChannel() {
        // Stereo float32 at 8 kHz: NaN at frame 12 000 (1.5 s) on the right channel.
        var samples = [Double](repeating: 0.25, count: 2 * 16_000)
        samples[2 * 12_000 + 1] = .nan
        let fmt32 = fmtBody(tag: Tag.float, channels: 2, rateHz: 8_000, bits: 32)
        #expect(readError(wavFile(fmt: fmt32, data: encode(samples, as: .float32))) == .nonFiniteSample(path: "X", atS: 1.5, channel: 1))
        // Infinity in float64, mono, at frame 4 000 of 16 kHz (0.25 s).
        var mono = [Double](repeating: -0.5, count: 8_000)
        mono[4_000] = -.infinity
        let fmt64 = fmtBody(tag: Tag.float, channels: 1, rateHz: 16_000, bits: 64)
        #expect(readError(wavFile(fmt: fmt64, data: encode(mono, as: .float64))) == .nonFiniteSample(path: "X", atS: 0.25, channel: 0))
        // A double too large for Float would become infinity: also refused.
        mono[4_000] = 1e300
        #expect(readError(wavFile(fmt: fmt64, data: encode(mono, as: .float64))) == .nonFiniteSample(path: "X", atS: 0.25, channel: 0))
        // Finite but absurd (its square overflows a frame's energy): refused, not analysed.
        mono[4_000] = 1e20
        #expect(readError(wavFile(fmt: fmt64, data: encode(mono, as: .float64))) == .nonFiniteSample(path: "X", atS: 0.25, channel: 0))
        // Headroom above full scale is kept: 999 × full scale reads as written.
        mono[4_000] = 999
        #expect(readError(wavFile(fmt: fmt64, data: encode(mono, as: .float64))) == nil)
    }

    @Test func floatsBeyondFullScaleAreKept() throws {
        // Float audio may exceed ±1.0 (headroom); only non-finite values are errors.
        let result = try readBytes(wavFile(fmt: fmtBody(tag: Tag.float, channels: 1, rateHz: 8_000, bits: 32), data: encode([2.5, -3.0], as: .float32)))
        #expect(result.samples == [2.5, -3.0])
    }

    @Test func cannotOpen() throws {
        let missing = "/nonexistent-callpulse-dir/call.wav"
        #expect(throws: WAVError.cannotOpen(path: missing, reason: "No such file or directory")) {
            _ = try WAVReader(path: missing)
        }
        let directory = FileManager.default.temporaryDirectory.path
        #expect(throws: WAVError.cannotOpen(path: directory, reason: "it is a directory")) {
            _ = try WAVReader(path: directory)
        }
    }

    @Test(.enabled(if: geteuid() != 0, "root reads any file"))
    func cannotOpenWithoutPermission() throws {
        try withTemporaryFile(wavFile(fmt: goodFmt, data: someData)) { path in
            chmod(path, 0)
            #expect(throws: WAVError.cannotOpen(path: path, reason: "Permission denied")) {
                _ = try WAVReader(path: path)
            }
        }
    }

    @Test func descriptionsAreOneSentenceStartingWithThePath() {
        let path = "calls/x 1.wav"
        let format = WAVFormat(sampleRateHz: 8_000, channelCount: 1, encoding: .mulaw)
        let errors: [WAVError] = [
            .cannotOpen(path: path, reason: "No such file or directory"), .emptyFile(path: path), .notWAVE(path: path),
            .truncatedHeader(path: path), .malformedFormatChunk(path: path, sizeBytes: 14),
            .missingFormatChunk(path: path), .missingDataChunk(path: path), .noChannels(path: path),
            .tooManyChannels(path: path, channelCount: 3), .sampleRateOutOfRange(path: path, sampleRateHz: 96_000),
            .unsupportedEncoding(path: path, formatTag: 1, bitsPerSample: 12),
            .inconsistentBlockAlign(path: path, blockAlignBytes: 2, expectedBytes: 4),
            .nonFiniteSample(path: path, atS: 1.5, channel: 1), .readFailed(path: path, reason: "Input/output error"),
            .cannotCreate(path: path, reason: "Permission denied"), .writeFailed(path: path, reason: "No space left on device"),
            .unsupportedOutputFormat(path: path, format: format),
        ]
        for error in errors {
            let text = error.description
            #expect(text.hasPrefix(path + ": "), "\(text)")
            #expect(text.hasSuffix("."), "\(text)")
            #expect(!text.contains("\n"), "\(text)")
        }
        #expect(WAVError.unsupportedEncoding(path: path, formatTag: 1, bitsPerSample: 12).description
            == "calls/x 1.wav: 12-bit PCM is not supported; convert it with `sox 'calls/x 1.wav' -e signed-integer -b 16 out.wav`.")
        #expect(WAVError.nonFiniteSample(path: "a.wav", atS: 1.5, channel: 1).description.contains("at 1.50 s on channel 2"))
        #expect(WAVError.sampleRateOutOfRange(path: "a.wav", sampleRateHz: 4_000).description.contains("-r 8000"))
        #expect(WAVError.sampleRateOutOfRange(path: "a.wav", sampleRateHz: 96_000).description.contains("-r 48000"))
    }

    // MARK: Garbage

    /// A valid little stereo pcm16 file to damage.
    static let validFile: [UInt8] = wavFile(
        fmt: fmtBody(tag: Tag.pcm, channels: 2, rateHz: 8_000, bits: 16),
        data: encode(interleavedSine(frames: 200, rateHz: 8_000, frequenciesHz: [440, 1000], amplitudes: [0.5, 0.5]), as: .pcm16),
        before: [chunk("LIST", [UInt8](repeating: 65, count: 9))])

    /// Reads the bytes: either a WAVError or samples, all finite. Never a trap.
    func survives(_ bytes: [UInt8]) -> Bool {
        do {
            let result = try readBytes(bytes, bufferFrames: 333)
            return result.samples.allSatisfy { $0.isFinite }
                && result.framesRead * result.format.channelCount == result.samples.count
        } catch {
            return true
        }
    }

    @Test(arguments: 0..<4)
    func randomGarbageNeverTraps(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed) &* 7_919 &+ 1)
        for round in 0..<150 {
            let length = Int.random(in: 0...600, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Half of the files get a real RIFF/WAVE/fmt start so the parser gets further.
            if round % 2 == 0 {
                let start = Array(Self.validFile.prefix(Int.random(in: 12...Self.validFile.count, using: &generator)))
                bytes = start + bytes
            }
            #expect(survives(bytes), "seed \(seed) round \(round)")
        }
    }

    @Test(arguments: 0..<4)
    func damagedValidFilesNeverTrap(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed) &+ 1_000)
        for round in 0..<150 {
            var bytes = Self.validFile
            // Damage the header region most of the time: that is where the sizes are.
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let limit = Bool.random(using: &generator) ? min(80, bytes.count) : bytes.count
                let index = Int.random(in: 0..<limit, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            if Bool.random(using: &generator) {
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            }
            #expect(survives(bytes), "seed \(seed) round \(round)")
        }
    }

    @Test func extremeFieldValuesNeverTrap() {
        // Every 16/32-bit header field at 0, 1, and all ones.
        for fieldOffset in [20, 22, 24, 28, 32, 34] {
            for fill: UInt8 in [0x00, 0x01, 0xFF] {
                var bytes = Self.validFile
                let width = fieldOffset == 24 || fieldOffset == 28 ? 4 : 2
                let start = 12 + 18 + 8 + fieldOffset - 20  // after the LIST chunk (9 + pad)
                for index in start..<(start + width) { bytes[index] = fill }
                #expect(survives(bytes), "offset \(fieldOffset) fill \(fill)")
            }
        }
    }
}
