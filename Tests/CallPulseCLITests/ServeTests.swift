import Synchronization
import Foundation
import GRDB
import Testing

/// `callpulse serve` (issue 13): the real server on a free localhost port, on a SQLite store
/// and, where the test cluster runs, on PostgreSQL; requests through curl.
@Suite(.enabled(if: ServeTestSupport.curlAvailable, "curl is not installed"))
struct ServeTests {
    /// A store with one supervisor, one viewer and `calls` analysed into it.
    struct Setup {
        let home: CLIHome
        let target: StoreUnderTest
        let server: ServeProcess

        init(_ backend: Backend, calls: [(file: String, agent: String)] = []) throws {
            home = CLIHome()
            target = try StoreUnderTest.make(backend, home: home)
            for (file, agent) in calls {
                let analysed = home.run(["analyze", "--agent", agent, "--store", target.store, file], extraEnvironment: target.environment)
                try #require(analysed.status == 0, "\(analysed.stderr)")
            }
            try ServeTestSupport.addUser("sam", role: "supervisor", home: home, store: target)
            try ServeTestSupport.addUser("vic", role: "viewer", home: home, store: target)
            server = try ServeProcess(home: home, store: target)
        }

        func finish() {
            server.stop()
            home.remove()
        }

        func ids() throws -> [String] {
            let list = home.run(["sessions", "list", "--json", "--store", target.store], extraEnvironment: target.environment)
            let objects = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
            return objects.compactMap { $0["id"] as? String }
        }
    }

    static func sample(_ name: String) -> String { CLI.packageRoot.appendingPathComponent("Samples/\(name)").path }

    @Test("every page but /healthz and /metrics needs a login; a page without one redirects to the login form", arguments: Backend.configured)
    func loginRequired(_ backend: Backend) throws {
        let setup = try Setup(backend)
        defer { setup.finish() }
        let base = setup.server.base
        for path in ["/", "/calls", "/report", "/calls/0123abcd"] {
            let answer = HTTP.request("GET", base + path)
            #expect(answer.status == 303, "\(path)")
            #expect(answer.headers["location"]?.hasPrefix("/login") == true, "\(path): \(answer.headers)")
        }
        #expect(HTTP.request("GET", base + "/events").status == 401)
        #expect(HTTP.request("POST", base + "/calls/0123abcd/delete").status == 303)
        let health = HTTP.request("GET", base + "/healthz")
        #expect(health.status == 200 && health.body == "ok\n")
        #expect(HTTP.request("GET", base + "/metrics").status == 200)
        let form = HTTP.request("GET", base + "/login")
        #expect(form.status == 200)
        #expect(form.body.contains(#"<input name="password" type="password""#))
        // The security headers on every answer.
        for answer in [form, health] {
            let policy = try #require(answer.headers["content-security-policy"])
            #expect(policy.contains("script-src 'self'") && policy.contains("default-src 'none'") && !policy.contains("unsafe-inline"))
            #expect(answer.headers["x-content-type-options"] == "nosniff")
        }
    }

