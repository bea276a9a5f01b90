import Foundation
import GRDB
import Testing

/// Issue 9, findings 4-8 and 10: what `--store PATH` may point at, and what a reading
/// command does with a store it did not make, a store made read-only, a store another
/// process is writing, a new store that eight processes open at once, and damaged rows.
/// Every command that reads the store is run against each.
@Suite("store paths and rows a user or another program made")
struct StoreSafetyTests {
    /// Every command that reads the store, plus the writing one, as run against `store`.
    static func commands(store: String, wav: String) -> [[String]] {
        [
            ["sessions", "list", "--store", store], ["sessions", "list", "--json", "--store", store],
            ["sessions", "list", "--csv", "--store", store], ["sessions", "show", "00", "--store", store],
            ["sessions", "export", "--format", "json", "--store", store],
            ["sessions", "export", "--format", "csv", "--store", store],
            ["sessions", "delete", "00", "--store", store], ["report", "--store", store],
            ["analyze", "--store", store, wav],
        ]
    }

    /// Mode, owner, size and a hash of the bytes (a folder: its listing): what "unchanged" means.
    static func snapshot(_ path: String) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else { return "missing" }
        var text = "mode \(String(status.st_mode, radix: 8)) uid \(status.st_uid) size \(status.st_size)"
        if status.st_mode & S_IFMT == S_IFREG, let data = FileManager.default.contents(atPath: path) {
            text += " bytes \(data.hashValue)"
        } else if status.st_mode & S_IFMT == S_IFDIR {
            text += " entries \((try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? [])"
        }
        return text
    }

    static func expectOneErrorLine(_ result: CLI.Result, status: Int32, containing: String, _ context: String) {
        #expect(!result.signaled, "\(context)")
        #expect(result.status == status, "\(context): exit \(result.status), stderr: \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("callpulse: error: ") && lines[0].contains(containing), "\(context): \(result.stderr)")
    }

    /// Finding 4 (chmod of whatever is at PATH) and 5 (another program's database taken over):
    /// a folder, a symlink to a text file, a text file, a FIFO and another program's SQLite
    /// database are refused by every command, and left exactly as they were.
    @Test("hostile --store paths: refused by every command, left byte for byte")
    func hostilePaths() throws {
        let fixture = try Fixture()
        let wav = "Samples/call-clean.wav".asPackagePath
        try FileManager.default.createDirectory(atPath: fixture.path("folder"), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: fixture.path("folder/notes.txt"), contents: Data("mine\n".utf8)))
        _ = chmod(fixture.path("folder"), 0o755)
        #expect(FileManager.default.createFile(atPath: fixture.path("notes.txt"), contents: Data("a text file\n".utf8), attributes: [.posixPermissions: 0o644]))
        try FileManager.default.createSymbolicLink(atPath: fixture.path("link"), withDestinationPath: fixture.path("notes.txt"))
        #expect(mkfifo(fixture.path("fifo"), 0o644) == 0)
        let crm = fixture.path("crm.db")
        do {
            let queue = try DatabaseQueue(path: crm)
            try queue.write { db in
                try db.execute(sql: "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customer VALUES (1, 'Ada')")
            }
            try queue.close()
        }
        _ = chmod(crm, 0o644)
        for (name, reason) in [("folder", "it is a folder"), ("link", "it is not an SQLite database"), ("notes.txt", "it is not an SQLite database"),
                               ("fifo", "it is a FIFO"), ("crm.db", "it holds customer, not callpulse's sessions")] {
            let path = fixture.path(name)
            let watched = [path, fixture.path("notes.txt")]
            let before = watched.map(Self.snapshot)
            for arguments in Self.commands(store: path, wav: wav) {
                let result = try fixture.run(arguments)
                Self.expectOneErrorLine(result, status: 5, containing: "\(path) is not a callpulse session store (\(reason))", "\(arguments)")
                #expect(watched.map(Self.snapshot) == before, "\(arguments) changed \(name)")
            }
            // No -wal, -shm or -journal files were left beside it.
            for suffix in ["-wal", "-shm", "-journal"] {
                #expect(!FileManager.default.fileExists(atPath: path + suffix), "\(name)\(suffix)")
            }
        }
    }

    /// Finding 6: a store its owner made read-only (0400) stays read-only: `analyze` fails
    /// with exit 5 and names the fallback file; reading commands still read it.
    @Test("a read-only store is not made writable: exit 5, summary in the fallback file")
    func readOnlyStore() throws {
        let fixture = try Fixture()
        let store = fixture.path("sessions.sqlite")
        #expect(try fixture.run(["analyze", "--store", store, "Samples/call-clean.wav".asPackagePath]).status == 0)
        #expect(chmod(store, 0o400) == 0)
        let before = Self.snapshot(store)
        let result = try fixture.run(["analyze", "--store", store, "Samples/call-noise30.wav".asPackagePath])
        Self.expectOneErrorLine(result, status: 5, containing: "its owner made it read-only (mode 0400)", "analyze")
        let fallback = try #require(result.stderr.components(separatedBy: "saved to ").last?.components(separatedBy: " instead").first)
        let kept = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fallback))) as? [String: Any]
        #expect((kept?["source"] as? [String: Any])?["path"] as? String == "Samples/call-noise30.wav".asPackagePath)
        #expect(Self.snapshot(store) == before)
        let list = try fixture.run(["sessions", "list", "--json", "--store", store])
        #expect(list.status == 0, "stderr: \(list.stderr)")
        #expect(list.stdout.contains("call-clean.wav") && !list.stdout.contains("call-noise30.wav"))
        #expect(Self.snapshot(store) == before)
    }

    static let sqlite3 = ["/usr/bin/sqlite3", "/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Finding 7: another process inside a write transaction does not block readers (WAL).
    @Test("readers read while another process holds a write transaction", .enabled(if: sqlite3 != nil, "needs the sqlite3 shell (apt-get install sqlite3)"))
    func readersReadDuringAWrite() throws {
        let fixture = try Fixture()
        let store = fixture.path("sessions.sqlite")
        #expect(try fixture.run(["analyze", "--store", store, "Samples/call-clean.wav".asPackagePath]).status == 0)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: try #require(Self.sqlite3))
        holder.arguments = [store]
        let input = Pipe(), output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        defer { try? input.fileHandleForWriting.close(); holder.waitUntilExit() }
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nUPDATE session SET agent = 'held';\nSELECT 'holding';\n".utf8))
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("holding") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += chunk
        }
        #expect(String(decoding: seen, as: UTF8.self).contains("holding"))
        for arguments in [["sessions", "list", "--json"], ["report"], ["sessions", "export", "--format", "csv"]] {
            let started = Date()
            let result = try fixture.run(arguments + ["--store", store])
            let elapsedS = Date().timeIntervalSince(started)
            #expect(result.status == 0, "\(arguments): stderr \(result.stderr)")
            #expect(elapsedS < 2, "\(arguments) waited \(elapsedS) s for the writer")
        }
    }

    /// Finding 8: eight processes analysing into a new store at once all succeed, and the
    /// store holds all eight sessions (before: "no such table: grdb_migrations", "locked").
    @Test("eight processes on a new store at once: all exit 0, eight sessions")
    func eightProcessesOnANewStore() throws {
        let fixture = try Fixture()
        let call = LiveCommandTests.generateCall()
        var wavs: [String] = []
        for index in 0..<8 {
            // Different audio each: a session is identified by its audio.
            var samples = Array(call.prefix(2 * LiveCommandTests.rateHz))
            samples[index] = 1000 + Int16(index)
            try fixture.writeWAV(samples, name: "call\(index).wav", channels: 2)
            wavs.append(fixture.path("call\(index).wav"))
        }
        for trial in 0..<6 {
            let store = fixture.path("trial\(trial)/sessions.sqlite")
            let results = Mutex8()
            let files = wavs, dataHome = fixture.path("data")
            DispatchQueue.concurrentPerform(iterations: 8) { index in
                let result = try? CLI.run(["analyze", "--store", store, files[index]], environment: ["XDG_DATA_HOME": dataHome])
                results.set(index, result)
            }
            for (index, result) in results.all.enumerated() {
                #expect(result?.status == 0, "trial \(trial), process \(index): \(result?.stderr ?? "did not run")")
            }
            let list = try fixture.run(["sessions", "list", "--json", "--store", store])
            let sessions = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any]
            #expect(sessions?.count == 8, "trial \(trial): \(list.stdout)")
        }
    }

    /// Finding 10: a stored row with an absurd figure (a duration, a segment end or an alert
    /// limit of 1e300, a column of the wrong type) is one line naming the store and the
    /// session, exit 5; the other sessions are still listed, exported and reported.
    @Test("a damaged row: one line naming store and session, the others still shown", arguments: [
        "json_set(summary_json, '$.session.duration_s', 1e300)",
        "json_set(summary_json, '$.segments[0].end_s', 1e300)",
        "json_set(summary_json, '$.alerts[0].limit', 1e300)",
        "json_set(summary_json, '$.segments[0].end_s', -5)",
        "'{not json'",
    ])
    func damagedRow(_ damage: String) throws {
        let fixture = try Fixture()
        let store = fixture.path("sessions.sqlite")
        for sample in ["call-clean", "call-ring-eu", "call-noise30"] {
            #expect(try fixture.run(["analyze", "--store", store, "Samples/\(sample).wav".asPackagePath]).status == 0)
        }
        let ids: [String: String]
        do {
            let queue = try DatabaseQueue(path: store)
            ids = try queue.read { db in
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, source_path FROM session").map {
                    (($0["source_path"] as String).components(separatedBy: "/").last!, $0["id"] as String)
                })
            }
            try queue.write { db in
                try db.execute(sql: "UPDATE session SET summary_json = \(damage) WHERE id = ?", arguments: [ids["call-clean.wav"]!])
            }
            try queue.close()
        }
        let damagedID = try #require(ids["call-clean.wav"])
        // `sessions list` and `report` read the figures from the columns, which are intact:
        // they find a summary that is not JSON at all, and list or count a summary damaged
        // inside from its columns; the commands that read summaries whole find every damage.
        let columnReaders: [[String]] = [["sessions", "list"], ["sessions", "list", "--json"], ["sessions", "list", "--csv"], ["report"]]
        for arguments in columnReaders {
            let result = try fixture.run(arguments + ["--store", store])
            if damage.hasPrefix("'") {
                Self.expectOneErrorLine(result, status: 5, containing: "the session store \(store): session \(damagedID) is damaged", "\(arguments)")
            } else {
                #expect(result.status == 0 && result.stderr.isEmpty, "\(arguments): \(result.stderr)")
            }
            let listed = damage.hasPrefix("'") ? 2 : 3
            if arguments.first == "sessions" {
                #expect(result.stdout.contains(String(ids["call-ring-eu.wav"]!.prefix(12))), "\(arguments): \(result.stdout)")
                #expect(result.stdout.contains(String(ids["call-noise30.wav"]!.prefix(12))), "\(arguments): \(result.stdout)")
                #expect(result.stdout.contains(String(damagedID.prefix(12))) == (listed == 3), "\(arguments): \(result.stdout)")
            } else {
                #expect(result.stdout.contains("\(listed) calls") || result.stdout.contains("calls  \(listed)") || result.stdout.contains(" \(listed) "), "\(arguments): \(result.stdout)")
            }
        }
        let readers: [[String]] = [
            ["sessions", "export", "--format", "json"], ["sessions", "export", "--format", "csv"],
            ["report", "--html", fixture.path("report.html")],
        ]
        for arguments in readers {
            let result = try fixture.run(arguments + ["--store", store])
            Self.expectOneErrorLine(result, status: 5, containing: "the session store \(store): session \(damagedID) is damaged", "\(arguments)")
            if arguments.first == "sessions" {
                #expect(result.stdout.contains(String(ids["call-ring-eu.wav"]!.prefix(12))), "\(arguments): \(result.stdout)")
                #expect(result.stdout.contains(String(ids["call-noise30.wav"]!.prefix(12))), "\(arguments): \(result.stdout)")
            } else {
                #expect(result.stdout.contains("2 calls") || result.stdout.contains("calls  2") || result.stdout.contains(" 2 "), "\(arguments): \(result.stdout)")
            }
        }
        let show = try fixture.run(["sessions", "show", damagedID, "--store", store])
        Self.expectOneErrorLine(show, status: 5, containing: "session \(damagedID) is damaged", "show")
        #expect(try fixture.run(["sessions", "show", ids["call-ring-eu.wav"]!, "--store", store]).status == 0)
        // The damaged session can be removed, and then all is well.
        #expect(try fixture.run(["sessions", "delete", damagedID, "--store", store]).status == 0)
        #expect(try fixture.run(["sessions", "list", "--store", store]).status == 0)
    }
}

/// Results of the concurrent runs, one slot each.
final class Mutex8: @unchecked Sendable {
    private let lock = NSLock()
    private var results = [CLI.Result?](repeating: nil, count: 8)
    func set(_ index: Int, _ result: CLI.Result?) { lock.lock(); results[index] = result; lock.unlock() }
    var all: [CLI.Result?] { lock.lock(); defer { lock.unlock() }; return results }
}
