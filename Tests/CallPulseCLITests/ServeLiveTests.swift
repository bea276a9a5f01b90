import CallPulseTestSupport
import Foundation
import Testing

/// The wallboard fed by real `callpulse live` monitors (ALSA file plugin, paced to real
/// time), seen by two `serve` processes and by Chromium.
@Suite(.serialized, .enabled(if: ServeTestSupport.curlAvailable, "curl is not installed"))
struct ServeLiveTests {
    /// One monitor: `callpulse live` on the first `seconds` of the generated shift (call 1
    /// rings at 5 s and 10 s, talk from 12 s, busy tone at 23.5 s), its NDJSON lines with the
    /// wall-clock time each arrived.
    final class Monitor: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var lines: [(at: Double, object: [String: Any])] = []
        let finished = DispatchSemaphore(value: 0)

        init(agent: String, seconds: Double, fixture: Fixture, home: CLIHome, store: StoreUnderTest, device: String = "shift", extra: [String] = []) throws {
            let frames = Int(seconds * Double(ShiftGenerator.sampleRateHz))
            // The fixture's rings are 4 s apart: a call-end silence of 4 s would end the
            // call in the off period before the second ring (SPEC "Calls in a shift").
            process.executableURL = URL(fileURLWithPath: CLIHome.binary)
            process.arguments = [
                "live", "--device", device, "--rate", "\(ShiftGenerator.sampleRateHz)", "--frames", "\(frames)", "--pace",
                "--call-end-silence", "5", "--agent", agent, "--store", store.store,
            ] + extra
            var environment = home.environment
            environment.merge(store.environment) { $1 }
            environment["ALSA_CONFIG_PATH"] = fixture.path("asound.conf")
            process.environment = environment
            process.standardInput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            DispatchQueue.global().async { [self] in
                var pending = Data()
                while true {
                    let data = out.fileHandleForReading.availableData
                    if data.isEmpty { break }
                    let now = Date().timeIntervalSince1970
                    pending.append(data)
                    while let newline = pending.firstIndex(of: 10) {
                        let line = pending[pending.startIndex..<newline]
                        pending = Data(pending[(newline + 1)...])
                        if let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] {
                            lock.lock()
                            lines.append((now, object))
                            lock.unlock()
                        }
                    }
                }
                finished.signal()
            }
        }

        /// When the monitor itself printed the first event of `type`, Unix seconds.
        func firstEvent(_ type: String) -> Double? {
            lock.lock()
            defer { lock.unlock() }
            return lines.first { $0.object["type"] as? String == type }?.at
        }

        func wait() {
            finished.wait()
            process.waitUntilExit()
        }
    }

    /// `shift`: the first 32 s of the generated shift. `quiet`: the same with the agent's
    /// 18-20.5 s and the customer's 21-23 s turns replaced by the line noise of 27-32 s, so
    /// that nobody speaks from 17.5 s to the busy tone at 23.5 s: dead air from 20.5 s with
    /// `--dead-air-min 3`.
    static func shiftFixture() throws -> Fixture {
        let fixture = try Fixture()
        let rate = ShiftGenerator.sampleRateHz
        let shift = Array(ShiftGenerator.generate().prefix(2 * 32 * rate))
        var quiet = shift
        for i in (2 * 18 * rate)..<(2 * 23 * rate) { quiet[i] = shift[i + 2 * 9 * rate] }
        try fixture.writeRaw(shift, name: "shift.raw")
        try fixture.writeRaw(quiet, name: "quiet.raw")
        try fixture.writeALSAConfig(pcms: [("shift", "shift.raw"), ("quiet", "quiet.raw")])
        return fixture
    }

    /// Reads `/events` for `seconds` through curl (in the background), logged in.
    static func readEvents(_ server: ServeProcess, cookie: String, seconds: Double) -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-N", "--max-time", String(seconds), "-H", "Cookie: \(cookie)", server.base + "/events"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try? process.run()
        return (process, out)
    }

    @Test(.enabled(if: TestCluster.available, "no PostgreSQL test cluster: run `source .ci/pg-cluster start`"))
    func twoServesShowTheSameBoard() throws {
        let home = CLIHome()
        defer { home.remove() }
        let target = try StoreUnderTest.make(.postgres, home: home)
        try ServeTestSupport.addUser("sam", role: "supervisor", home: home, store: target)
        let first = try ServeProcess(home: home, store: target)
        let second = try ServeProcess(home: home, store: target)
        defer { first.stop(); second.stop() }
        // One login serves both: they share the cookie key kept in the store.
        let cookie = try ServeTestSupport.login(first, name: "sam")
        #expect(HTTP.request("GET", second.base + "/", cookie: cookie).status == 200)

        let fixture = try Self.shiftFixture()
        let readers = [first, second].map { Self.readEvents($0, cookie: cookie, seconds: 13) }  // the 8 s monitor, its start and its goodbye on a loaded machine
        let monitor = try Monitor(agent: "anna", seconds: 8, fixture: fixture, home: home, store: target)
        // A third serve started while the monitor runs shows the tile at once (it is in the
        // store, not in the serve that heard it first): started once the store holds the tile
        // (the first serve's /metrics counts it), not after a fixed time that a loaded machine
        // can overrun before the monitor's first publish.
        let started = Date()
        while Date().timeIntervalSince(started) < 7,
              !HTTP.request("GET", first.base + "/metrics").body.contains("\ncallpulse_agents_live 1") {
            Thread.sleep(forTimeInterval: 0.2)
        }
        let late = try ServeProcess(home: home, store: target)
        defer { late.stop() }
        let (lateReader, lateOut) = Self.readEvents(late, cookie: cookie, seconds: 1.5)
        let lateText = String(decoding: lateOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        lateReader.waitUntilExit()
        monitor.wait()
        for (index, (process, out)) in readers.enumerated() {
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(text.contains(#""agent":"anna""#), "serve \(index + 1): \(text.prefix(300))")
            #expect(text.contains(#""state":"idle""#), "serve \(index + 1)")
            #expect(text.contains(#""state":"ringing""#), "serve \(index + 1): the ring at 5 s")
            // The monitor took its tile away when it stopped.
            #expect(text.contains("event: gone\ndata: [\"anna\"]"), "serve \(index + 1)")
        }
        #expect(lateText.hasPrefix("retry: 1000\n\nevent: board\ndata: [{"), "\(lateText.prefix(200))")
        #expect(lateText.contains(#""agent":"anna""#))
    }

    /// Any role that can connect may NOTIFY on the live channel, and an agent writes its own
    /// `live_state` row: neither may put a tile on the board under another agent's name.
    @Test(.enabled(if: TestCluster.available, "no PostgreSQL test cluster: run `source .ci/pg-cluster start`"))
    func agentCannotForgeTiles() throws {
        let home = CLIHome()
        defer { home.remove() }
        let target = try StoreUnderTest.make(.postgres, home: home)
        let database = try #require(URLComponents(string: target.store)?.path.dropFirst()).description
        let anna = TestCluster.roleName("anna"), bert = TestCluster.roleName("bert")
        let password = "anna-pw-\(UUID())"
        let granted = home.run(["store", "grant-agent", anna, "--store", target.store], extraEnvironment: target.environment, input: password + "\n")
        try #require(granted.status == 0, "\(granted.stderr)")
        try ServeTestSupport.addUser("sam", role: "supervisor", home: home, store: target)
        let server = try ServeProcess(home: home, store: target)
        defer { server.stop() }
        let cookie = try ServeTestSupport.login(server, name: "sam")
        let (reader, out) = Self.readEvents(server, cookie: cookie, seconds: 4)
        Thread.sleep(forTimeInterval: 1)
        let forged = #"{"agent":"\#(bert)","monitor":"m","state":"dead_air","level":"red","at_ms":0}"#
        func sql(_ statement: String) throws -> TestCluster.PSQLResult {
            try TestCluster.shared.psql(user: anna, password: password, database: database, statement)
        }
        // A forged notification (any payload) is only a hint: bert has no row.
        #expect(try sql("SELECT pg_notify('callpulse_live', 't' || '\(forged)')").status == 0)
        #expect(try sql("SELECT pg_notify('callpulse_live', '\(bert)')").status == 0)
        // Her own row with bert's name in the tile's JSON shows under her name.
        #expect(try sql("INSERT INTO live_state VALUES (current_user, 'm', '\(forged)', now())").status == 0)
        #expect(try sql("SELECT pg_notify('callpulse_live', current_user)").status == 0)
        // And she cannot write bert's row.
        #expect(try sql("INSERT INTO live_state VALUES ('\(bert)', 'm', '\(forged)', now())").status != 0)
        reader.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(!text.contains(bert), "\(text.prefix(400))")
        #expect(text.contains(#""agent":"\#(anna)""#), "\(text.prefix(400))")
    }

    @Test("/healthz answers 503 within 2 s when PostgreSQL hangs, and 200 again when it is back",
          .enabled(if: TestCluster.available, "no PostgreSQL test cluster: run `source .ci/pg-cluster start`"))
    func healthWhenStoreHangs() throws {
        let home = CLIHome()
        defer { home.remove() }
        let direct = try StoreUnderTest.make(.postgres, home: home)
        // The same database through a proxy that can stop answering, as a hung host does.
        let proxy = Process()
        proxy.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        proxy.arguments = ["python3", CLI.packageRoot.appendingPathComponent("Tests/CallPulseCLITests/Browser/stallproxy.py").path, String(TestCluster.shared.port)]
        let out = Pipe()
        proxy.standardOutput = out
        try proxy.run()
        defer { proxy.terminate(); proxy.waitUntilExit() }
        var portText = ""
        while !portText.hasSuffix("\n") {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            portText += String(decoding: data, as: UTF8.self)
        }
        let port = try #require(Int(portText.trimmingCharacters(in: .whitespacesAndNewlines)))
        let database = try #require(direct.store.split(separator: "/").last?.split(separator: "?").first)
        let proxied = StoreUnderTest(store: "postgres://\(TestCluster.shared.admin)@127.0.0.1:\(port)/\(database)?sslmode=disable", environment: direct.environment)
        let server = try ServeProcess(home: home, store: proxied)
        defer { server.stop() }
        #expect(HTTP.request("GET", server.base + "/healthz").status == 200)

        kill(proxy.processIdentifier, SIGUSR1)
        for _ in 0..<2 {
            let stalled = HTTP.request("GET", server.base + "/healthz", maxTimeS: 10)
            #expect(stalled.status == 503, "\(stalled.body)")
            #expect(stalled.elapsedS < 2.5, "answered after \(stalled.elapsedS) s")
        }
        // The pages say so too, instead of hanging.
        let metrics = HTTP.request("GET", server.base + "/metrics", maxTimeS: 10)
        #expect(metrics.status == 503 && metrics.elapsedS < 5)

        kill(proxy.processIdentifier, SIGUSR2)
        var healthy = false
        for _ in 0..<40 where !healthy {
            healthy = HTTP.request("GET", server.base + "/healthz").status == 200
            if !healthy { Thread.sleep(forTimeInterval: 0.25) }
        }
        #expect(healthy, "healthz did not recover")
    }

    // MARK: Real browser

    /// Debian's python3-selenium is for the system's Python, which another Python on PATH may hide.
    static var systemPython: String {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
    }

    static var browserAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
            && HTTP.run(systemPython, ["-c", "import selenium; print('ok')"]).hasPrefix("ok")
    }

    /// Where the screenshots are kept: CALLPULSE_SCREENSHOTS, else a temporary folder.
    static var screenshotFolder: String {
        ProcessInfo.processInfo.environment["CALLPULSE_SCREENSHOTS"] ?? NSTemporaryDirectory() + "callpulse-browser-\(UUID().uuidString)"
    }

    @Test("Chromium: two monitors' tiles go RINGING → talking → idle within 2 s of each monitor",
          .enabled(if: browserAvailable, "needs chromium, chromium-driver and python3-selenium"))
    func browserWallboard() throws {
        let home = CLIHome()
        defer { home.remove() }
        let target = try StoreUnderTest.make(TestCluster.available ? .postgres : .sqlite, home: home)
        try ServeTestSupport.addUser("sam", role: "supervisor", home: home, store: target)
        let server = try ServeProcess(home: home, store: target)
        defer { server.stop() }
        let out = Self.screenshotFolder
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let arguments: [String: Any] = ["base": server.base, "user": "sam", "password": ServeTestSupport.password, "out": out, "max_s": 90]
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        script.arguments = [
            Self.systemPython, CLI.packageRoot.appendingPathComponent("Tests/CallPulseCLITests/Browser/wallboard.py").path,
            String(decoding: try JSONSerialization.data(withJSONObject: arguments), as: UTF8.self),
        ]
        let scriptErrors = Pipe()
        script.standardError = scriptErrors
        script.standardOutput = FileHandle.nullDevice
        try script.run()
        defer { if script.isRunning { script.terminate() } }
        let ready = out + "/ready"
        let waitUntil = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: ready) && script.isRunning && Date() < waitUntil { usleep(100_000) }
        try #require(FileManager.default.fileExists(atPath: ready), "the browser did not reach the wallboard: \(String(decoding: scriptErrors.fileHandleForReading.availableData, as: UTF8.self))")

        // Two agents, the second 4 s behind the first; one name that looks like markup.
        let fixture = try Self.shiftFixture()
        let agents = ["anna", "<b>bert</b>"]
        let first = try Monitor(agent: agents[0], seconds: 31, fixture: fixture, home: home, store: target)
        Thread.sleep(forTimeInterval: 4)
        let second = try Monitor(agent: agents[1], seconds: 31, fixture: fixture, home: home, store: target, device: "quiet", extra: ["--dead-air-min", "3"])
        first.wait()
        second.wait()
        Thread.sleep(forTimeInterval: 1)
        FileManager.default.createFile(atPath: out + "/stop", contents: nil)
        script.waitUntilExit()
        let errors = String(decoding: scriptErrors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(script.terminationStatus == 0, "\(errors)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/result.json"))) as? [String: Any])
        #expect(result["redirected_to_login"] as? Bool == true)
        let transitions = try #require(result["transitions"] as? [String: [[String: Any]]])

        for (agent, monitor) in zip(agents, [first, second]) {
            let seen = try #require(transitions[agent], "no tile for \(agent): \(transitions.keys)")
            // The heading is the name as text, markup and all.
            #expect(seen.allSatisfy { $0["heading"] as? String == agent })
            func firstSeen(_ state: String, after: Double = 0) -> Double? {
                seen.first { $0["state"] as? String == state && ($0["t"] as? Double ?? 0) >= after }?["t"] as? Double
            }
            let ringAt = try #require(monitor.firstEvent("ring"), "\(agent): the monitor heard no ring")
            let answerAt = try #require(monitor.firstEvent("answer"), "\(agent): no answer")
            let endAt = try #require(monitor.firstEvent("call_end"), "\(agent): no call end")
            let ringing = try #require(firstSeen("ringing"), "\(agent): never RINGING in the browser: \(seen)")
            let talking = try #require(firstSeen("talking", after: ringing), "\(agent): never talking after ringing: \(seen)")
            let idle = try #require(firstSeen("idle", after: talking), "\(agent): never idle after talking: \(seen)")
            #expect(ringing - ringAt <= 2, "\(agent): RINGING shown \(ringing - ringAt) s after the monitor's ring")
            #expect(talking - answerAt <= 2, "\(agent): talking shown \(talking - answerAt) s after the monitor's answer")
            #expect(idle - endAt <= 2, "\(agent): idle shown \(idle - endAt) s after the monitor's call end")
            #expect(seen.contains { ($0["text"] as? String)?.hasPrefix("RINGING ") == true })
        }
        // The second agent's silence became dead air: a red tile that says so in words.
        let quietTile = transitions[agents[1]] ?? []
        let deadAir = quietTile.first { $0["state"] as? String == "dead_air" }
        #expect(deadAir != nil, "no DEAD AIR tile: \(quietTile)")
        #expect((deadAir?["text"] as? String)?.hasPrefix("DEAD AIR ") == true)
        #expect((deadAir?["classes"] as? String)?.contains("level-red") == true)
        #expect(FileManager.default.fileExists(atPath: out + "/wallboard-alert.png"))
        // The calls the monitors kept are listed, the names as text; the call page has its timeline.
        let listed = result["calls_agents"] as? [String] ?? []
        #expect(Set(listed) == Set(agents), "\(listed)")
        #expect(result["call_has_timeline"] as? Bool == true)
        let console = result["console"] as? [String] ?? []
        // Nothing the page asked for was refused by its own Content-Security-Policy, nothing failed to load.
        #expect(!console.contains { $0.contains("Content Security Policy") || $0.contains("Failed to load") }, "\(console)")
        for name in ["wallboard.png", "calls.png", "call.png"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name)")
        }
    }
}
