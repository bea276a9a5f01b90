import CallPulseCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a RIFF/WAVE file, pcm16 or float32, from interleaved Float samples (full scale
/// 1.0, clamped to [-1, 1]; NaN is written as 0).
///
/// The file is created with mode 0600: call audio is personal data, only its owner may
/// read it. The header is written first with sizes of 0, which readers (this one, sox)
/// take as "read to the end of the file", so a writer that is never finished (a crash, a
/// killed process) still leaves a readable recording; `finish()` patches the sizes.
/// A writer dropped without `finish()` flushes and patches on a best-effort basis.
/// Sendable: non-copyable, it is the only owner of its descriptor and buffer.
public struct WAVWriter: ~Copyable, @unchecked Sendable {
    /// Bytes buffered before one `write()` system call.
    private static let bufferCapacityBytes = 256 * 1024

    public let path: String
    public let format: WAVFormat
    private let fd: Int32
    private let buffer: UnsafeMutableRawPointer
    private var bufferedBytes = 0
    private var dataBytesWritten = 0
    private var finished = false
    /// File offsets of the size fields to patch.
    private let dataSizeOffset: Int
    private let factFrameCountOffset: Int?

    public init(path: String, sampleRateHz: Int, channelCount: Int, encoding: SampleEncoding) throws(WAVError) {
        let format = WAVFormat(sampleRateHz: sampleRateHz, channelCount: channelCount, encoding: encoding)
        guard encoding == .pcm16 || encoding == .float32, channelCount >= 1, channelCount <= 0xFFFF,
            sampleRateHz > 0, sampleRateHz <= Int(UInt32.max) / format.bytesPerFrame
        else { throw WAVError.unsupportedOutputFormat(path: path, format: format) }

        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if descriptor < 0 { throw WAVError.cannotCreate(path: path, reason: systemErrorText(errno)) }
        // An existing regular file keeps its mode through O_CREAT: tighten it to owner only.
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG {
            _ = fchmod(descriptor, 0o600)
        }

        let isFloat = encoding == .float32
        // Header: RIFF(12) fmt(8 + 16, or 8 + 18 with cbSize for float) [fact(12)] data(8).
        var header: [UInt8] = []
        header.reserveCapacity(58)
        func append32(_ value: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian) { header += $0 } }
        func append16(_ value: Int) { withUnsafeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian) { header += $0 } }
        func appendID(_ text: String) { header += Array(text.utf8) }
        appendID("RIFF"); append32(0); appendID("WAVE")
        appendID("fmt "); append32(isFloat ? 18 : 16)
        append16(isFloat ? 3 : 1)
        append16(channelCount)
        append32(sampleRateHz)
        append32(sampleRateHz * format.bytesPerFrame)
        append16(format.bytesPerFrame)
        append16(encoding.bytesPerSample * 8)
        var factOffset: Int?
        if isFloat {
            append16(0)  // cbSize
            appendID("fact"); append32(4)
            factOffset = header.count
            append32(0)
        }
        appendID("data")
        let dataOffset = header.count
        append32(0)

        // Put the header on disk now, so that even an unfinished file is a valid WAV.
        let headerResult = header.withUnsafeBytes { bytes in
            Result { () throws(WAVError) in
                try Self.writeAll(fd: descriptor, bytes.baseAddress!, count: bytes.count, path: path)
            }
        }
        if case .failure(let error) = headerResult {
            close(descriptor)
            throw error
        }
        self.dataSizeOffset = dataOffset
        self.factFrameCountOffset = factOffset
        self.path = path
        self.format = format
        self.fd = descriptor
        self.buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.bufferCapacityBytes, alignment: 64)
    }

    deinit {
        if !finished {
            try? finishWithoutClosing()
        }
        close(fd)
        buffer.deallocate()
    }

    /// Appends interleaved samples (a whole number of frames is expected; a partial frame
    /// at the end is written as is and completed by the next call).
    public mutating func write(interleaved samples: UnsafeBufferPointer<Float>) throws(WAVError) {
        precondition(!finished, "WAVWriter.write after finish()")
        guard var source = samples.baseAddress else { return }
        var remaining = samples.count
        let bytesPerSample = format.encoding.bytesPerSample
        while remaining > 0 {
            let room = (Self.bufferCapacityBytes - bufferedBytes) / bytesPerSample
            if room == 0 {
                try flush()
                continue
            }
            let count = min(room, remaining)
            let destination = buffer + bufferedBytes
            switch format.encoding {
            case .float32:
                for index in 0..<count {
                    destination.storeBytes(
                        of: Self.clamped(source[index]).bitPattern.littleEndian,
                        toByteOffset: 4 * index, as: UInt32.self)
                }
            default:
                for index in 0..<count {
                    // The reader's scale (1/32768), so that read-then-write is lossless;
                    // +1.0 lands on 32767.
                    let scaled = min((Self.clamped(source[index]) * 32_768).rounded(.toNearestOrEven), 32_767)
                    destination.storeBytes(of: Int16(scaled).littleEndian, toByteOffset: 2 * index, as: Int16.self)
                }
            }
            bufferedBytes += count * bytesPerSample
            dataBytesWritten += count * bytesPerSample
            source += count
            remaining -= count
        }
    }

    /// Writes what is buffered and patches the header's sizes. Call once, at the end.
    public mutating func finish() throws(WAVError) {
        guard !finished else { return }
        finished = true
        try flush()
        try finishWithoutClosing()
        if fsync(fd) != 0, errno != EINVAL, errno != EROFS {
            throw WAVError.writeFailed(path: path, reason: systemErrorText(errno))
        }
    }

    /// [-1, 1], with NaN as 0 (both comparisons fail for NaN).
    @inline(__always)
    private static func clamped(_ sample: Float) -> Float {
        sample >= -1 ? (sample <= 1 ? sample : 1) : (sample < -1 ? -1 : 0)
    }

    /// Writes the buffered bytes, then patches the header's sizes. Not
    /// mutating, so that `deinit` can call it too.
    private func finishWithoutClosing() throws(WAVError) {
        try Self.writeAll(fd: fd, buffer, count: bufferedBytes, path: path)
        // pcm16 and float32 data is always an even number of bytes: no RIFF pad byte.
        let dataSize = dataBytesWritten
        // Sizes beyond 32 bits cannot be written: 0xFFFFFFFF tells readers "to the end".
        let riffSize = dataSizeOffset + 4 - 8 + dataSize
        try patch(UInt32(exactly: dataSize) ?? 0xFFFF_FFFF, at: dataSizeOffset)
        try patch(UInt32(exactly: riffSize) ?? 0xFFFF_FFFF, at: 4)
        if let factFrameCountOffset {
            let frames = dataSize / format.bytesPerFrame
            try patch(UInt32(exactly: frames) ?? 0xFFFF_FFFF, at: factFrameCountOffset)
        }
    }

    private func patch(_ value: UInt32, at offset: Int) throws(WAVError) {
        var little = value.littleEndian
        let written = withUnsafeBytes(of: &little) { bytes in
            pwrite(fd, bytes.baseAddress, 4, off_t(offset))
        }
        // A pipe cannot be patched: its sizes stay 0, which readers take as "to the end".
        if written != 4 && errno != ESPIPE {
            throw WAVError.writeFailed(path: path, reason: systemErrorText(errno))
        }
    }

    private mutating func flush() throws(WAVError) {
        let count = bufferedBytes
        bufferedBytes = 0
        try Self.writeAll(fd: fd, buffer, count: count, path: path)
    }

    private static func writeAll(fd: Int32, _ bytes: UnsafeRawPointer, count: Int, path: String) throws(WAVError) {
        let complete = writeFully(
            UnsafeRawBufferPointer(start: bytes, count: count),
            write: { systemWrite(fd, $0.baseAddress!, $0.count) }, interrupted: { errno == EINTR })
        if !complete { throw WAVError.writeFailed(path: path, reason: systemErrorText(errno)) }
    }
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #elseif canImport(Musl)
    return Musl.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}
