/// Streams the samples of a RIFF/WAVE file as interleaved Float, full scale 1.0, in
/// constant memory whatever the file's length (SPEC "Input formats").
///
/// The header is parsed up to the data chunk in `init`; chunks before it (LIST, fact,
/// bext, JUNK, …) are skipped, honouring the RIFF pad byte after odd-sized chunks. The
/// RIFF size is not trusted. A data size of 0, or of 0x7FFFF000 and more (0xFFFFFFFF: a
/// recorder killed before patching its header; 0x7FFFF000 and 0x80000000: what sox and
/// arecord write when they stream to a pipe), means "read to the end of the file". A file
/// that ends before any other declared data size is truncated (SPEC "Errors"): `read` throws
/// `truncatedData` at its end, after delivering what is there. A shortfall of less than one
/// frame, or of one pad byte, is no truncation (writers round sizes); a trailing partial
/// frame is dropped.
/// Every size from the file goes through checked or wrapping arithmetic: no byte
/// sequence makes the reader trap.
public struct WAVReader: ~Copyable, Sendable {
    public let path: String
    public let format: WAVFormat
    /// Frames the data chunk declares (clamped to the file's size), or nil when the size is
    /// unknown (0, or `streamedDataSizeBytes` and more): then the reader reads to the end of the file.
    public let declaredFrameCount: Int?

    private var input: FileInput
    private let bytesPerFrame: Int
    /// The data chunk's declared size in bytes (nil when unknown), not clamped to the file.
    private let declaredDataBytes: Int?
    private var hasher = ContentHasher()
    public private(set) var framesRead = 0

    /// Fingerprint of all data bytes delivered so far (64-bit, not cryptographic). After the
    /// whole file has been read it identifies the recording's audio, whatever its header.
    public var contentHash: UInt64 { hasher.value }

    public init(path: String) throws(WAVError) {
        var input = try FileInput(path: path)
        let header = try Self.parseHeader(&input)
        self.path = path
        self.format = header.format
        self.bytesPerFrame = header.format.bytesPerFrame

        var frameCount: Int?
        if let dataSizeBytes = header.dataSizeBytes {
            var usableBytes = dataSizeBytes
            if let fileSize = input.regularFileSizeBytes {
                usableBytes = min(usableBytes, max(0, fileSize - input.fileOffset))
            }
            frameCount = usableBytes / bytesPerFrame
            input.limit(to: dataSizeBytes)
        }
        self.declaredFrameCount = frameCount
        self.declaredDataBytes = header.dataSizeBytes
        self.input = input
    }

    /// Reads up to `buffer.count / channelCount` frames as interleaved Float (full scale
    /// 1.0) and returns the number of frames read: fewer only at the end, 0 at the end.
    public mutating func read(into buffer: UnsafeMutableBufferPointer<Float>) throws(WAVError) -> Int {
        let channelCount = format.channelCount
        let wantedFrames = buffer.count / channelCount
        guard wantedFrames > 0, let output = buffer.baseAddress else { return 0 }
        var doneFrames = 0
        while doneFrames < wantedFrames {
            var availableFrames = input.available / bytesPerFrame
            if availableFrames == 0 {
                if input.exhausted {
                    // The end of a file shorter than its header says: what came is delivered
                    // first, the error with the next read (no audio is taken for complete).
                    let missing = input.bytesShortOfLimit
                    if doneFrames == 0, missing >= max(bytesPerFrame, 2), let declared = declaredDataBytes {
                        let rate = Double(format.sampleRateHz), frameBytes = Double(bytesPerFrame)
                        throw WAVError.truncatedData(
                            path: path, declaredS: Double(declared) / frameBytes / rate,
                            presentS: Double(framesRead) / rate, missingBytes: missing)
                    }
                    break
                }
                try input.refill()
                availableFrames = input.available / bytesPerFrame
                if availableFrames == 0 { continue }
            }
            let frames = min(availableFrames, wantedFrames - doneFrames)
            let sampleCount = frames * channelCount
            let source = input.cursor
            if let badIndex = SampleDecoding.decode(
                format.encoding, from: source, sampleCount: sampleCount,
                into: output + doneFrames * channelCount)
            {
                let frame = framesRead + doneFrames + badIndex / channelCount
                throw WAVError.nonFiniteSample(
                    path: path, atS: Double(frame) / Double(format.sampleRateHz),
                    channel: badIndex % channelCount)
            }
            hasher.absorb(source, count: frames * bytesPerFrame)
            input.consume(frames * bytesPerFrame)
            doneFrames += frames
        }
        framesRead += doneFrames
        return doneFrames
    }

    // MARK: Header

    private struct Header {
        var format: WAVFormat
        /// The data chunk's size in bytes, or nil when unknown (0, or `streamedDataSizeBytes` and more).
        var dataSizeBytes: Int?
    }

    /// WAVE_FORMAT_* tags (RFC 2361, mmreg.h).
    private enum FormatTag {
        static let pcm = 0x0001
        static let ieeeFloat = 0x0003
        static let aLaw = 0x0006
        static let muLaw = 0x0007
        static let extensible = 0xFFFE
    }

    /// A data size from here up is a streaming writer's placeholder, not a length: sox writes
    /// 0x7FFFF000 and arecord 0x80000000 when the output is a pipe. (A real data chunk this
    /// long, 2 GiB, cut short is then read without the truncation error.)
    static let streamedDataSizeBytes = 0x7FFF_F000

