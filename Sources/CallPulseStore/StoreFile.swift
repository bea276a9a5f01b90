import Foundation

/// What is at a store path, looked at before anything opens, creates or writes it
/// (issue 9: `--store PATH` once chmodded whatever was there, a folder, a symlink's target,
/// a device node, to 0600). Read-only: `stat` and nothing else.
enum StoreFile {
    enum State: Equatable {
        /// Nothing there yet: a store may be made.
        case missing
        /// A regular file that passed the checks for the access asked for.
        case file
    }

    /// What `path` is, or the `StoreError` that says why callpulse will not use it:
    /// - not a regular file (a folder, a device node, a FIFO, a socket; a symlink counts as
    ///   what it points at): refused for any access;
    /// - for writing, also: owned by another user (callpulse never writes someone else's
    ///   file, even as root), or made read-only by its owner (no owner write bit: 0400,
    ///   which root would otherwise write through).
    static func inspect(_ path: String, access: SessionStore.Access, lookedAgain: Int = 0) throws -> State {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let error = errno
            if error == ENOENT {
                // A symlink whose target is missing would make `link` fail: say what it is.
                var linkStatus = stat()
                if lstat(path, &linkStatus) == 0 {
                    if linkStatus.st_mode & S_IFMT == S_IFLNK {
                        throw StoreError.notAStore(path: path, reason: "it is a symbolic link to a file that does not exist")
                    }
                    // Another process made the store between the two looks (eight monitors
                    // starting on a new store at once): look again at what is there now.
                    if lookedAgain < 3 { return try inspect(path, access: access, lookedAgain: lookedAgain + 1) }
                }
                return .missing
            }
            throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(error)))
        }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG else {
            let what = switch kind {
            case S_IFDIR: "a folder"
            case S_IFCHR, S_IFBLK: "a device"
            case S_IFIFO: "a FIFO"
            case S_IFSOCK: "a socket"
            default: "not a regular file"
            }
            throw StoreError.notAStore(path: path, reason: "it is \(what)")
        }
        // Not even SQLite (a text file, a WAV named by mistake): refused before SQLite opens it.
        // An empty file passes: a writer makes it a store.
        if status.st_size > 0 && !hasSQLiteHeader(path) {
            throw StoreError.notAStore(path: path, reason: "it is not an SQLite database")
        }
        if access == .write {
            if status.st_uid != geteuid() {
                throw StoreError.cannotWrite(path: path, reason: "it belongs to another user (uid \(status.st_uid)); callpulse writes only its user's own store")
            }
            if status.st_mode & S_IWUSR == 0 {
                let mode = String(status.st_mode & 0o7777, radix: 8)
                throw StoreError.cannotWrite(path: path, reason: "its owner made it read-only (mode 0\(mode))")
            }
        }
        return .file
    }

    /// Whether the file starts with SQLite's 16-byte magic, "SQLite format 3" and a NUL.
    private static func hasSQLiteHeader(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return true }  // SQLite will say why it cannot open it
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 16)
        let count = header.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 16) }
        return count == 16 && header == Array("SQLite format 3\u{0}".utf8)
    }
}
