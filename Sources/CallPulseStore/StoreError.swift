import CallPulseCore

/// Why the session store failed. Each description is one sentence that names the store
/// file and says what to do (SPEC "Errors": exit status 5).
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The folder or file cannot be created or opened (permissions, missing parent).
    case cannotOpen(path: String, reason: String)
    /// The file exists but is not a callpulse store (random bytes, another program's file).
    case corrupt(path: String, reason: String)
    /// Something is at the path that is not a callpulse store (a folder, a device, another
    /// program's database): refused, and left as it was.
    case notAStore(path: String, reason: String)
    /// A write failed (full disk, read-only file system, I/O error).
    case cannotWrite(path: String, reason: String)
    /// Another process held the store longer than the busy timeout.
    case busy(path: String, timeoutS: Double)
    /// The store was written by a newer callpulse (a migration this build does not know).
    case newerSchema(path: String)
    /// No stored session has this id (or id prefix).
    case notFound(id: String)
    /// Several stored sessions start with this id prefix.
    case ambiguous(id: String, matches: [String])
    /// A stored summary could not be read back.
    case unreadableSummary(id: String, reason: String)
    /// One stored session is damaged (a figure out of range, broken JSON); the others are fine.
    case damagedSession(path: String, id: String, reason: String)
    /// The team store (PostgreSQL) cannot be reached or refused the connection: the host is
    /// named, the password never.
    case teamStoreUnreachable(host: String, reason: String)
    /// The team store answered but refused or failed an operation.
    case teamStoreFailed(host: String, reason: String)
    /// The team store's database has no callpulse schema yet.
    case teamStoreNotInitialised(host: String, database: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open the session store \(path): \(reason); check the folder's permissions or choose another with --store PATH"
        case .corrupt(let path, let reason):
            "the session store \(path) is damaged or not a callpulse store (\(reason)); move it aside and a new one is made"
        case .notAStore(let path, let reason):
            "\(path) is not a callpulse session store (\(reason)); it was left as it is: name the store with --store PATH"
        case .cannotWrite(let path, let reason):
            "cannot write the session store \(path): \(reason); "
                + (reason.contains("disk is full") ? "free some space or choose another with --store PATH" : "choose another with --store PATH")
        case .busy(let path, let timeoutS):
            "the session store \(path) stayed locked by another program for \(Int(saturating: timeoutS)) s; try again when it is done"
        case .newerSchema(let path):
            "the session store \(path) was written by a newer callpulse; upgrade callpulse to read it"
        case .notFound(let id):
            "no stored session has the id \(id); `callpulse sessions list` shows the ids"
        case .ambiguous(let id, let matches):
            "\(matches.count) stored sessions start with \(id) (\(matches.prefix(3).joined(separator: ", "))…); give more of the id"
        case .unreadableSummary(let id, let reason):
            "the stored summary of session \(id) cannot be read: \(reason)"
        case .damagedSession(let path, let id, let reason):
            "the session store \(path): session \(id) is damaged (\(reason)); the other sessions are shown; remove it with `callpulse sessions delete \(id)`"
        case .teamStoreUnreachable(let host, let reason):
            "cannot reach the team store at \(host): \(reason)"
        case .teamStoreFailed(let host, let reason):
            "the team store at \(host) refused: \(reason)"
        case .teamStoreNotInitialised(let host, let database):
            "the team store at \(host) has no callpulse schema in database \(database); an administrator runs `callpulse store init` once"
        }
    }
}
