import Foundation
import Testing
import CallPulseAudio

/// The RIFF container: chunks, pad bytes, sizes that lie, reading in pieces, the hash.
@Suite struct WAVReaderContainerTests {
    let fmt16Stereo = fmtBody(tag: Tag.pcm, channels: 2, rateHz: 8_000, bits: 16)
    /// 50 stereo frames counting up: sample k is k/32768 (easy to check order and count).
    var rampSamples: [Double] { (0..<100).map { Double($0) / 32_768 } }
    var rampData: [UInt8] { encode(rampSamples, as: .pcm16) }
    var rampFloats: [Float] { rampSamples.map { Float($0) } }

    @Test func chunksBeforeDataAreSkippedWithPadBytes() throws {
        // Odd-sized chunks (3, 5 bytes) are followed by a pad byte; if the reader ignored the
        // pad it would read the next chunk id one byte off and fail.
        let list = chunk("LIST", Array("INFOabc".utf8))  // 7 bytes + pad
        let junk = chunk("JUNK", [1, 2, 3])
        let fact = chunk("fact", [50, 0, 0, 0])
        let bext = chunk("bext", [UInt8](repeating: 0x20, count: 5))
        let bytes = riffFile([junk, list, chunk("fmt ", fmt16Stereo), fact, bext, chunk("data", rampData)])
        let result = try readBytes(bytes)
        #expect(result.samples == rampFloats)
        #expect(result.declaredFrameCount == 50)
    }

    @Test func largeChunkBeforeDataIsSkipped() throws {
        // Bigger than the reader's buffer, so it has to seek past it.
        let padding = chunk("JUNK", [UInt8](repeating: 0xAB, count: 700_001))
        let bytes = riffFile([chunk("fmt ", fmt16Stereo), padding, chunk("data", rampData)])
        #expect(try readBytes(bytes).samples == rampFloats)
    }

    @Test func secondFormatChunkIsIgnored() throws {
        let other = fmtBody(tag: Tag.pcm, channels: 1, rateHz: 48_000, bits: 8)
        let bytes = riffFile([chunk("fmt ", fmt16Stereo), chunk("fmt ", other), chunk("data", rampData)])
        #expect(try readBytes(bytes).format.channelCount == 2)
    }

    @Test func longerFormatChunkIsAccepted() throws {
        // fmt of 18 bytes (cbSize = 0) and of 20 bytes (unknown extra), as some tools write.
        for extra in [[UInt8](repeating: 0, count: 2), [0, 0, 7, 7]] {
            let bytes = riffFile([chunk("fmt ", fmt16Stereo + extra), chunk("data", rampData)])
            #expect(try readBytes(bytes).samples == rampFloats)
        }
    }

    /// 0 and 0xFFFFFFFF (a killed recorder), 0x7FFFF000 (sox to a pipe), 0x80000000 (arecord
    /// to a pipe): placeholders, not lengths.
    @Test(arguments: [0, 0xFFFF_FFFF, 0x7FFF_F000, 0x8000_0000])
    func unknownDataSizeReadsToEndOfFile(declaredSize: Int) throws {
        let bytes = wavFile(fmt: fmt16Stereo, data: rampData, dataSize: declaredSize)
        let result = try readBytes(bytes)
        #expect(result.declaredFrameCount == nil)
        #expect(result.samples == rampFloats)
        #expect(result.framesRead == 50)
    }

