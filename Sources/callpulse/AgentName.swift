import ArgumentParser

/// Rejects an `--agent` name that would carry control characters (escape sequences) into
/// the store, and from there into every terminal that lists the sessions.
func validateAgentName(_ name: String?) throws {
    guard let name else { return }
    if name.isEmpty || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
        throw ValidationError("--agent needs a name without control characters, not \(name.debugDescription).")
    }
}
