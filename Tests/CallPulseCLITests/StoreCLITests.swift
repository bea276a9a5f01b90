import CallPulseTestSupport
import Foundation
import Testing

/// End to end: the built `callpulse` binary with its store under a temporary XDG_DATA_HOME.
@Suite struct StoreCLITests {
    @Test("one name in two Unicode spellings (NFC, NFD) is one agent: kept, filtered and reported as NFC")
    func nameSpellingsAreOneAgent() throws {
        let home = CLIHome()
        defer { home.remove() }
        let composed = "Jos\u{E9}"       // é as one code point
        let decomposed = "Jose\u{301}"   // e + combining acute accent
        let first = try home.writeCall(named: "first.wav", seed: 1)
        let second = try home.writeCall(named: "second.wav", seed: 2)
        #expect(home.run(["analyze", "--agent", composed, first]).status == 0)
        #expect(home.run(["analyze", "--agent", decomposed, second]).status == 0)

        let json = home.run(["sessions", "list", "--json"])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(objects.count == 2)
        // Swift's == would call the two spellings equal; the store compares bytes.
        let stored = objects.compactMap { ($0["agent"] as? String).map { Array($0.unicodeScalars) } }
        #expect(stored == [Array(composed.unicodeScalars), Array(composed.unicodeScalars)], "\(json.stdout)")
        // Either spelling finds both sessions.
        let filtered = home.run(["sessions", "list", "--json", "--agent", decomposed])
        let found = try #require(try JSONSerialization.jsonObject(with: Data(filtered.stdout.utf8)) as? [[String: Any]])
        #expect(found.count == 2, "\(filtered.stdout)")
        let report = home.run(["report"], columns: 120)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("1 agent"), "\(report.stdout)")
    }

    @Test func twoAgentsAreListedReportedAndRenderedInHTML() throws {
        let home = CLIHome()
        defer { home.remove() }
        let anna = try home.writeCall(named: "anna-call.wav", seed: 1)
        let bert = try home.writeCall(named: "bert-call.wav", seed: 2)

        let analysed = home.run(["analyze", "--json", "--agent", "anna", anna])
        #expect(analysed.status == 0, "\(analysed.stderr)")
        #expect(home.run(["analyze", "--agent", "bert", bert]).status == 0)

        // The store: folder 0700, file 0600.
        #expect(fileMode(home.storePath) == 0o600)
        #expect(fileMode(home.dataHome + "/callpulse") == 0o700)

        let list = home.run(["sessions", "list"], columns: 120)
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == 3, "\(list.stdout)")
        #expect(lines.contains { $0.contains(" anna ") } && lines.contains { $0.contains(" bert ") })
        #expect(lines.allSatisfy { $0.count <= 120 })

        // Analysing the same recording again replaces its session.
        #expect(home.run(["analyze", "--agent", "anna", anna]).status == 0)
        let json = home.run(["sessions", "list", "--json"])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(objects.count == 2)
        #expect(Set(objects.compactMap { $0["agent"] as? String }) == ["anna", "bert"])

        // `sessions show ID --json` prints what `analyze --json` printed.
        let annaID = try #require(objects.first { $0["agent"] as? String == "anna" }?["id"] as? String)
        let shown = home.run(["sessions", "show", String(annaID.prefix(8)), "--json"])
        #expect(shown.status == 0)
        #expect(shown.stdout == analysed.stdout)
        #expect(home.run(["sessions", "list", "--agent", "bert", "--csv"]).stdout.split(separator: "\n").count == 2)
        let export = home.run(["sessions", "export", "--format", "csv"])
        #expect(export.stdout.hasPrefix("session_id,agent,started_at,path,"))
        #expect(export.stdout.split(separator: "\n").count == 3)

        // An HTML file that cannot be written (its folder does not exist) is an output failure
        // (exit 1), not bad usage; the text report is printed all the same.
        let nowhere = home.root + "/no-such-folder/report.html"
        let unwritten = home.run(["report", "--html", nowhere])
        #expect(unwritten.status == 1, "\(unwritten.stderr)")
        #expect(unwritten.stderr == "callpulse: error: cannot write the HTML report \(nowhere): No such file or directory\n")
        #expect(unwritten.stdout.contains("anna") && unwritten.stdout.contains("bert"))
        #expect(!FileManager.default.fileExists(atPath: nowhere))

        let htmlPath = home.root + "/report.html"
        let report = home.run(["report", "--html", htmlPath])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("anna") && report.stdout.contains("bert"))
        #expect(fileMode(htmlPath) == 0o600)
        let page = try String(contentsOfFile: htmlPath, encoding: .utf8)
        #expect(page.components(separatedBy: "<svg class=\"timeline\"").count - 1 == 2)
        if let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile) {
            let dom = home.chromiumDOM(chromium, htmlPath)
            #expect(dom.contains("data-agent=\"anna\"") && dom.contains("data-agent=\"bert\""))
            #expect(dom.contains("id=\"call-\(annaID)\""))
            #expect(dom.components(separatedBy: "<svg class=\"timeline\"").count - 1 == 2)
        } else {
            print("note: skipping the Chromium check of the CLI report: chromium is not installed")
        }
    }

    @Test func deleteByIDAndBeforeADate() throws {
        let home = CLIHome()
        defer { home.remove() }
        for seed in 1...3 {
            #expect(home.run(["analyze", "--agent", "anna", try home.writeCall(named: "c\(seed).wav", seed: seed)]).status == 0)
        }
        let ids = try home.listIDs()
        #expect(ids.count == 3)
        let deleted = home.run(["sessions", "delete", ids[0]])
        #expect(deleted.status == 0)
        #expect(try home.listIDs() == Array(ids.dropFirst()))
        #expect(home.run(["sessions", "delete", "--before", "1999-01-01"]).stdout.contains("Deleted 0 sessions"))
        #expect(home.run(["sessions", "delete", "--before", "2999-01-01"]).stdout.contains("Deleted 2 sessions"))
        #expect(try home.listIDs().isEmpty)
        let badDate = home.run(["sessions", "list", "--since", "last tuesday"])
        #expect(badDate.status == 2)
        #expect(badDate.stderr.hasPrefix("callpulse: error: "))
        #expect(home.run(["sessions", "show", "ffffffffffff"]).status == 2)
    }

    @Test func noStoreKeepsNothing() throws {
        let home = CLIHome()
        defer { home.remove() }
        #expect(home.run(["analyze", "--no-store", try home.writeCall(named: "a.wav", seed: 1)]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: home.storePath))
        #expect(home.run(["analyze", "--no-store", "--store", "/tmp/x.sqlite", "a.wav"]).status == 2)
    }

    @Test func twoProcessesWritingAtOnceLoseNothing() throws {
        let home = CLIHome()
        defer { home.remove() }
        let perProcess = 6
        var files: [[String]] = [[], []]
        for process in 0..<2 {
            for index in 0..<perProcess {
                files[process].append(try home.writeCall(named: "p\(process)-\(index).wav", seed: 100 * (process + 1) + index, durationS: 3))
            }
        }
        let processes = (0..<2).map { index in
            home.start(["analyze", "--json", "--agent", "agent\(index)"] + files[index])
        }
        for (process, errors) in processes {
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 0, "\(stderr)")
            #expect(!stderr.contains("locked"))
        }
        let ids = try home.listIDs()
        #expect(ids.count == 2 * perProcess)
    }

    // MARK: Failure paths: exit 5, one line naming the store and the fallback file

    @Test func aCorruptStoreLeavesTheFallbackFile() throws {
        let home = CLIHome()
        defer { home.remove() }
        try FileManager.default.createDirectory(atPath: home.dataHome + "/callpulse", withIntermediateDirectories: true)
        var generator = SeededGenerator(seed: 0x5EED_0B17E5)
        let noise = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        #expect(FileManager.default.createFile(atPath: home.storePath, contents: noise))
        try home.expectFallback(storePath: home.storePath, extraArguments: [])
    }

    @Test(.enabled(if: getuid() != 0 || CLIHome.tmpfsMountable, "needs a read-only tmpfs mount when run as root"))
    func aReadOnlyFolderLeavesTheFallbackFile() throws {
        let home = CLIHome()
        defer { home.remove() }
        let folder = home.root + "/readonly"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var mounted = false
        if getuid() == 0 {
            mounted = home.mount(folder, options: "ro,size=64k")
            try #require(mounted, "mounting a read-only tmpfs failed although the probe could")
        } else {
            _ = chmod(folder, 0o500)
        }
        defer { if mounted { home.unmount(folder) } else { _ = chmod(folder, 0o700) } }
        let path = folder + "/sessions.sqlite"
        try home.expectFallback(storePath: path, extraArguments: ["--store", path])
    }

    @Test(.enabled(if: CLIHome.tmpfsMountable, "needs a 64 KiB tmpfs mount (root)"))
    func aFullDiskLeavesTheFallbackFile() throws {
        let home = CLIHome()
        defer { home.remove() }
        let folder = home.root + "/full"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #require(home.mount(folder, options: "size=64k"), "mounting a tmpfs failed although the probe could")
        defer { home.unmount(folder) }
        // Fill the disk all but a few bytes.
        let filler = folder + "/filler"
        FileManager.default.createFile(atPath: filler, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        let block = Data(repeating: 0xAA, count: 1024)
        while (try? handle.write(contentsOf: block)) != nil {}
        try? handle.close()
        let path = folder + "/sessions.sqlite"
        try home.expectFallback(storePath: path, extraArguments: ["--store", path])
    }
}

