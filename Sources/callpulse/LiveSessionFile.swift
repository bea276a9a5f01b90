import CallPulseCore
import CallPulseRender
import Foundation

/// Where a finished live session is kept until the session store lands: one JSON file per
/// session (schema `callpulse.summary/1`, mode 0600: call figures are personal data) in
/// `$XDG_DATA_HOME/callpulse/sessions` (default `~/.local/share/callpulse/sessions`).
/// This is the one function to switch over to the store.
func keepLiveSession(_ summary: Summary) throws(LiveKeepError) -> String {
    let environment = ProcessInfo.processInfo.environment
    let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
        ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
    let folder = base + "/callpulse/sessions"
    do {
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
        throw LiveKeepError(path: folder, reason: "cannot create the folder (\(error.localizedDescription))")
    }
    let stamp = (summary.session.startedAt ?? "unknown").filter { $0.isLetter || $0.isNumber }
    let path = folder + "/live-" + stamp + "-" + summary.session.id + ".json"
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    if descriptor < 0 {
        throw LiveKeepError(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    guard writeAll(fd: descriptor, JSONRenderer.render(summary) + "\n") else {
        throw LiveKeepError(path: path, reason: String(cString: strerror(errno)))
    }
    return path
}

/// The session could not be kept (SPEC exit status 5).
struct LiveKeepError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "\(path): the session summary could not be written (\(reason)); it is printed above instead" }
}