    @Test("a wrong password is refused; the right one gets an HttpOnly, SameSite=Strict cookie that opens the pages", arguments: Backend.configured)
    func wrongPasswordRefused(_ backend: Backend) throws {
        let setup = try Setup(backend)
        defer { setup.finish() }
        let base = setup.server.base
        let wrong = HTTP.request("POST", base + "/login", form: [("name", "sam"), ("password", "not the password")])
        #expect(wrong.status == 401)
        #expect(wrong.sessionCookie == nil)
        #expect(wrong.body.contains("Wrong name or password."))
        let unknown = HTTP.request("POST", base + "/login", form: [("name", "nobody"), ("password", ServeTestSupport.password)])
        #expect(unknown.status == 401 && unknown.sessionCookie == nil)

        let right = HTTP.request("POST", base + "/login", form: [("name", "sam"), ("password", ServeTestSupport.password), ("next", "/calls")])
        #expect(right.status == 303)
        #expect(right.headers["location"] == "/calls")
        let setCookie = try #require(right.setCookies.first)
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && !setCookie.contains("Secure"))
        let cookie = try #require(right.sessionCookie)
        for path in ["/", "/calls", "/report"] {
            let page = HTTP.request("GET", base + path, cookie: cookie)
            #expect(page.status == 200, "\(path): \(page.body)")
            #expect(page.body.contains("sam (supervisor)"))
        }
        // A cookie changed by hand is no login.
        let forged = cookie.replacingOccurrences(of: "callpulse_session=", with: "callpulse_session=x")
        #expect(HTTP.request("GET", base + "/calls", cookie: forged).status == 303)
        // An open redirect is not taken.
        let away = HTTP.request("POST", base + "/login", form: [("name", "sam"), ("password", ServeTestSupport.password), ("next", "//evil.example/")])
        #expect(away.headers["location"] == "/")
    }

    @Test("add-user with a new role or a new password ends the logins made before it", arguments: Backend.configured)
    func addUserEndsOldLogins(_ backend: Backend) throws {
        let setup = try Setup(backend)
        defer { setup.finish() }
        let base = setup.server.base
        let first = try ServeTestSupport.login(setup.server, name: "sam")
        #expect(HTTP.request("GET", base + "/calls", cookie: first).body.contains("sam (supervisor)"))
        // Made a viewer, same password: the supervisor's cookie opens nothing any more.
        try ServeTestSupport.addUser("sam", role: "viewer", home: setup.home, store: setup.target)
        #expect(HTTP.request("GET", base + "/calls", cookie: first).status == 303)
        #expect(HTTP.request("GET", base + "/events", cookie: first).status == 401)
        let second = try ServeTestSupport.login(setup.server, name: "sam")
        let page = HTTP.request("GET", base + "/calls", cookie: second)
        #expect(page.status == 200 && page.body.contains("sam (viewer)"), "\(page.status)")
        // A new password, same role: the login made with the old one ends.
        let newPassword = "another-password-\(UUID())"
        try ServeTestSupport.addUser("sam", role: "viewer", home: setup.home, store: setup.target, password: newPassword)
        #expect(HTTP.request("GET", base + "/calls", cookie: second).status == 303)
        let third = try ServeTestSupport.login(setup.server, name: "sam", password: newPassword)
        #expect(HTTP.request("GET", base + "/calls", cookie: third).status == 200)
        // Another user's login is untouched.
        let vic = try ServeTestSupport.login(setup.server, name: "vic")
        #expect(HTTP.request("GET", base + "/calls", cookie: vic).status == 200)
    }

    @Test("remove-user ends the user's logins; an unknown name is one error line, exit 5", arguments: Backend.configured)
    func removeUserEndsLogins(_ backend: Backend) throws {
        let setup = try Setup(backend)
        defer { setup.finish() }
        let base = setup.server.base
        let cookie = try ServeTestSupport.login(setup.server, name: "vic")
        #expect(HTTP.request("GET", base + "/calls", cookie: cookie).status == 200)
        let removed = setup.home.run(["serve", "remove-user", "vic", "--store", setup.target.store], extraEnvironment: setup.target.environment)
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(HTTP.request("GET", base + "/calls", cookie: cookie).status == 303)
        let again = HTTP.request("POST", base + "/login", form: [("name", "vic"), ("password", ServeTestSupport.password)])
        #expect(again.status == 401 && again.sessionCookie == nil)
        let unknown = setup.home.run(["serve", "remove-user", "vic", "--store", setup.target.store], extraEnvironment: setup.target.environment)
        #expect(unknown.status == 5)
        #expect(unknown.stderr.hasPrefix("callpulse: error: no dashboard user vic in ") && unknown.stderr.split(separator: "\n").count == 1, "\(unknown.stderr)")
        // sam is untouched.
        let sam = try ServeTestSupport.login(setup.server, name: "sam")
        #expect(HTTP.request("GET", base + "/calls", cookie: sam).status == 200)
    }

    @Test("one login holds at most 16 event streams: the 17th is 503 with Retry-After, another login still gets one", arguments: [Backend.sqlite])
    func eventStreamsPerLogin(_ backend: Backend) throws {
        let setup = try Setup(backend)
        defer { setup.finish() }
        let sam = try ServeTestSupport.login(setup.server, name: "sam")
        let readers = (0..<16).map { _ in ServeLiveTests.readEvents(setup.server, cookie: sam, seconds: 20) }
        defer { for (process, _) in readers { process.terminate(); process.waitUntilExit() } }
        // A stream is counted before its first bytes are sent: once each has its first
        // bytes, all 16 are counted.
        for (_, out) in readers {
            let first = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            try #require(first.hasPrefix("retry: 1000"), "\(first.prefix(80))")
        }
        let refused = HTTP.request("GET", setup.server.base + "/events", cookie: sam)
        #expect(refused.status == 503)
        #expect(refused.headers["retry-after"] == "30")
        let vic = try ServeTestSupport.login(setup.server, name: "vic")
        let (other, out) = ServeLiveTests.readEvents(setup.server, cookie: vic, seconds: 1.5)
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        other.waitUntilExit()
        #expect(text.hasPrefix("retry: 1000\n\nevent: board\n"), "\(text.prefix(80))")
    }

    @Test("after 20 wrong passwords for a name, even the right one waits; counted in the store, so a second serve agrees", arguments: Backend.configured)
    func wrongTriesSlowDown(_ backend: Backend) throws {
        let setup = try Setup(backend)
        defer { setup.finish() }
        let base = setup.server.base
        for attempt in 1...20 {
            let wrong = HTTP.request("POST", base + "/login", form: [("name", "vic"), ("password", "guess \(attempt)")])
            #expect(wrong.status == 401, "attempt \(attempt)")
        }
        let throttled = HTTP.request("POST", base + "/login", form: [("name", "vic"), ("password", ServeTestSupport.password)])
        #expect(throttled.status == 429)
        #expect(throttled.sessionCookie == nil)
        #expect(throttled.body.contains("Too many wrong passwords"))
        #expect(Int(throttled.headers["retry-after"] ?? "") ?? 0 > 50)
        // Another name is not held up.
        #expect(HTTP.request("POST", base + "/login", form: [("name", "sam"), ("password", ServeTestSupport.password)]).status == 303)
        // A second serve on the same store refuses too.
        let second = try ServeProcess(home: setup.home, store: setup.target)
        defer { second.stop() }
        #expect(HTTP.request("POST", second.base + "/login", form: [("name", "vic"), ("password", ServeTestSupport.password)]).status == 429)
    }

    @Test("60 wrong passwords sent at once: at most 20 are checked, the rest refused", arguments: Backend.configured)
    func wrongTriesAtOnce(_ backend: Backend) throws {
        let setup = try Setup(backend)
        defer { setup.finish() }
        let base = setup.server.base
        let statuses = Mutex<[Int]>([])
        // One thread each (concurrentPerform would run only one per core): all 60 in flight.
        let threads = (0..<60).map { attempt in
            Thread {
                let status = HTTP.request("POST", base + "/login", form: [("name", "vic"), ("password", "guess \(attempt)")], maxTimeS: 60).status
                statuses.withLock { $0.append(status) }
            }
        }
        threads.forEach { $0.start() }
        let deadline = Date().addingTimeInterval(90)
        while statuses.withLock({ $0.count }) < 60, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let all = statuses.withLock { $0 }
        #expect(all.count == 60)
        #expect(all.allSatisfy { [401, 429, 503].contains($0) }, "\(all)")
        // Checked: 401. Never more than the free tries, however the 60 interleave.
        #expect(all.filter { $0 == 401 }.count <= 20, "\(all.sorted())")
        #expect(HTTP.request("POST", base + "/login", form: [("name", "vic"), ("password", ServeTestSupport.password)]).status == 429)
    }

    @Test("an agent named <script>…</script> shows as text on /calls, /calls/ID and /report", arguments: Backend.configured)
    func scriptNameShownAsText(_ backend: Backend) throws {
        let name = #"<script>alert("x")</script> & co"#
        let setup = try Setup(backend, calls: [(Self.sample("call-ring-uk.wav"), name)])
        defer { setup.finish() }
        let cookie = try ServeTestSupport.login(setup.server, name: "vic")
        let id = try #require(try setup.ids().first)
        for path in ["/calls", "/calls/\(id)", "/report?since=2000-01-01"] {
            let page = HTTP.request("GET", setup.server.base + path, cookie: cookie)
            #expect(page.status == 200, "\(path)")
            #expect(page.body.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"), "\(path)")
            #expect(!page.body.contains("<script>alert"), "\(path)")
            // The only script a page loads is the board's, from this server.
            #expect(page.body.components(separatedBy: "<script").count - 1 == 0, "\(path)")
        }
        #expect(HTTP.request("GET", setup.server.base + "/", cookie: cookie).body.contains(#"<script src="/static/board.js" defer></script>"#))
    }

    @Test("a viewer cannot delete a call; a supervisor can, with the page's CSRF token only", arguments: Backend.configured)
    func deleteNeedsSupervisorAndCSRF(_ backend: Backend) throws {
        let setup = try Setup(backend, calls: [(Self.sample("call-ring-uk.wav"), "anna"), (Self.sample("call-clean.wav"), "bert")])
        defer { setup.finish() }
        let base = setup.server.base
        let ids = try setup.ids()
        try #require(ids.count == 2)
        let id = ids[0]

        let viewer = try ServeTestSupport.login(setup.server, name: "vic")
        let viewerPage = HTTP.request("GET", base + "/calls/\(id)", cookie: viewer)
        #expect(viewerPage.status == 200)
        #expect(viewerPage.body.contains(#"<svg class="timeline""#))
        #expect(!viewerPage.body.contains("Delete this call"))
        #expect(HTTP.request("POST", base + "/calls/\(id)/delete", form: [("csrf", "anything")], cookie: viewer).status == 403)

        let supervisor = try ServeTestSupport.login(setup.server, name: "sam")
        let page = HTTP.request("GET", base + "/calls/\(id)", cookie: supervisor)
        #expect(page.body.contains("Delete this call"))
        let token = try #require(page.body.range(of: #"name="csrf" value=""#).map { range in
            String(page.body[range.upperBound...].prefix { $0 != "\"" })
        })
        // No token, a wrong one, or another login's token: refused.
        #expect(HTTP.request("POST", base + "/calls/\(id)/delete", cookie: supervisor).status == 403)
        #expect(HTTP.request("POST", base + "/calls/\(id)/delete", form: [("csrf", "AAAA" + token.dropFirst(4))], cookie: supervisor).status == 403)
        let otherLogin = try ServeTestSupport.login(setup.server, name: "sam")
        #expect(HTTP.request("POST", base + "/calls/\(id)/delete", form: [("csrf", token)], cookie: otherLogin).status == 403)
        // The viewer holding a supervisor's token still may not.
        #expect(HTTP.request("POST", base + "/calls/\(id)/delete", form: [("csrf", token)], cookie: viewer).status == 403)
        #expect(try setup.ids().count == 2)

        let deleted = HTTP.request("POST", base + "/calls/\(id)/delete", form: [("csrf", token)], cookie: supervisor)
        #expect(deleted.status == 303)
        #expect(try setup.ids() == [ids[1]])
        #expect(HTTP.request("GET", base + "/calls/\(id)", cookie: supervisor).status == 404)
    }

    @Test("/metrics parses as Prometheus text, has the team figures of the calls stored, and no agent names", arguments: Backend.configured)
    func metrics(_ backend: Backend) throws {
        // From the Samples' labels: ringing heard in 3 calls (EU 3 rings answered 11.0 s
        // after the first, UK 2 rings answered 4.0 s after, 5 rings abandoned), dead air
        // placed once in call-clean and once in call-noise12.
        let names = ["anna <b>", "bert\"quote", "carla", "dmitri", "eve"]
        let files = ["call-ring-eu.wav", "call-ring-uk.wav", "call-ring-abandoned.wav", "call-clean.wav", "call-noise12.wav"]
        let setup = try Setup(backend, calls: zip(files, names).map { (Self.sample($0), $1) })
        defer { setup.finish() }
        let answer = HTTP.request("GET", setup.server.base + "/metrics")
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let families = try PrometheusText.parse(answer.body)
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            families.samples.first { $0.name == name && $0.labels == labels }?.value
        }
        #expect(value("callpulse_calls") == 5)
        #expect(value("callpulse_calls_with_ringing") == 3)
        #expect(value("callpulse_calls_answered_within_ring_limit") == 2)
        #expect(value("callpulse_dead_air_silences") == 2)
        #expect(value("callpulse_agents_live") == 0)
        #expect(value("callpulse_ring_to_answer_seconds_count") == 2)
        #expect(value("callpulse_ring_to_answer_seconds_bucket", ["le": "2"]) == 0)
        #expect(value("callpulse_ring_to_answer_seconds_bucket", ["le": "5"]) == 1)
        #expect(value("callpulse_ring_to_answer_seconds_bucket", ["le": "10"]) == 1)
        #expect(value("callpulse_ring_to_answer_seconds_bucket", ["le": "15"]) == 2)
        #expect(value("callpulse_ring_to_answer_seconds_bucket", ["le": "+Inf"]) == 2)
        #expect(abs((value("callpulse_ring_to_answer_seconds_sum") ?? 0) - 15.0) <= 0.6)
        #expect(families.types["callpulse_ring_to_answer_seconds"] == "histogram")
        // Low cardinality: no label but the histogram's le, and no agent name anywhere.
        #expect(families.samples.allSatisfy { Set($0.labels.keys).isSubset(of: ["le"]) })
        for name in names { #expect(!answer.body.contains(name.prefix(4))) }
    }

    @Test("serve on a port in use: one error line, exit 2")
    func portInUse() throws {
        let setup = try Setup(.sqlite)
        defer { setup.finish() }
        let port = try #require(setup.server.base.split(separator: ":").last)
        let clash = setup.home.run(["serve", "--listen", "127.0.0.1:\(port)", "--store", setup.target.store])
        #expect(clash.status == 2)
        let lines = clash.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(clash.stderr)")
        #expect(lines.first?.hasPrefix("callpulse: error: cannot listen on 127.0.0.1:\(port): the address is in use") == true)
    }

    @Test("add-user: two different passwords change nothing; a bad role is bad usage")
    func addUserChecks() throws {
        let home = CLIHome()
        defer { home.remove() }
        let store = home.root + "/s.sqlite"
        let differ = home.run(["serve", "add-user", "sam", "--role", "supervisor", "--store", store], input: "one password\nanother one\n")
        #expect(differ.status == 2)
        #expect(differ.stderr == "callpulse: error: the two passwords differ; nothing was changed\n")
        let role = home.run(["serve", "add-user", "sam", "--role", "boss", "--store", store], input: "x\nx\n")
        #expect(role.status == 2)
    }

    @Test("the server's log lines name routes, never a session id, a name or a query", arguments: [Backend.sqlite])
    func logLinesCarryNoPersonalData(_ backend: Backend) throws {
        let setup = try Setup(backend, calls: [(Self.sample("call-ring-uk.wav"), "anna")])
        defer { setup.finish() }
        let id = try #require(try setup.ids().first)
        let cookie = try ServeTestSupport.login(setup.server, name: "sam")
        _ = HTTP.request("GET", setup.server.base + "/calls/\(id)", cookie: cookie)
        _ = HTTP.request("GET", setup.server.base + "/calls?since=2020-01-01", cookie: cookie)
        _ = HTTP.request("POST", setup.server.base + "/login", form: [("name", "someone-secret"), ("password", "x")])
        let log = setup.server.stderr
        #expect(log.contains("GET /calls/{id} 200"))
        #expect(!log.contains(id) && !log.contains("anna") && !log.contains("someone-secret") && !log.contains("since="))
    }
}

