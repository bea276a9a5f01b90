import Foundation
import Testing
import CallPulseAudio

// Builders for WAV bytes in code, so that every expectation follows from how the file was
// made. Encoders here are written from the format definitions, independently of the reader.

/// SplitMix64: a small seeded generator, so random files are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE16(_ value: Int) {
        append(UInt8(truncatingIfNeeded: value)); append(UInt8(truncatingIfNeeded: value >> 8))
    }
    mutating func appendLE32(_ value: Int) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> shift)) }
    }
    mutating func appendLE64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
    mutating func appendID(_ id: String) { append(contentsOf: Array(id.utf8)) }
}

/// WAVE format tags used in the tests.
enum Tag {
    static let pcm = 1, float = 3, aLaw = 6, muLaw = 7, extensible = 0xFFFE, msADPCM = 2
}

/// Format tag and bits per sample of each encoding in a plain (non-extensible) fmt chunk.
func tagAndBits(_ encoding: SampleEncoding) -> (tag: Int, bits: Int) {
    switch encoding {
    case .pcm8: (Tag.pcm, 8)
    case .pcm16: (Tag.pcm, 16)
    case .pcm24: (Tag.pcm, 24)
    case .pcm32: (Tag.pcm, 32)
    case .float32: (Tag.float, 32)
    case .float64: (Tag.float, 64)
    case .mulaw: (Tag.muLaw, 8)
    case .alaw: (Tag.aLaw, 8)
    }
}

/// A 16-byte fmt body (or 40 bytes for WAVE_FORMAT_EXTENSIBLE with `subformatTag`).
func fmtBody(
    tag: Int, channels: Int, rateHz: Int, bits: Int, blockAlign: Int? = nil,
    extensibleSubformat subformatTag: Int? = nil, validBits: Int? = nil
) -> [UInt8] {
    let align = blockAlign ?? channels * bits / 8
    var body: [UInt8] = []
    body.appendLE16(subformatTag == nil ? tag : Tag.extensible)
    body.appendLE16(channels)
    body.appendLE32(rateHz)
    body.appendLE32(rateHz * align)
    body.appendLE16(align)
    body.appendLE16(bits)
    if let subformatTag {
        body.appendLE16(22)
        body.appendLE16(validBits ?? bits)
        body.appendLE32(channels == 2 ? 0x3 : 0x4)  // FL|FR, or FC
        // KSDATAFORMAT_SUBTYPE_xxx = {0000xxxx-0000-0010-8000-00AA00389B71}
        body.appendLE16(subformatTag)
        body += [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
    }
    return body
}

/// One RIFF chunk: id, size (or `declaredSize`), body, pad byte after an odd body.
func chunk(_ id: String, _ body: [UInt8], declaredSize: Int? = nil, pad: Bool = true) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.appendID(id)
    bytes.appendLE32(declaredSize ?? body.count)
    bytes += body
    if pad && body.count % 2 == 1 { bytes.append(0) }
    return bytes
}

/// RIFF/WAVE file from chunks; `riffSize` overrides the (correct) RIFF size.
func riffFile(_ chunks: [[UInt8]], riffSize: Int? = nil) -> [UInt8] {
    let body = chunks.flatMap { $0 }
    var bytes: [UInt8] = []
    bytes.appendID("RIFF")
    bytes.appendLE32(riffSize ?? body.count + 4)
    bytes.appendID("WAVE")
    return bytes + body
}

/// A whole WAV file: fmt chunk, data chunk holding `data`.
func wavFile(fmt: [UInt8], data: [UInt8], dataSize: Int? = nil, before: [[UInt8]] = [], after: [[UInt8]] = []) -> [UInt8] {
    riffFile(before + [chunk("fmt ", fmt)] + [chunk("data", data, declaredSize: dataSize)] + after)
}

// MARK: Sample encoders (from the format definitions)

