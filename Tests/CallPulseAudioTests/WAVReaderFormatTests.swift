import Foundation
import Testing
import CallPulseAudio

/// Decoded values against the sine formula, for every encoding, channel count and rate.
@Suite struct WAVReaderFormatTests {
    static let rates = [8_000, 11_025, 16_000, 44_100, 48_000]

    /// Largest allowed |decoded - expected| per encoding, in full-scale units.
    static func tolerance(_ encoding: SampleEncoding) -> Double {
        switch encoding {
        case .pcm8: 1e-9  // compared to the quantised value, which is exact in Float
        case .pcm16: 1e-9
        case .pcm24: 1e-7  // Float has 24 bits of mantissa
        case .pcm32: 1e-7
        case .float32: 0
        case .float64: 1e-7
        case .mulaw, .alaw: .infinity  // checked by RMS below
        }
    }

    @Test(arguments: SampleEncoding.allCases, [1, 2])
    func sineDecodesToFormula(encoding: SampleEncoding, channels: Int) throws {
        for rateHz in Self.rates {
            // Channel 0: 440 Hz at 0.8; channel 1: 1000 Hz at 0.5 (so a swap would show).
            let frames = rateHz / 4
            let frequencies = Array([440.0, 1_000.0].prefix(channels))
            let amplitudes = Array([0.8, 0.5].prefix(channels))
            let expected = interleavedSine(frames: frames, rateHz: rateHz, frequenciesHz: frequencies, amplitudes: amplitudes)
            let (tag, bits) = tagAndBits(encoding)
            let bytes = wavFile(
                fmt: fmtBody(tag: tag, channels: channels, rateHz: rateHz, bits: bits),
                data: encode(expected, as: encoding))
            let result = try readBytes(bytes)

            #expect(result.format == WAVFormat(sampleRateHz: rateHz, channelCount: channels, encoding: encoding))
            #expect(result.declaredFrameCount == frames)
            #expect(result.framesRead == frames)
            try #require(result.samples.count == expected.count)
            if encoding == .mulaw || encoding == .alaw {
                for channel in 0..<channels {
                    let error = rmsError(result.samples, expected, channel: channel, channels: channels)
                    // G.711 gives about 38 dB SNR on a loud sine: 3 % RMS leaves room.
                    #expect(error < 0.03, "\(encoding) \(rateHz) Hz channel \(channel): relative RMS error \(error)")
                }
            } else {
                var worst = 0.0
                for (index, value) in result.samples.enumerated() {
                    worst = max(worst, abs(Double(value) - quantized(expected[index], as: encoding)))
                }
                #expect(worst <= Self.tolerance(encoding), "\(encoding) \(rateHz) Hz: worst error \(worst)")
            }
        }
    }

    func rmsError(_ decoded: [Float], _ expected: [Double], channel: Int, channels: Int) -> Double {
        var errorSum = 0.0
        var signalSum = 0.0
        for index in stride(from: channel, to: expected.count, by: channels) {
            errorSum += pow(Double(decoded[index]) - expected[index], 2)
            signalSum += expected[index] * expected[index]
        }
        return (errorSum / signalSum).squareRoot()
    }

    @Test func stereoChannelOrderIsKept() throws {
        // Left constant +0.25, right constant -0.5: interleaved L R L R.
        var samples: [Double] = []
        for _ in 0..<100 { samples += [0.25, -0.5] }
        let bytes = wavFile(fmt: fmtBody(tag: Tag.pcm, channels: 2, rateHz: 8_000, bits: 16), data: encode(samples, as: .pcm16))
        let result = try readBytes(bytes)
        #expect(result.samples.count == 200)
        #expect(result.samples.enumerated().allSatisfy { $0.element == ($0.offset % 2 == 0 ? 0.25 : -0.5) })
    }

    @Test func integerFullScaleAndSignConventions() throws {
        // pcm8 is unsigned: 0 -> -1.0, 128 -> 0, 255 -> 127/128.
        let pcm8 = try readBytes(wavFile(fmt: fmtBody(tag: Tag.pcm, channels: 1, rateHz: 8_000, bits: 8), data: [0, 128, 255]))
        #expect(pcm8.samples == [-1.0, 0.0, 127.0 / 128.0])
        // pcm16 0x8000 -> -1.0, 0x7FFF -> 32767/32768.
        let pcm16 = try readBytes(wavFile(fmt: fmtBody(tag: Tag.pcm, channels: 1, rateHz: 8_000, bits: 16), data: [0x00, 0x80, 0xFF, 0x7F]))
        #expect(pcm16.samples == [-1.0, Float(32_767.0 / 32_768.0)])
        // pcm24 0x800000 -> -1.0, 0xFFFFFF -> -1/2^23, 0x000001 -> +1/2^23.
        let pcm24 = try readBytes(wavFile(
            fmt: fmtBody(tag: Tag.pcm, channels: 1, rateHz: 8_000, bits: 24),
            data: [0x00, 0x00, 0x80, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x00]))
        #expect(pcm24.samples == [-1.0, -1.0 / 8_388_608, 1.0 / 8_388_608])
        // pcm32 0x80000000 -> -1.0.
        let pcm32 = try readBytes(wavFile(fmt: fmtBody(tag: Tag.pcm, channels: 1, rateHz: 8_000, bits: 32), data: [0, 0, 0, 0x80]))
        #expect(pcm32.samples == [-1.0])
    }