/// A strict reader of the Prometheus text format 0.0.4: every line a `# HELP`, a `# TYPE`
/// before the family's samples, or `name{label="value",…} number`; names and label names
/// as the format allows; a histogram's buckets cumulative and its +Inf bucket equal to _count.
enum PrometheusText {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Families {
        var types: [String: String] = [:]
        var samples: [Sample] = []
    }

    struct Malformed: Error, CustomStringConvertible {
        var line: String
        var description: String { "not Prometheus text: \(line)" }
    }

    static func parse(_ text: String) throws -> Families {
        var families = Families()
        let namePattern = try Regex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")
        guard text.hasSuffix("\n") else { throw Malformed(line: "(no final newline)") }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("# HELP ") {
                let parts = line.split(separator: " ", maxSplits: 3)
                guard parts.count == 4, String(parts[2]).wholeMatch(of: namePattern) != nil else { throw Malformed(line: String(line)) }
                continue
            }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, String(parts[2]).wholeMatch(of: namePattern) != nil,
                      ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]),
                      families.types[String(parts[2])] == nil else { throw Malformed(line: String(line)) }
                families.types[String(parts[2])] = String(parts[3])
                continue
            }
            guard !line.hasPrefix("#"), !line.isEmpty else { throw Malformed(line: String(line)) }
            var name = ""
            var labels: [String: String] = [:]
            var rest: Substring
            if let brace = line.firstIndex(of: "{") {
                name = String(line[..<brace])
                guard let close = line.lastIndex(of: "}") else { throw Malformed(line: String(line)) }
                for pair in line[line.index(after: brace)..<close].split(separator: ",") {
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    guard kv.count == 2, String(kv[0]).wholeMatch(of: namePattern) != nil, kv[1].hasPrefix("\""), kv[1].hasSuffix("\""), kv[1].count >= 2 else {
                        throw Malformed(line: String(line))
                    }
                    labels[String(kv[0])] = String(kv[1].dropFirst().dropLast())
                }
                rest = line[line.index(after: close)...]
            } else {
                guard let space = line.firstIndex(of: " ") else { throw Malformed(line: String(line)) }
                name = String(line[..<space])
                rest = line[space...]
            }
            guard rest.hasPrefix(" "), name.wholeMatch(of: namePattern) != nil else { throw Malformed(line: String(line)) }
            let fields = rest.dropFirst().split(separator: " ")
            guard fields.count == 1, let value = Double(fields[0]) else { throw Malformed(line: String(line)) }
            let family = ["_bucket", "_sum", "_count"].first { name.hasSuffix($0) && families.types[String(name.dropLast($0.count))] == "histogram" }
                .map { String(name.dropLast($0.count)) } ?? name
            guard families.types[family] != nil else { throw Malformed(line: "sample before its TYPE: " + line) }
            families.samples.append(Sample(name: name, labels: labels, value: value))
        }
        for (family, type) in families.types where type == "histogram" {
            let buckets = families.samples.filter { $0.name == family + "_bucket" }
            guard buckets.allSatisfy({ $0.labels["le"] != nil }),
                  zip(buckets, buckets.dropFirst()).allSatisfy({ $0.value <= $1.value }),
                  buckets.last?.labels["le"] == "+Inf",
                  buckets.last?.value == families.samples.first(where: { $0.name == family + "_count" })?.value else {
                throw Malformed(line: "histogram \(family) is not cumulative or lacks +Inf = _count")
            }
        }
        return families
    }
}