/// Encodes samples (full scale 1.0) in `encoding`, little-endian.
func encode(_ samples: [Double], as encoding: SampleEncoding) -> [UInt8] {
    var bytes: [UInt8] = []
    for sample in samples {
        switch encoding {
        case .pcm8:
            bytes.append(UInt8(clamping: Int((sample * 128).rounded()) + 128))
        case .pcm16:
            bytes.appendLE16(Int(clamping: Int16(clamping: Int((sample * 32_768).rounded()))))
        case .pcm24:
            bytes.appendLE32(max(-8_388_608, min(8_388_607, Int((sample * 8_388_608).rounded()))))
            bytes.removeLast()
        case .pcm32:
            bytes.appendLE32(Int(Int32(clamping: Int((sample * 2_147_483_648).rounded()))))
        case .float32:
            bytes.appendLE32(Int(Float(sample).bitPattern))
        case .float64:
            bytes.appendLE64(sample.bitPattern)
        case .mulaw:
            bytes.append(linearToMuLaw(Int((sample * 32_768).rounded())))
        case .alaw:
            bytes.append(linearToALaw(Int((sample * 32_768).rounded())))
        }
    }
    return bytes
}

/// The decoded value each encoding gives for `sample` (its quantisation), where exact.
func quantized(_ sample: Double, as encoding: SampleEncoding) -> Double {
    switch encoding {
    case .pcm8: Double(Int((sample * 128).rounded())) / 128
    case .pcm16: Double(Int((sample * 32_768).rounded())) / 32_768
    case .pcm24: Double(Int((sample * 8_388_608).rounded())) / 8_388_608
    case .pcm32, .float64: sample
    case .float32: Double(Float(sample))
    case .mulaw, .alaw: sample
    }
}

/// G.711 mu-law encoder for a 16-bit linear sample: bias 33 in 14-bit units (0x84 in
/// 16-bit), find the segment, keep 4 mantissa bits, invert all bits (ITU-T G.711).
func linearToMuLaw(_ sample16: Int) -> UInt8 {
    let bias = 0x84, clip = 32_635
    var magnitude = abs(max(-32_768, min(32_767, sample16)))
    let sign: Int = sample16 < 0 ? 0x80 : 0
    magnitude = min(magnitude, clip) + bias
    var segment = 0
    while segment < 7 && magnitude >= (0x100 << segment) { segment += 1 }
    let mantissa = (magnitude >> (segment + 3)) & 0x0F
    return ~UInt8(sign | (segment << 4) | mantissa)
}

/// G.711 A-law encoder for a 16-bit linear sample (13-bit magnitude, segments, even bits
/// toggled with 0x55).
func linearToALaw(_ sample16: Int) -> UInt8 {
    let clamped = max(-32_768, min(32_767, sample16))
    let sign: Int = clamped >= 0 ? 0x80 : 0
    let magnitude = min((clamped >= 0 ? clamped : -clamped - 1) >> 3, 0xFFF)  // 13-bit magnitude
    var segment = 0
    while segment < 7 && magnitude >= (0x20 << segment) { segment += 1 }
    let mantissa = segment == 0 ? (magnitude >> 1) & 0x0F : (magnitude >> segment) & 0x0F
    return UInt8(sign | (segment << 4) | mantissa) ^ 0x55
}

/// A sine per channel: channel 0 at `frequenciesHz[0]`, amplitude `amplitudes[0]`, …,
/// interleaved.
func interleavedSine(frames: Int, rateHz: Int, frequenciesHz: [Double], amplitudes: [Double]) -> [Double] {
    var samples: [Double] = []
    samples.reserveCapacity(frames * frequenciesHz.count)
    for frame in 0..<frames {
        for channel in frequenciesHz.indices {
            samples.append(amplitudes[channel] * sin(2 * .pi * frequenciesHz[channel] * Double(frame) / Double(rateHz)))
        }
    }
    return samples
}

// MARK: Files