    @Test(arguments: [SampleEncoding.pcm16, .pcm24, .pcm32, .float32, .float64, .mulaw, .alaw, .pcm8])
    func extensibleFormatUsesSubformat(encoding: SampleEncoding) throws {
        let rateHz = 16_000
        let expected = interleavedSine(frames: 800, rateHz: rateHz, frequenciesHz: [300, 700], amplitudes: [0.6, 0.3])
        let (tag, bits) = tagAndBits(encoding)
        // 24-bit audio often says 20 valid bits in a 24-bit container: decode the container.
        let bytes = wavFile(
            fmt: fmtBody(tag: tag, channels: 2, rateHz: rateHz, bits: bits, extensibleSubformat: tag, validBits: encoding == .pcm24 ? 20 : bits),
            data: encode(expected, as: encoding))
        let result = try readBytes(bytes)
        #expect(result.format == WAVFormat(sampleRateHz: rateHz, channelCount: 2, encoding: encoding))
        #expect(result.framesRead == 800)
        let worst = zip(result.samples, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
        // G.711's coarsest step at 0.6 full scale is 1024/32768 (half a step of error).
        #expect(worst < (encoding == .mulaw || encoding == .alaw ? 0.032 : 0.01))
    }

    @Test func extensibleWithUnknownSubformatIsUnsupported() {
        var fmt = fmtBody(tag: Tag.pcm, channels: 1, rateHz: 8_000, bits: 16, extensibleSubformat: Tag.pcm)
        fmt[fmt.count - 1] ^= 0xFF  // damage the GUID's last byte
        let error = readError(wavFile(fmt: fmt, data: [0, 0]))
        #expect(error == .unsupportedEncoding(path: "X", formatTag: Tag.extensible, bitsPerSample: 16))
    }

    @Test func extensibleWithShortFormatChunkIsMalformed() {
        let fmt = Array(fmtBody(tag: Tag.pcm, channels: 1, rateHz: 8_000, bits: 16, extensibleSubformat: Tag.pcm).prefix(18))
        #expect(readError(wavFile(fmt: fmt, data: [0, 0])) == .malformedFormatChunk(path: "X", sizeBytes: 18))
    }
}

/// G.711 code words against the ITU-T G.711 tables, written as the segment formulas
/// (mu-law in 14-bit units: ((2m + 33) << e) - 33; A-law in 13-bit units: 2m + 1 in
/// segment 0, (2m + 33) << (e - 1) above).
@Suite struct G711Tests {
    func decodeAll(tag: Int) throws -> [Float] {
        let bytes = wavFile(fmt: fmtBody(tag: tag, channels: 1, rateHz: 8_000, bits: 8), data: (0...255).map { UInt8($0) })
        return try readBytes(bytes).samples
    }

    @Test func muLawCodewordsMatchITU() throws {
        let decoded = try decodeAll(tag: Tag.muLaw)
        try #require(decoded.count == 256)
        for code in 0...255 {
            let inverted = ~UInt8(code)
            let exponent = Int((inverted >> 4) & 0x07)
            let mantissa = Int(inverted & 0x0F)
            let magnitude14 = ((2 * mantissa + 33) << exponent) - 33
            let expected = Double(inverted & 0x80 != 0 ? -magnitude14 : magnitude14) / 8_192
            #expect(Double(decoded[code]) == expected, "mu-law 0x\(String(code, radix: 16))")
        }
        #expect(decoded[0xFF] == 0)
        #expect(decoded[0x7F] == 0)
        #expect(Double(decoded[0x80]) == 8_031.0 / 8_192)
        #expect(Double(decoded[0x00]) == -8_031.0 / 8_192)
    }

    @Test func aLawCodewordsMatchITU() throws {
        let decoded = try decodeAll(tag: Tag.aLaw)
        try #require(decoded.count == 256)
        for code in 0...255 {
            let toggled = UInt8(code) ^ 0x55
            let exponent = Int((toggled >> 4) & 0x07)
            let mantissa = Int(toggled & 0x0F)
            let magnitude13 = exponent == 0 ? 2 * mantissa + 1 : (2 * mantissa + 33) << (exponent - 1)
            let expected = Double(toggled & 0x80 != 0 ? magnitude13 : -magnitude13) / 4_096
            #expect(Double(decoded[code]) == expected, "A-law 0x\(String(code, radix: 16))")
        }
        #expect(Double(decoded[0xD5]) == 1.0 / 4_096)  // smallest positive step
        #expect(Double(decoded[0x55]) == -1.0 / 4_096)
        #expect(Double(decoded[0xAA]) == 4_032.0 / 4_096)  // largest positive
        #expect(Double(decoded[0x2A]) == -4_032.0 / 4_096)
    }

    @Test(arguments: [Tag.muLaw, Tag.aLaw])
    func sineRoundTripWithinFewPercent(tag: Int) throws {
        let rateHz = 8_000
        for amplitude in [0.9, 0.1, 0.01] {
            let expected = interleavedSine(frames: 8_000, rateHz: rateHz, frequenciesHz: [1_004], amplitudes: [amplitude])
            let bytes = wavFile(
                fmt: fmtBody(tag: tag, channels: 1, rateHz: rateHz, bits: 8),
                data: encode(expected, as: tag == Tag.muLaw ? .mulaw : .alaw))
            let decoded = try readBytes(bytes).samples
            try #require(decoded.count == expected.count)
            var errorSum = 0.0, signalSum = 0.0
            for (value, reference) in zip(decoded, expected) {
                errorSum += pow(Double(value) - reference, 2)
                signalSum += reference * reference
            }
            // Companding keeps the relative error near 1-2 % at every level down to -40 dBFS.
            #expect((errorSum / signalSum).squareRoot() < 0.04, "tag \(tag) amplitude \(amplitude)")
        }
    }
}