/// A temporary HOME, XDG_DATA_HOME and XDG_STATE_HOME for one test, and the binary to run.
struct CLIHome {
    let root: String
    var dataHome: String { root + "/data" }
    var stateHome: String { root + "/state" }
    var storePath: String { dataHome + "/callpulse/sessions.sqlite" }

    init() {
        root = NSTemporaryDirectory() + "callpulse-cli-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The `callpulse` binary built beside this test bundle.
    static var binary: String { CLI.binary.path }

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = root
        environment["XDG_DATA_HOME"] = dataHome
        environment["XDG_STATE_HOME"] = stateHome
        environment["NO_COLOR"] = "1"
        environment.removeValue(forKey: "COLUMNS")
        return environment
    }

    typealias Result = CLI.Result

    func start(_ arguments: [String], columns: Int? = nil, extraEnvironment: [String: String] = [:]) -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        var environment = self.environment
        if let columns { environment["COLUMNS"] = String(columns) }
        environment.merge(extraEnvironment) { $1 }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try! process.run()
        return (process, errors)
    }

    func run(_ arguments: [String], columns: Int? = nil, extraEnvironment: [String: String] = [:], input: String? = nil) -> Result {
        var overrides = environment
        if let columns { overrides["COLUMNS"] = String(columns) }
        overrides.merge(extraEnvironment) { $1 }
        do {
            return try CLI.run(
                arguments, environment: overrides, removing: columns == nil ? ["COLUMNS"] : [],
                directory: URL(fileURLWithPath: root), input: input)
        } catch {
            return Result(status: -1, stdout: "", stderr: "cannot run \(Self.binary): \(error)")
        }
    }

    func listIDs() throws -> [String] {
        let json = run(["sessions", "list", "--json"])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        return objects.compactMap { $0["id"] as? String }
    }

    /// Analyses a call whose store cannot take it: exit 5, one error line naming the store and
    /// a fallback file that holds the summary, mode 0600.
    func expectFallback(storePath: String, extraArguments: [String]) throws {
        let call = try writeCall(named: "lost.wav", seed: 7)
        let result = run(["analyze", "--agent", "anna"] + extraArguments + [call])
        #expect(result.status == 5, "\(result.stderr)")
        let errorLines = result.stderr.split(separator: "\n")
        #expect(errorLines.count == 1, "\(result.stderr)")
        let line = String(errorLines.first ?? "")
        #expect(line.hasPrefix("callpulse: error: "))
        #expect(line.contains(storePath))
        let fallbackFolder = stateHome + "/callpulse/unsaved"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: fallbackFolder)) ?? []
        #expect(files.count == 1)
        guard let name = files.first else { return }
        let fallback = fallbackFolder + "/" + name
        #expect(line.contains(fallback))
        #expect(fileMode(fallback) == 0o600)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fallback))) as? [String: Any])
        #expect(summary["schema"] as? String == "callpulse.summary/1")
        #expect((summary["session"] as? [String: Any])?["agent"] as? String == "anna")
        #expect(!result.stdout.isEmpty)
    }

    /// A stereo 16-bit 8 kHz call: voiced bursts (150 Hz harmonics, 4 Hz syllable rhythm) on
    /// the agent channel, then on the customer channel, over low noise; `seed` varies the
    /// noise so each file has its own content hash.
    func writeCall(named name: String, seed: Int, durationS: Double = 6) throws -> String {
        let sampleRateHz = 8000
        let frames = Int(durationS * Double(sampleRateHz))
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        func noise() -> Double {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Double(state % 2001) / 1000 - 1
        }
        func voice(_ t: Double) -> Double {
            var value = 0.0
            for harmonic in 1...12 { value += sin(2 * Double.pi * 150 * Double(harmonic) * t) / Double(harmonic) }
            return value * 0.18 * (0.6 + 0.4 * sin(2 * Double.pi * 4 * t))
        }
        var pcm = Data(capacity: frames * 4)
        for index in 0..<frames {
            let t = Double(index) / Double(sampleRateHz)
            let agentSpeaks = t >= 0.5 && t < durationS * 0.4
            let customerSpeaks = t >= durationS * 0.5 && t < durationS * 0.9
            let agent = (agentSpeaks ? voice(t) : 0) + 0.002 * noise()
            let customer = (customerSpeaks ? voice(t * 1.3) : 0) + 0.002 * noise()
            for sample in [agent, customer] {
                let value = Int16(max(-1, min(1, sample)) * 32767)
                withUnsafeBytes(of: value.littleEndian) { pcm.append(contentsOf: $0) }
            }
        }
        var header = Data()
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        func append16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        header.append(contentsOf: Array("RIFF".utf8)); append32(UInt32(36 + pcm.count))
        header.append(contentsOf: Array("WAVE".utf8)); header.append(contentsOf: Array("fmt ".utf8))
        append32(16); append16(1); append16(2); append32(UInt32(sampleRateHz)); append32(UInt32(sampleRateHz * 4)); append16(4); append16(16)
        header.append(contentsOf: Array("data".utf8)); append32(UInt32(pcm.count))
        let path = root + "/" + name
        try (header + pcm).write(to: URL(fileURLWithPath: path))
        return path
    }

    func mount(_ folder: String, options: String) -> Bool {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
        return Self.exec("/bin/mount", ["-t", "tmpfs", "-o", options + ",mode=0700", "tmpfs", folder]) == 0
    }

    func unmount(_ folder: String) {
        _ = Self.exec("/bin/umount", [folder])
    }

    /// Whether this machine lets the tests mount a tmpfs (root, with /bin/mount): tried once
    /// on a scratch home. Tests that need one are `.enabled(if:)` it, so a skip shows as a skip.
    static let tmpfsMountable: Bool = {
        let home = CLIHome()
        defer { home.remove() }
        let folder = home.root + "/probe"
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
              home.mount(folder, options: "size=16k") else { return false }
        home.unmount(folder)
        return true
    }()

    static func exec(_ path: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func chromiumDOM(_ chromium: String, _ path: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=" + root + "/chromium-profile", "--dump-dom", "file://" + path,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "" }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

func fileMode(_ path: String) -> Int? {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
          let mode = attributes[.posixPermissions] as? NSNumber else { return nil }
    return mode.intValue & 0o777
}
