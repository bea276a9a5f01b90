import Foundation

/// The one spelling of a person's name in the stores: Unicode NFC. "José" typed on one
/// keyboard (é, one code point) and pasted from another program (e + combining acute) is the
/// same name to a reader and to Swift's `==`, but not to SQLite, PostgreSQL (whose role
/// names are bytes) or a `GROUP BY`: unnormalised, one agent would be two agents, and an
/// agent's login role would not match the name its sessions are kept under. Every name that
/// enters the program (options, the team store URL's user, the dashboard's login form) goes
/// through `canonical`.
public enum AgentName {
    public static func canonical(_ name: String) -> String {
        name.precomposedStringWithCanonicalMapping
    }
}