/// A fresh path under the temporary directory; the file is removed after `body`.
func withTemporaryPath<Result>(_ suffix: String = ".wav", _ body: (String) throws -> Result) rethrows -> Result {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("callpulse-wav-\(UUID().uuidString)\(suffix)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Writes `bytes` to a temporary file, runs `body`, removes the file.
func withTemporaryFile<Result>(_ bytes: [UInt8], _ body: (String) throws -> Result) rethrows -> Result {
    try withTemporaryPath { path in
        try! Data(bytes).write(to: URL(fileURLWithPath: path))
        return try body(path)
    }
}

/// Everything a reader gives for a file.
struct ReadResult {
    var format: WAVFormat
    var declaredFrameCount: Int?
    var samples: [Float]
    var framesRead: Int
    var contentHash: UInt64
}

/// Reads a whole file, `bufferFrames` frames per call.
func readAll(_ path: String, bufferFrames: Int = 4096) throws(WAVError) -> ReadResult {
    var reader = try WAVReader(path: path)
    let channels = reader.format.channelCount
    var buffer = [Float](repeating: 0, count: bufferFrames * channels)
    var samples: [Float] = []
    while true {
        let frames = try buffer.withUnsafeMutableBufferPointer { (pointer) throws(WAVError) -> Int in
            try reader.read(into: pointer)
        }
        if frames == 0 { break }
        samples += buffer[0..<(frames * channels)]
    }
    return ReadResult(
        format: reader.format, declaredFrameCount: reader.declaredFrameCount, samples: samples,
        framesRead: reader.framesRead, contentHash: reader.contentHash)
}

/// Reads the bytes as a WAV file.
func readBytes(_ bytes: [UInt8], bufferFrames: Int = 4096) throws(WAVError) -> ReadResult {
    let result = withTemporaryFile(bytes) { path in
        Result { () throws(WAVError) in try readAll(path, bufferFrames: bufferFrames) }
    }
    return try result.get()
}

/// The error a file's bytes give (nil when they read without one). The path in the error
/// is replaced by "X" so that tests can compare whole cases.
func readError(_ bytes: [UInt8]) -> WAVError? {
    do {
        _ = try readBytes(bytes)
        return nil
    } catch {
        return error.replacingPath()
    }
}

extension WAVError {
    /// The same error with its path set to "X".
    func replacingPath(with newPath: String = "X") -> WAVError {
        switch self {
        case .cannotOpen(_, let reason): .cannotOpen(path: newPath, reason: reason)
        case .emptyFile: .emptyFile(path: newPath)
        case .notWAVE: .notWAVE(path: newPath)
        case .truncatedHeader: .truncatedHeader(path: newPath)
        case .truncatedData(_, let declared, let present, let missing):
            .truncatedData(path: newPath, declaredS: declared, presentS: present, missingBytes: missing)
        case .malformedFormatChunk(_, let size): .malformedFormatChunk(path: newPath, sizeBytes: size)
        case .missingFormatChunk: .missingFormatChunk(path: newPath)
        case .missingDataChunk: .missingDataChunk(path: newPath)
        case .noChannels: .noChannels(path: newPath)
        case .tooManyChannels(_, let count): .tooManyChannels(path: newPath, channelCount: count)
        case .sampleRateOutOfRange(_, let rate): .sampleRateOutOfRange(path: newPath, sampleRateHz: rate)
        case .unsupportedEncoding(_, let tag, let bits): .unsupportedEncoding(path: newPath, formatTag: tag, bitsPerSample: bits)
        case .inconsistentBlockAlign(_, let align, let expected):
            .inconsistentBlockAlign(path: newPath, blockAlignBytes: align, expectedBytes: expected)
        case .nonFiniteSample(_, let atS, let channel): .nonFiniteSample(path: newPath, atS: atS, channel: channel)
        case .readFailed(_, let reason): .readFailed(path: newPath, reason: reason)
        case .cannotCreate(_, let reason): .cannotCreate(path: newPath, reason: reason)
        case .writeFailed(_, let reason): .writeFailed(path: newPath, reason: reason)
        case .unsupportedOutputFormat(_, let format): .unsupportedOutputFormat(path: newPath, format: format)
        case .noAudio: .noAudio(path: newPath)
        case .layoutMismatch(_, let channels, let layout): .layoutMismatch(path: newPath, channels: channels, layout: layout)
        case .rateMismatch(_, let rate, let other, let otherRate):
            .rateMismatch(path: newPath, sampleRateHz: rate, otherPath: other, otherSampleRateHz: otherRate)
        }
    }
}