/// `/calls` pages: keyset paging walks every session once, newest first, ties on the start
/// time broken by id, whatever the page boundaries.
@Suite(.enabled(if: ServeTestSupport.curlAvailable, "curl is not installed"))
struct ServeCallPagingTests {
    static let count = 120

    /// 120 copies of one analysed call, three at each start time (2026-01-01 00:00, 00:01, …).
    static func fill(_ backend: Backend, setup: ServeTests.Setup) throws -> [String] {
        let ids = (0..<count).map { String(format: "%016x", 0xC0FFEE_0000 + $0 * 7919) }
        func at(_ index: Int) -> String { String(format: "2026-01-01T00:%02d:00Z", index / 3) }
        switch backend {
        case .sqlite:
            let queue = try DatabaseQueue(path: setup.target.store)
            try queue.write { db in
                try db.execute(sql: "CREATE TEMP TABLE copy AS SELECT * FROM session")
                try db.execute(sql: "DELETE FROM session")
                for (index, id) in ids.enumerated() {
                    try db.execute(sql: "UPDATE copy SET id = ?, sort_at = ?", arguments: [id, at(index)])
                    try db.execute(sql: "INSERT INTO session SELECT * FROM copy")
                }
            }
        case .postgres:
            let database = String(setup.target.store.split(separator: "/").last?.split(separator: "?").first ?? "")
            let values = ids.enumerated().map { "('\($1)', '\(at($0))'::timestamptz)" }.joined(separator: ",")
            let sql = """
                CREATE TEMP TABLE copy AS SELECT * FROM session; DELETE FROM session;
                INSERT INTO session SELECT v.id, c.agent, c.started_at, c.stored_at, v.at, c.duration_s, c.source_kind, c.source_path,
                    c.layout, c.rings, c.ring_to_answer_s, c.answered, c.agent_share, c.dead_air_count, c.agent_interruptions,
                    c.greeting_latency_s, c.response_latency_median_s, c.alert_count, c.alerts, c.summary, c.shift_id
                FROM copy c, (VALUES \(values)) AS v(id, at)
                """
            let result = try TestCluster.shared.psql(user: TestCluster.shared.admin, password: TestCluster.shared.adminPassword, database: database, sql)
            try #require(result.status == 0, "\(result.stderr)")
        }
        return ids.enumerated().sorted { ($0.offset / 3, $0.element) > ($1.offset / 3, $1.element) }.map(\.element)
    }

    @Test(arguments: Backend.configured)
    func pagesWalkEverySessionOnce(_ backend: Backend) throws {
        let setup = try ServeTests.Setup(backend, calls: [(ServeTests.sample("call-ring-uk.wav"), "anna")])
        defer { setup.finish() }
        let expected = try Self.fill(backend, setup: setup)
        let cookie = try ServeTestSupport.login(setup.server, name: "vic")
        var seen: [String] = []
        var sizes: [Int] = []
        var next: String? = "/calls"
        while let path = next, sizes.count < 10 {
            let page = HTTP.request("GET", setup.server.base + path, cookie: cookie)
            try #require(page.status == 200, "\(path)")
            let ids = page.body.matches(of: try Regex(#"href="/calls/([0-9a-f]+)""#)).compactMap { $0.output[1].substring.map(String.init) }
            sizes.append(ids.count)
            seen += ids
            next = page.body.firstMatch(of: try Regex(#"rel="next" href="([^"]+)""#))?.output[1].substring
                .map { String($0).replacingOccurrences(of: "&amp;", with: "&") }
        }
        #expect(sizes == [50, 50, 20])
        #expect(seen == expected)
    }
}