    /// Bytes of the fmt chunk this reader looks at: 16 basic + 2 cbSize + 22 extension.
    private static let extensibleFormatBytes = 40
    /// KSDATAFORMAT_SUBTYPE_* GUIDs are the format tag followed by these 14 bytes.
    private static let subformatGUIDTail: [UInt8] = [
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
    ]

    private static func fourCC(_ pointer: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: pointer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    private static func code(_ text: StaticString) -> UInt32 {
        let bytes = text.utf8Start
        return UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }

    private static func parseHeader(_ input: inout FileInput) throws(WAVError) -> Header {
        let path = input.path
        guard try input.ensure(12) else {
            if input.available == 0 { throw WAVError.emptyFile(path: path) }
            // A short file that does not even start like a RIFF file is not a WAV file.
            let prefix = min(input.available, 4)
            let riffPrefix: [UInt8] = [0x52, 0x49, 0x46, 0x46]  // "RIFF"
            for index in 0..<prefix where input.cursor.load(fromByteOffset: index, as: UInt8.self) != riffPrefix[index] {
                throw WAVError.notWAVE(path: path)
            }
            throw WAVError.truncatedHeader(path: path)
        }
        let riff = fourCC(input.cursor, 0)
        // RF64 / BW64 (EBU Tech 3306) hold 0xFFFFFFFF in the 32-bit sizes: read to the end.
        guard riff == code("RIFF") || riff == code("RF64") || riff == code("BW64"),
            fourCC(input.cursor, 8) == code("WAVE")
        else { throw WAVError.notWAVE(path: path) }
        input.consume(12)

        var format: WAVFormat?
        while true {
            guard try input.ensure(8) else {
                if format == nil { throw WAVError.missingFormatChunk(path: path) }
                throw WAVError.missingDataChunk(path: path)
            }
            let chunkID = fourCC(input.cursor, 0)
            let chunkSize = Int(UInt32(littleEndian: input.cursor.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
            input.consume(8)
            let paddedSize = chunkSize + (chunkSize & 1)

            if chunkID == code("data") {
                guard let format else { throw WAVError.missingFormatChunk(path: path) }
                let unknownSize = chunkSize == 0 || chunkSize >= Self.streamedDataSizeBytes
                return Header(format: format, dataSizeBytes: unknownSize ? nil : chunkSize)
            }
            if chunkID == code("fmt "), format == nil {
                let readBytes = min(chunkSize, extensibleFormatBytes)
                guard try input.ensure(readBytes) else { throw WAVError.truncatedHeader(path: path) }
                format = try parseFormat(input.cursor, sizeBytes: chunkSize, path: path)
                input.consume(readBytes)
                try input.skip(paddedSize - readBytes)
                continue
            }
            try input.skip(paddedSize)
        }
    }

    private static func parseFormat(_ body: UnsafeRawPointer, sizeBytes: Int, path: String) throws(WAVError) -> WAVFormat {
        guard sizeBytes >= 16 else { throw WAVError.malformedFormatChunk(path: path, sizeBytes: sizeBytes) }
        func u16(_ offset: Int) -> Int {
            Int(UInt16(littleEndian: body.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        }
        var formatTag = u16(0)
        let channelCount = u16(2)
        let sampleRateHz = Int(UInt32(littleEndian: body.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        let blockAlignBytes = u16(12)
        let bitsPerSample = u16(14)

        if formatTag == FormatTag.extensible {
            guard sizeBytes >= extensibleFormatBytes else {
                throw WAVError.malformedFormatChunk(path: path, sizeBytes: sizeBytes)
            }
            let guidTailMatches = subformatGUIDTail.indices.allSatisfy { index in
                body.load(fromByteOffset: 26 + index, as: UInt8.self) == subformatGUIDTail[index]
            }
            // An unknown GUID: report it as encoding 0xFFFE (no KSDATAFORMAT we know).
            formatTag = guidTailMatches ? u16(24) : FormatTag.extensible
        }

        guard channelCount > 0 else { throw WAVError.noChannels(path: path) }
        guard WAVFormat.supportedChannelCounts.contains(channelCount) else {
            throw WAVError.tooManyChannels(path: path, channelCount: channelCount)
        }
        guard WAVFormat.supportedSampleRatesHz.contains(sampleRateHz) else {
            throw WAVError.sampleRateOutOfRange(path: path, sampleRateHz: sampleRateHz)
        }
        let encoding: SampleEncoding
        switch (formatTag, bitsPerSample) {
        case (FormatTag.pcm, 8): encoding = .pcm8
        case (FormatTag.pcm, 16): encoding = .pcm16
        case (FormatTag.pcm, 24): encoding = .pcm24
        case (FormatTag.pcm, 32): encoding = .pcm32
        case (FormatTag.ieeeFloat, 32): encoding = .float32
        case (FormatTag.ieeeFloat, 64): encoding = .float64
        case (FormatTag.muLaw, 8): encoding = .mulaw
        case (FormatTag.aLaw, 8): encoding = .alaw
        default:
            throw WAVError.unsupportedEncoding(path: path, formatTag: formatTag, bitsPerSample: bitsPerSample)
        }
        let result = WAVFormat(sampleRateHz: sampleRateHz, channelCount: channelCount, encoding: encoding)
        guard blockAlignBytes == result.bytesPerFrame else {
            throw WAVError.inconsistentBlockAlign(
                path: path, blockAlignBytes: blockAlignBytes, expectedBytes: result.bytesPerFrame)
        }
        return result
    }
}
