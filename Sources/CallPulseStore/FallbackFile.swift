import CallPulseCore
import Foundation

/// Where a summary goes when the store cannot take it (SPEC "Errors": a session already
/// captured is never lost). Tried in order, the first that takes the file wins:
/// `$XDG_STATE_HOME/callpulse/unsaved/` (`~/.local/state/...` when unset), the current
/// folder, then the system's temporary folder. Files are mode 0600 (calls are personal data).
public enum FallbackFile {
    /// The folders tried, in order.
    public static func candidateFolders(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var folders: [String] = []
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            folders.append(state + "/callpulse/unsaved")
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            folders.append(home + "/.local/state/callpulse/unsaved")
        }
        folders.append(FileManager.default.currentDirectoryPath)
        folders.append((environment["TMPDIR"].flatMap { $0.hasPrefix("/") ? $0 : nil }) ?? "/tmp")
        return folders
    }

    /// Writes `contents` to a new file named after `sessionID` and the time, in the first
    /// folder that takes it; returns its path, or `nil` when no folder took it.
    public static func write(
        _ contents: String, sessionID: String, now: Date = Date(),
        folders: [String] = candidateFolders()
    ) -> String? {
        let stamp = StoreDate.string(now).replacingOccurrences(of: ":", with: "")
        let safeID = String(sessionID.filter { $0.isLetter || $0.isNumber }.prefix(32))
        let name = "callpulse-unsaved-\(stamp)-\(safeID.isEmpty ? "session" : safeID).json"
        let data = Array(contents.utf8)
        for folder in folders {
            if !FileManager.default.fileExists(atPath: folder) {
                try? FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
                )
            }
            var path = folder + "/" + name
            var attempt = 1
            while FileManager.default.fileExists(atPath: path) {
                attempt += 1
                path = folder + "/" + name.replacingOccurrences(of: ".json", with: "-\(attempt).json")
            }
            if writeExclusively(data, to: path) { return path }
        }
        return nil
    }

    /// Creates `path` (0600, failing if it exists) and writes all of `data`; removes a partial file.
    private static func writeExclusively(_ data: [UInt8], to path: String) -> Bool {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        let complete: Bool = data.withUnsafeBytes { buffer in
            writeFully(buffer, write: { Foundation.write(descriptor, $0.baseAddress!, $0.count) }, interrupted: { errno == EINTR })
                && fsync(descriptor) == 0
        }
        let closed = close(descriptor) == 0
        if complete && closed { return true }
        unlink(path)
        return false
    }
}