    @Test func dataSizeBeyondEndOfFileIsTruncation() throws {
        // 1 000 000 bytes declared: 250 000 stereo pcm16 frames, 31.25 s at 8 kHz; the file
        // holds the 50 frames of the ramp (6.25 ms). SPEC "Errors": a truncated WAV is an error.
        let bytes = wavFile(fmt: fmt16Stereo, data: rampData, dataSize: 1_000_000)
        let (samples, error) = withTemporaryFile(bytes) { path -> ([Float], WAVError?) in
            var samples: [Float] = []
            do {
                var reader = try WAVReader(path: path)
                #expect(reader.declaredFrameCount == 50)  // clamped to the file
                var buffer = [Float](repeating: 0, count: 2 * 16)
                while true {
                    let frames = try buffer.withUnsafeMutableBufferPointer { (block) throws(WAVError) -> Int in
                        try reader.read(into: block)
                    }
                    if frames == 0 { break }
                    samples += buffer[0..<(2 * frames)]
                }
                return (samples, nil)
            } catch {
                return (samples, (error as? WAVError)?.replacingPath())
            }
        }
        // What is there comes first, whole; the error comes with the read after it.
        #expect(samples == rampFloats)
        #expect(error == .truncatedData(path: "X", declaredS: 31.25, presentS: 50.0 / 8_000, missingBytes: 1_000_000 - 200))
        #expect(error?.description.contains("0.01 s of audio where its header declares 31.25 s (999800 bytes missing)") == true,
                "\(String(describing: error))")
    }

    @Test func fileCutInsideItsDataIsTruncation() {
        // A whole file cut after 1 001 of its 4 000 bytes of data (mono pcm16, 8 kHz): 500
        // frames there (the odd byte is half a frame), 2 000 declared.
        let whole = wavFile(fmt: fmtBody(tag: Tag.pcm, channels: 1, rateHz: 8_000, bits: 16),
                            data: [UInt8](repeating: 7, count: 4_000))
        let cut = Array(whole.prefix(whole.count - 4_000 + 1_001))
        #expect(readError(cut) == .truncatedData(path: "X", declaredS: 0.25, presentS: 0.0625, missingBytes: 2_999))
        // The whole file, and the file with its data declared as "to the end", are no error.
        #expect(readError(whole) == nil)
        var unknown = cut
        for k in 0..<4 { unknown[whole.count - 4_000 - 4 + k] = 0 }
        #expect(readError(unknown) == nil)
    }

    @Test func aShortfallUnderOneFrameOrOnePadByteIsNoTruncation() throws {
        // Stereo pcm16 (4-byte frames): declared 1-3 bytes over the 50 frames there.
        for over in 1...3 {
            let bytes = riffFile([chunk("fmt ", fmt16Stereo), chunk("data", rampData, declaredSize: rampData.count + over, pad: false)])
            #expect(try readBytes(bytes).samples == rampFloats)
        }
        // 8-bit mono (1-byte frames), 7 bytes, the size rounded up to even: one pad byte short.
        let fmt8 = fmtBody(tag: Tag.pcm, channels: 1, rateHz: 8_000, bits: 8)
        let seven: [UInt8] = [128, 129, 130, 131, 132, 133, 134]
        #expect(readError(riffFile([chunk("fmt ", fmt8), chunk("data", seven, declaredSize: 8, pad: false)])) == nil)
        // Two bytes short is two whole frames: truncated.
        #expect(readError(riffFile([chunk("fmt ", fmt8), chunk("data", seven, declaredSize: 9, pad: false)]))
                == .truncatedData(path: "X", declaredS: 9.0 / 8_000, presentS: 7.0 / 8_000, missingBytes: 2))
    }

    @Test func dataSizeSmallerThanFileStopsAtTheChunkEnd() throws {
        // A LIST chunk after the data must not be read as audio.
        let after = chunk("LIST", [UInt8](repeating: 0x7F, count: 40))
        let bytes = wavFile(fmt: fmt16Stereo, data: rampData, after: [after])
        let result = try readBytes(bytes)
        #expect(result.samples == rampFloats)
        #expect(result.declaredFrameCount == 50)
    }

    @Test func trailingPartialFrameIsDropped() throws {
        // 50 whole stereo frames + 3 bytes (half a frame and a bit), declared and undeclared.
        // The file ends right after the data (no pad byte): what a killed recorder leaves.
        for declared in [nil, 0, 0xFFFF_FFFF, rampData.count + 3] as [Int?] {
            let data = chunk("data", rampData + [1, 2, 3], declaredSize: declared, pad: false)
            let bytes = riffFile([chunk("fmt ", fmt16Stereo), data])
            let result = try readBytes(bytes)
            #expect(result.samples == rampFloats)
            #expect(result.framesRead == 50)
        }
    }

    @Test(arguments: [0, 4, 36, 0xFFFF_FFFF, 0x7FFF_FFFF])
    func riffSizeLiesAreTolerated(riffSize: Int) throws {
        let bytes = riffFile([chunk("fmt ", fmt16Stereo), chunk("data", rampData)], riffSize: riffSize)
        #expect(try readBytes(bytes).samples == rampFloats)
    }

    @Test func rf64HeaderReadsToEndOfFile() throws {
        // RF64 (EBU 3306): sizes 0xFFFFFFFF, real sizes in a ds64 chunk before fmt.
        var bytes: [UInt8] = []
        bytes.appendID("RF64"); bytes.appendLE32(0xFFFF_FFFF); bytes.appendID("WAVE")
        bytes += chunk("ds64", [UInt8](repeating: 0, count: 28))
        bytes += chunk("fmt ", fmt16Stereo)
        bytes += chunk("data", rampData, declaredSize: 0xFFFF_FFFF)
        #expect(try readBytes(bytes).samples == rampFloats)
    }

    @Test func emptyDataChunkGivesNoFramesAndNoError() throws {
        for declared in [nil, 0] as [Int?] {
            let result = try readBytes(wavFile(fmt: fmt16Stereo, data: [], dataSize: declared))
            #expect(result.samples.isEmpty)
            #expect(result.framesRead == 0)
        }
    }

    @Test(arguments: [1, 2, 3, 7, 64, 5_000])
    func readingInPiecesGivesTheSameSamples(bufferFrames: Int) throws {
        // 24-bit stereo: 6-byte frames do not divide the reader's 256 KiB buffer, so the
        // buffer boundary cuts frames in two; 3 s at 48 kHz is 864 000 bytes (3+ refills).
        let rateHz = 48_000
        let expected = interleavedSine(frames: 3 * rateHz, rateHz: rateHz, frequenciesHz: [440, 1_000], amplitudes: [0.8, 0.5])
        let bytes = wavFile(fmt: fmtBody(tag: Tag.pcm, channels: 2, rateHz: rateHz, bits: 24), data: encode(expected, as: .pcm24))
        let whole = try readBytes(bytes, bufferFrames: 1 << 20)
        let pieces = try readBytes(bytes, bufferFrames: bufferFrames)
        #expect(whole.framesRead == 3 * rateHz)
        #expect(pieces.samples == whole.samples)
        #expect(pieces.contentHash == whole.contentHash)
        let worst = zip(whole.samples, expected).map { abs(Double($0) - quantized($1, as: .pcm24)) }.max() ?? .infinity
        #expect(worst < 1e-7)
    }

    @Test func bufferSmallerThanOneFrameReadsNothing() throws {
        try withTemporaryFile(wavFile(fmt: fmt16Stereo, data: rampData)) { path in
            var reader = try WAVReader(path: path)
            var one: [Float] = [9]
            let frames = try one.withUnsafeMutableBufferPointer { (pointer) throws(WAVError) in try reader.read(into: pointer) }
            #expect(frames == 0)
            // An odd buffer for stereo: 5 floats hold 2 frames.
            var five = [Float](repeating: 9, count: 5)
            let two = try five.withUnsafeMutableBufferPointer { (pointer) throws(WAVError) in try reader.read(into: pointer) }
            #expect(two == 2)
            #expect(Array(five[0..<4]) == Array(rampFloats[0..<4]))
            #expect(five[4] == 9)
            #expect(reader.framesRead == 2)
        }
    }

    @Test func contentHashDependsOnAudioOnly() throws {
        let plain = try readBytes(wavFile(fmt: fmt16Stereo, data: rampData))
        let withChunks = try readBytes(riffFile([chunk("JUNK", [1, 2, 3]), chunk("fmt ", fmt16Stereo), chunk("data", rampData, declaredSize: 0)]))
        var changed = rampData
        changed[77] ^= 0x01
        let oneBitOff = try readBytes(wavFile(fmt: fmt16Stereo, data: changed))
        let shorter = try readBytes(wavFile(fmt: fmt16Stereo, data: Array(rampData.dropLast(4))))
        #expect(plain.contentHash == withChunks.contentHash)
        #expect(plain.contentHash != oneBitOff.contentHash)
        #expect(plain.contentHash != shorter.contentHash)
        // Silence of different lengths must differ too (length is part of the hash).
        let silence1 = try readBytes(wavFile(fmt: fmt16Stereo, data: [UInt8](repeating: 0, count: 64)))
        let silence2 = try readBytes(wavFile(fmt: fmt16Stereo, data: [UInt8](repeating: 0, count: 128)))
        #expect(silence1.contentHash != silence2.contentHash)
    }

    @Test func contentHashCoversOnlyWhatWasRead() throws {
        try withTemporaryFile(wavFile(fmt: fmt16Stereo, data: rampData)) { path in
            var reader = try WAVReader(path: path)
            let before = reader.contentHash
            var buffer = [Float](repeating: 0, count: 20)
            _ = try buffer.withUnsafeMutableBufferPointer { (pointer) throws(WAVError) in try reader.read(into: pointer) }
            let afterTen = reader.contentHash
            #expect(before != afterTen)
            let firstTen = try readBytes(wavFile(fmt: fmt16Stereo, data: Array(rampData.prefix(40))))
            #expect(afterTen == firstTen.contentHash)
        }
    }
}
