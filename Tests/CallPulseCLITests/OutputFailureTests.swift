import Foundation
import Testing

/// SPEC "Errors": nothing is silently dropped. Output that cannot be written (standard output
/// on a full disk; `/dev/full` fails every write with ENOSPC) is one error line and a non-zero
/// exit — before, `analyze > /dev/full` said nothing and exited 0 — while the sessions are
/// still kept.
@Suite(.enabled(if: FileManager.default.isWritableFile(atPath: "/dev/full"), "needs /dev/full"))
struct OutputFailureTests {
    /// Runs the binary with standard output on /dev/full; returns its status and stderr.
    static func runIntoFullDevice(_ arguments: [String], dataHome: String) throws -> (status: Int32, stderr: String) {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let result = try CLI.run(arguments, environment: ["XDG_DATA_HOME": dataHome, "XDG_STATE_HOME": dataHome], output: full)
        return (result.status, result.stderr)
    }

    @Test("analyze into a full device: one line, exit 1, the sessions still kept", arguments: [
        ["--csv", "Samples/call-clean.wav"],
        ["--json", "Samples/call-clean.wav", "Samples/call-noise12.wav"],
        ["Samples/call-clean.wav"],
    ])
    func analyzeIntoAFullDevice(_ arguments: [String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callpulse-full-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = folder + "/sessions.sqlite"
        let result = try Self.runIntoFullDevice(["analyze", "--store", store] + arguments, dataHome: folder)
        #expect(result.status == 1, "stderr: \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("callpulse: error: the output could not be written to standard output") == true, "stderr: \(result.stderr)")
        let listed = try CLI.run(["sessions", "list", "--json", "--store", store])
        let sessions = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [Any]
        #expect(sessions?.count == arguments.filter { $0.hasSuffix(".wav") }.count, "\(listed.stdout)")
    }

    @Test("help and a session list into a full device: one line, exit 1")
    func otherOutputIntoAFullDevice() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callpulse-full-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = folder + "/sessions.sqlite"
        #expect(try CLI.run(["analyze", "--store", store, "Samples/call-clean.wav"]).status == 0)
        for arguments in [["--help"], ["sessions", "list", "--store", store]] {
            let result = try Self.runIntoFullDevice(arguments, dataHome: folder)
            #expect(result.status == 1, "\(arguments): stderr \(result.stderr)")
            #expect(result.stderr.contains("standard output"), "\(arguments): stderr \(result.stderr)")
        }
    }
}
