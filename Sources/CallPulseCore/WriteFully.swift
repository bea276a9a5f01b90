/// Writes all of `bytes` through `write`, which writes a prefix of what it is given and
/// returns how many bytes it took, or a negative number when it failed; a failure that
/// `interrupted()` calls an interruption (EINTR) is retried, a write of nothing is a
/// failure. Returns whether everything was written; on `false` the caller's `errno` is
/// the failed write's. The one write-until-done loop of the project (the WAV writer, the
/// fallback file, the HTML report, the terminal): Core does no I/O itself, the caller hands
/// it the system call.
public func writeFully(
    _ bytes: UnsafeRawBufferPointer, write: (UnsafeRawBufferPointer) -> Int, interrupted: () -> Bool
) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let written = write(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        if written > 0 {
            offset += written
        } else if written < 0 && interrupted() {
            continue
        } else {
            return false
        }
    }
    return true
}
