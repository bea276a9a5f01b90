import Foundation
import Testing

/// Issue 9, finding 9: control characters in a path (a newline, an ESC sequence that clears
/// the screen and turns it red) never reach the terminal: error lines stay one line, and the
/// text summary, the session list and the report show the path escaped, `ls -b` style.
@Suite("control characters in paths")
struct ControlCharacterPathTests {
    static let hostileName = "call\nsplit\u{1B}[2J\u{1B}[31m.wav"
    static let escapedName = "call\\nsplit\\x1B[2J\\x1B[31m.wav"

    static func expectClean(_ text: String, _ context: String) {
        #expect(!text.unicodeScalars.contains("\u{1B}"), "\(context): raw ESC in \(text.debugDescription)")
    }

    @Test("every command that shows a path escapes its control characters")
    func pathsAreEscaped() throws {
        let fixture = try Fixture()
        let hostile = fixture.path(Self.hostileName)
        try FileManager.default.copyItem(atPath: "Samples/call-clean.wav".asPackagePath, toPath: hostile)
        let store = fixture.path("sessions.sqlite")

        let analyze = try fixture.run(["analyze", "--store", store, hostile])
        #expect(analyze.status == 0, "stderr: \(analyze.stderr)")
        #expect(analyze.stdout.contains("file                " + fixture.path(Self.escapedName) + "\n"))
        Self.expectClean(analyze.stdout, "analyze")

        for arguments in [["sessions", "list"], ["report"], ["sessions", "show", "124f"]] {
            let result = try fixture.run(arguments + ["--store", store])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains(Self.escapedName), "\(arguments): \(result.stdout)")
            Self.expectClean(result.stdout, "\(arguments)")
        }
        // JSON keeps the path exactly (JSON escapes control characters itself).
        let json = try fixture.run(["sessions", "list", "--json", "--store", store])
        Self.expectClean(json.stdout, "list --json")
        let list = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(list?.first?["path"] as? String == hostile)

        // Error lines: a missing file, a store path, a device name; each one line, no ESC.
        let missing = fixture.path("gone\n\u{1B}[31m.wav")
        let errors: [[String]] = [
            ["analyze", "--no-store", missing],
            ["sessions", "list", "--store", fixture.path("no\nstore\u{1B}[2J")],
            ["analyze", "--store", fixture.path("folder\n\u{1B}[31m") + "/", hostile],
            ["live", "--no-store", "--device", "mic\n\u{1B}[31m", "--frames", "160"],
        ]
        try FileManager.default.createDirectory(atPath: fixture.path("folder\n\u{1B}[31m"), withIntermediateDirectories: true)
        for arguments in errors {
            let result = try fixture.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("callpulse: error: "), "\(arguments): \(result.stderr.debugDescription)")
            #expect(result.stderr.contains("\\n"), "\(arguments): \(result.stderr.debugDescription)")
            Self.expectClean(result.stderr, "\(arguments)")
        }
    }
}
