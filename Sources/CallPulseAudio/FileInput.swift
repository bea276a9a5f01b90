#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor with one reused read buffer: the only place the reader touches the
/// system. Owns both; `deinit` closes the descriptor and frees the buffer, including when
/// `WAVReader.init` throws halfway. Sendable: being non-copyable, it is the only owner of
/// its descriptor and buffer, so moving it to another task shares nothing.
struct FileInput: ~Copyable, @unchecked Sendable {
    /// Size of the reused read buffer, in bytes. 256 KiB: large enough that one `read()`
    /// system call feeds about 0.1 M samples, small enough to stay in L2 cache.
    static let bufferCapacityBytes = 256 * 1024

    let path: String
    private let fd: Int32
    /// Start of the buffer; valid bytes are `bytes[start..<end]`.
    let bytes: UnsafeMutableRawPointer
    private(set) var start = 0
    private(set) var end = 0
    /// Bytes the file may still deliver (data chunk left), or nil: up to end of file.
    private var remainingLimit: Int?
    /// The file (or the limit) is exhausted: no more bytes beyond `end`.
    private(set) var exhausted = false
    /// Offset in the file of `bytes[end]`.
    private var fileOffsetOfEnd = 0
    /// Size of the file when it is a regular file, else nil (pipe, device).
    let regularFileSizeBytes: Int?

    init(path: String) throws(WAVError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            throw WAVError.cannotOpen(path: path, reason: systemErrorText(errno))
        }
        var status = stat()
        var regularSize: Int?
        if fstat(descriptor, &status) == 0 {
            if (status.st_mode & S_IFMT) == S_IFDIR {
                close(descriptor)
                throw WAVError.cannotOpen(path: path, reason: "it is a directory")
            }
            if (status.st_mode & S_IFMT) == S_IFREG { regularSize = Int(status.st_size) }
        }
        self.path = path
        self.fd = descriptor
        self.regularFileSizeBytes = regularSize
        self.bytes = UnsafeMutableRawPointer.allocate(
            byteCount: Self.bufferCapacityBytes, alignment: 64)
    }

    deinit {
        close(fd)
        bytes.deallocate()
    }

    /// Bytes buffered and not yet consumed.
    var available: Int { end - start }

    /// Offset in the file of the next unconsumed byte.
    var fileOffset: Int { fileOffsetOfEnd - available }

    /// The next unconsumed byte's address.
    var cursor: UnsafeRawPointer { UnsafeRawPointer(bytes + start) }

    /// Marks `count` buffered bytes as consumed.
    mutating func consume(_ count: Int) {
        assert(count >= 0 && count <= available)
        start += count
    }

    /// Moves the unconsumed bytes to the front and reads once more. Returns the number of
    /// new bytes: 0 only at end of file (or of the limit), which also sets `exhausted`.
    @discardableResult
    mutating func refill() throws(WAVError) -> Int {
        if exhausted { return 0 }
        let leftover = available
        if start > 0 {
            if leftover > 0 { (bytes).copyMemory(from: bytes + start, byteCount: leftover) }
            start = 0
            end = leftover
        }
        var wanted = Self.bufferCapacityBytes - end
        if let limit = remainingLimit { wanted = min(wanted, limit) }
        if wanted == 0 {
            if remainingLimit == 0 { exhausted = true }
            return 0
        }
        while true {
            let got = systemRead(fd, bytes + end, wanted)
            if got > 0 {
                end += got
                fileOffsetOfEnd &+= got
                if let limit = remainingLimit { remainingLimit = limit - got }
                return got
            }
            if got == 0 {
                exhausted = true
                return 0
            }
            let code = errno
            if code == EINTR || code == EAGAIN { continue }
            throw WAVError.readFailed(path: path, reason: systemErrorText(code))
        }
    }

    /// Makes at least `count` bytes available (count <= buffer capacity). False when the
    /// file ends first; the bytes that are there stay available.
    mutating func ensure(_ count: Int) throws(WAVError) -> Bool {
        assert(count <= Self.bufferCapacityBytes)
        while available < count {
            if try refill() == 0 { return false }
        }
        return true
    }

    /// Skips `count` bytes (a chunk the reader does not need), seeking when they are not
    /// buffered. Skipping beyond the end of the file is not an error here: the next read
    /// finds the end.
    mutating func skip(_ count: Int) throws(WAVError) {
        if count <= available {
            start += count
            return
        }
        var rest = count - available
        start = 0
        end = 0
        let target = fileOffsetOfEnd &+ rest
        if target >= 0, lseek(fd, off_t(target), SEEK_SET) >= 0 {
            fileOffsetOfEnd = target
            return
        }
        // Not seekable (a pipe): read and drop.
        while rest > 0 {
            if try refill() == 0 { return }
            let dropped = min(rest, available)
            start += dropped
            rest -= dropped
        }
    }

    /// Bytes `limit(to:)` promised that the file ended without (0 until it has ended, and
    /// when it ended at the limit or had none).
    var bytesShortOfLimit: Int { exhausted ? max(0, remainingLimit ?? 0) : 0 }

    /// From here on, delivers at most `count` more bytes (the data chunk's size).
    mutating func limit(to count: Int) {
        if count <= available {
            end = start + count
            remainingLimit = 0
        } else {
            remainingLimit = count - available
        }
    }
}

/// Glibc's `read`, under a name that does not clash with the reader's own `read(into:)`.
@inline(__always)
func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #elseif canImport(Musl)
    return Musl.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}

/// The system's text for an errno value, e.g. "No such file or directory".
func systemErrorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}
