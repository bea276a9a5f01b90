import Foundation
import Testing

/// The store suite every backend passes, run on SQLite always and on PostgreSQL when the
/// test cluster runs. Serialized: the outage test stops the one cluster the others use.
@Suite(.serialized) struct TeamStoreSuite {
    /// Shows as skipped where no test cluster runs: then the PostgreSQL half of the shared
    /// suite below did not run either.
    @Test(.enabled(if: TestCluster.available, "no PostgreSQL test cluster: run `source .ci/pg-cluster start`"))
    func postgresBackendIsRunning() throws {
        let version = try TestCluster.shared.psql(user: TestCluster.shared.admin, password: TestCluster.shared.adminPassword, database: "postgres", "SHOW server_version_num")
        #expect((Int(version.stdout) ?? 0) >= 150000, "\(version.stderr)")
    }

    /// analyze → sessions list/show/export → report → delete, with figures from how the
    /// calls were made: three calls, two by anna and one by bert.
    @Test(arguments: Backend.configured)
    func sessionsAndReportOnEitherStore(_ backend: Backend) throws {
        let home = CLIHome()
        defer { home.remove() }
        let target = try StoreUnderTest.make(backend, home: home)
        func run(_ arguments: [String]) -> CLIHome.Result {
            home.run(arguments + ["--store", target.store], extraEnvironment: target.environment)
        }
        let calls = try (1...3).map { try home.writeCall(named: "call-\($0).wav", seed: $0) }
        let analysed = run(["analyze", "--json", "--agent", "anna", calls[0]])
        #expect(analysed.status == 0, "\(analysed.stderr)")
        #expect(analysed.stderr.isEmpty, "\(analysed.stderr)")
        #expect(run(["analyze", "--agent", "anna", calls[1]]).status == 0)
        #expect(run(["analyze", "--agent", "bert", calls[2]]).status == 0)
        // The same recording again replaces its session.
        #expect(run(["analyze", "--agent", "anna", calls[1]]).status == 0)

        let list = run(["sessions", "list", "--json"])
        #expect(list.status == 0, "\(list.stderr)")
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(objects.count == 3)
        #expect(objects.compactMap { $0["agent"] as? String }.sorted() == ["anna", "anna", "bert"])
        let annaID = try #require(try CLI.summary(analysed).session.id as String?)
        let shown = run(["sessions", "show", String(annaID.prefix(10)), "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout == analysed.stdout)
        #expect(run(["sessions", "list", "--agent", "bert", "--csv"]).stdout.split(separator: "\n").count == 2)
        #expect(run(["sessions", "export", "--format", "json"]).stdout.contains(annaID))

        let report = run(["report"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("anna") && report.stdout.contains("bert"))

        let deleted = run(["sessions", "delete", annaID])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(run(["sessions", "list", "--agent", "anna", "--csv"]).stdout.split(separator: "\n").count == 2)
        #expect(run(["sessions", "show", annaID]).status == 2)
        let future = run(["sessions", "delete", "--before", "2999-01-01"])
        #expect(future.stdout.contains("Deleted 2 sessions"), "\(future.stdout)\(future.stderr)")
        #expect(run(["sessions", "list", "--csv"]).stdout.split(separator: "\n").count == 1)
    }

    /// The same sessions give the same output, byte for byte, on SQLite and on PostgreSQL.
    @Test(.enabled(if: TestCluster.available))
    func sameOutputOnBothStores() throws {
        let home = CLIHome()
        defer { home.remove() }
        let sqlite = try StoreUnderTest.make(.sqlite, home: home)
        let postgres = try StoreUnderTest.make(.postgres, home: home)
        let calls = try (1...4).map { try home.writeCall(named: "same-\($0).wav", seed: 40 + $0, durationS: 4 + Double($0)) }
        for target in [sqlite, postgres] {
            for (index, call) in calls.enumerated() {
                let result = home.run(["analyze", "--agent", index % 2 == 0 ? "anna" : "bert", call, "--store", target.store], extraEnvironment: target.environment)
                #expect(result.status == 0, "\(result.stderr)")
            }
        }
        let commands: [[String]] = [
            ["sessions", "list"], ["sessions", "list", "--json"], ["sessions", "list", "--csv", "--agent", "bert"],
            ["sessions", "list", "--flagged"], ["sessions", "list", "--since", "2000-01-01", "--until", "2999-12-31"],
            ["sessions", "export", "--format", "json"], ["sessions", "export", "--format", "csv"],
            ["report"], ["report", "--agent", "anna", "--max-rings", "1"],
        ]
        for command in commands {
            let onSQLite = home.run(command + ["--store", sqlite.store], extraEnvironment: sqlite.environment)
            let onPostgres = home.run(command + ["--store", postgres.store], extraEnvironment: postgres.environment)
            #expect(onSQLite.status == 0 && onPostgres.status == 0, "\(command): \(onSQLite.stderr)\(onPostgres.stderr)")
            #expect(onSQLite.stdout == onPostgres.stdout, "\(command)")
        }
    }

    /// An agent's own connection, with hand-written SQL, cannot see, change or delete another
    /// agent's sessions; a supervisor reads and deletes all.
    @Test(.enabled(if: TestCluster.available))
    func rowLevelSecurityKeepsAgentsApart() throws {
        let home = CLIHome()
        defer { home.remove() }
        let database = try TestCluster.shared.makeDatabase(home: home)
        let adminStore = TestCluster.shared.url(user: TestCluster.shared.admin, database: database)
        let anna = TestCluster.roleName("anna")
        let bert = TestCluster.roleName("bert")
        let boss = TestCluster.roleName("boss")
        let passwords = [anna: "anna's pw \(UUID())", bert: "bert-pw-\(UUID())", boss: "boss-pw-\(UUID())"]
        for (name, command) in [(anna, "grant-agent"), (bert, "grant-agent"), (boss, "grant-supervisor")] {
            let granted = home.run(["store", command, name, "--store", adminStore], extraEnvironment: ["PGPASSWORD": TestCluster.shared.adminPassword], input: passwords[name]! + "\n")
            #expect(granted.status == 0, "\(granted.stderr)")
            #expect(!granted.stdout.contains(passwords[name]!) && !granted.stderr.contains(passwords[name]!))
        }
        func store(_ user: String) -> [String] { ["--store", TestCluster.shared.url(user: user, database: database)] }
        func env(_ user: String) -> [String: String] { ["PGPASSWORD": passwords[user]!] }
        // Each agent's sessions go under its login name (no --agent needed).
        for seed in 1...2 {
            let call = try home.writeCall(named: "anna-\(seed).wav", seed: 100 + seed)
            let result = home.run(["analyze", call] + store(anna), extraEnvironment: env(anna))
            #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        }
        let bertCall = try home.writeCall(named: "bert.wav", seed: 200)
        #expect(home.run(["analyze", bertCall] + store(bert), extraEnvironment: env(bert)).status == 0)
        // anna cannot put a session under bert's name.
        let forged = home.run(["analyze", "--agent", bert, try home.writeCall(named: "forged.wav", seed: 300)] + store(anna), extraEnvironment: env(anna))
        #expect(forged.status == 0)
        #expect(forged.stderr.contains("warning") && forged.stderr.contains("row-level security"), "\(forged.stderr)")

        // What the CLI shows each.
        func listed(_ user: String) throws -> [String] {
            let list = home.run(["sessions", "list", "--json"] + store(user), extraEnvironment: env(user))
            #expect(list.status == 0, "\(list.stderr)")
            let objects = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
            return objects.compactMap { $0["agent"] as? String }.sorted()
        }
        #expect(try listed(anna) == [anna, anna])
        #expect(try listed(bert) == [bert])
        #expect(try listed(boss) == [anna, anna, bert].sorted())

        // Hand-written SQL through anna's own connection.
        func sql(_ user: String, _ statement: String) throws -> TestCluster.PSQLResult {
            try TestCluster.shared.psql(user: user, password: passwords[user]!, database: database, statement)
        }
        #expect(try sql(anna, "SELECT count(*) FROM session").stdout == "2")
        #expect(try sql(anna, "SELECT count(*) FROM session WHERE agent <> current_user").stdout == "0")
        #expect(try sql(anna, "UPDATE session SET agent = current_user WHERE agent = '\(bert)' RETURNING id").stdout == "")
        #expect(try sql(anna, "UPDATE session SET duration_s = 0 WHERE agent = '\(bert)' RETURNING id").stdout == "")
        #expect(try sql(anna, "UPDATE session SET agent = '\(bert)'").status != 0)  // would move her own rows to bert
        #expect(try sql(anna, "DELETE FROM session").status != 0)
        #expect(try sql(anna, "INSERT INTO session SELECT * FROM session LIMIT 0").status == 0)
        #expect(try sql(anna, "INSERT INTO session (id, agent, stored_at, sort_at, duration_s, source_kind, source_path, layout, dead_air_count, alert_count, alerts, summary) VALUES ('x', '\(bert)', now(), now(), 1, 'wav', 'x', 'agent', 0, 0, '', '{}')").status != 0)
        #expect(try sql(anna, "ALTER TABLE session DISABLE ROW LEVEL SECURITY").status != 0)
        #expect(try sql(anna, "DROP POLICY agent_reads_own ON session").status != 0)
        #expect(try sql(anna, "SET ROLE callpulse_supervisor").status != 0)
        #expect(try sql(anna, "SET ROLE \(TestCluster.shared.admin)").status != 0)
        #expect(try sql(anna, "SELECT count(*) FROM session WHERE agent = '\(bert)'").stdout == "0")
        // Nothing of bert's changed.
        #expect(try sql(boss, "SELECT count(*), min(duration_s) > 0 FROM session WHERE agent = '\(bert)'").stdout == "1|t")
        #expect(try sql(boss, "SELECT count(*) FROM session").stdout == "3")
        // An agent cannot delete, even its own; a supervisor can.
        let bertID = try sql(boss, "SELECT id FROM session WHERE agent = '\(bert)'").stdout
        let refused = home.run(["sessions", "delete", String(bertID.prefix(12))] + store(anna), extraEnvironment: env(anna))
        #expect(refused.status != 0)
        let annaOwn = try sql(anna, "SELECT id FROM session LIMIT 1").stdout
        #expect(home.run(["sessions", "delete", annaOwn] + store(anna), extraEnvironment: env(anna)).status == 5)
        let removed = home.run(["sessions", "delete", bertID] + store(boss), extraEnvironment: env(boss))
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try sql(boss, "SELECT count(*) FROM session").stdout == "2")
    }

    /// A stored call is insert-only for agents: hand-written SQL through an agent's own
    /// connection cannot rewrite the figures of its own sessions either, and a re-send stores
    /// once and changes nothing; a supervisor cannot update either.
    @Test(.enabled(if: TestCluster.available))
    func agentsCannotChangeTheirOwnSessions() throws {
        let home = CLIHome()
        defer { home.remove() }
        let database = try TestCluster.shared.makeDatabase(home: home)
        let adminStore = TestCluster.shared.url(user: TestCluster.shared.admin, database: database)
        let anna = TestCluster.roleName("anna")
        let boss = TestCluster.roleName("boss")
        let passwords = [anna: "anna-pw-\(UUID())", boss: "boss-pw-\(UUID())"]
        for (name, command) in [(anna, "grant-agent"), (boss, "grant-supervisor")] {
            let granted = home.run(["store", command, name, "--store", adminStore], extraEnvironment: ["PGPASSWORD": TestCluster.shared.adminPassword], input: passwords[name]! + "\n")
            #expect(granted.status == 0, "\(granted.stderr)")
        }
        let annaStore = ["--store", TestCluster.shared.url(user: anna, database: database)]
        let call = try home.writeCall(named: "own.wav", seed: 4242, durationS: 4)
        let first = home.run(["analyze", "--json", call] + annaStore, extraEnvironment: ["PGPASSWORD": passwords[anna]!])
        #expect(first.status == 0 && first.stderr.isEmpty, "\(first.stderr)")
        let summary = try CLI.summary(first)
        func sql(_ user: String, _ statement: String) throws -> TestCluster.PSQLResult {
            try TestCluster.shared.psql(user: user, password: passwords[user]!, database: database, statement)
        }
        let stored = "SELECT count(*), min(duration_s), min(stored_at)::text, min(summary->'session'->>'duration_s') FROM session"
        let before = try sql(boss, stored).stdout
        #expect(before.hasPrefix("1|") && summary.session.durationS > 0, "\(before)")

        // Through anna's own connection: no UPDATE of her own rows, in any form.
        let update = try sql(anna, "UPDATE session SET duration_s = 0 WHERE agent = current_user RETURNING id")
        #expect(update.status != 0 && update.stderr.contains("permission denied"), "\(update.stderr)")
        #expect(try sql(anna, "UPDATE session SET summary = jsonb_set(summary, '{talk,agent_share}', '0.99')").status != 0)
        let upsert = try sql(anna, "INSERT INTO session SELECT * FROM session ON CONFLICT (id) DO UPDATE SET duration_s = 0")
        #expect(upsert.status != 0, "\(upsert.stdout)")
        // DO NOTHING on her own id is allowed and changes nothing.
        #expect(try sql(anna, "INSERT INTO session SELECT * FROM session ON CONFLICT (id) DO NOTHING").status == 0)
        #expect(try sql(anna, "DELETE FROM session WHERE agent = current_user").status != 0)
        // Granting herself UPDATE grants nothing (PostgreSQL warns, or refuses).
        _ = try sql(anna, "GRANT UPDATE ON session TO callpulse_agent, current_user")
        #expect(try sql(anna, "UPDATE session SET duration_s = 0").status != 0)
        #expect(try sql(anna, "CREATE POLICY mine ON session FOR UPDATE USING (true)").status != 0)
        // Nor a supervisor.
        #expect(try sql(boss, "UPDATE session SET duration_s = 0").status != 0)

        // The same recording analysed and sent again: no warning, still one row, as it was.
        let again = home.run(["analyze", call] + annaStore, extraEnvironment: ["PGPASSWORD": passwords[anna]!])
        #expect(again.status == 0 && again.stderr.isEmpty, "\(again.stderr)")
        let pushed = home.run(["sessions", "push"] + annaStore, extraEnvironment: ["PGPASSWORD": passwords[anna]!])
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(home.run(["sessions", "list", "--unsent", "--csv"] + annaStore, extraEnvironment: ["PGPASSWORD": passwords[anna]!]).stdout.split(separator: "\n").count == 1)
        #expect(try sql(boss, stored).stdout == before)
    }

    /// The server stopped in the middle of analysing 20 calls: every session reaches
    /// PostgreSQL after the restart and one `sessions push`, none twice. The server stopped
    /// is one of this test's own: the tests running beside it keep the shared one.
    @Test(.enabled(if: TestCluster.available))
    func nothingIsLostWhileTheServerIsDown() throws {
        let home = CLIHome()
        defer { home.remove() }
        let cluster = try TestCluster.startPrivate()
        defer { cluster.stop() }
        let target = try StoreUnderTest.make(.postgres, home: home, cluster: cluster)
        let database = String(target.store.split(separator: "/").last!.split(separator: "?").first!)
        let calls = try (1...20).map { try home.writeCall(named: "outage-\($0).wav", seed: 500 + $0, durationS: 3) }
        var warnings = 0
        for (index, call) in calls.enumerated() {
            if index == 7 { try cluster.control("stop") }
            let result = home.run(["analyze", "--agent", "anna", call, "--store", target.store], extraEnvironment: target.environment)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            if index >= 7 {
                #expect(lines.count == 1 && lines[0].hasPrefix("callpulse: warning: "), "\(result.stderr)")
                #expect(lines.first?.contains("\(cluster.host):\(cluster.port)") == true)
                #expect(lines.first?.contains("\(index - 6) session") == true, "\(result.stderr)")
                warnings += lines.count
            } else {
                #expect(lines.isEmpty, "\(result.stderr)")
            }
        }
        #expect(warnings == 13)
        let queued = home.run(["sessions", "list", "--unsent", "--csv", "--store", target.store], extraEnvironment: target.environment)
        #expect(queued.stdout.split(separator: "\n").count == 1 + 13, "\(queued.stdout)\(queued.stderr)")
        let downPush = home.run(["sessions", "push", "--store", target.store], extraEnvironment: target.environment)
        #expect(downPush.status == 5)
        try cluster.control("start")
        let pushed = home.run(["sessions", "push", "--store", target.store], extraEnvironment: target.environment)
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(pushed.stdout.contains("Sent 13 sessions"), "\(pushed.stdout)")
        #expect(home.run(["sessions", "list", "--unsent", "--csv", "--store", target.store], extraEnvironment: target.environment).stdout.split(separator: "\n").count == 1)
        let again = home.run(["sessions", "push", "--store", target.store], extraEnvironment: target.environment)
        #expect(again.stdout.contains("Nothing to send"))
        let counted = try cluster.psql(user: cluster.admin, password: cluster.adminPassword, database: database,
                                       "SELECT count(*), count(DISTINCT id) FROM session")
        #expect(counted.stdout == "20|20", "\(counted.stderr)")
        // The ids in PostgreSQL are those of the 20 local sessions.
        let local = try home.listIDs().sorted()
        let remote = try cluster.psql(user: cluster.admin, password: cluster.adminPassword, database: database,
                                      "SELECT id FROM session ORDER BY id COLLATE \"C\"").stdout.split(separator: "\n").map(String.init)
        #expect(local.count == 20 && local == remote)
    }

    /// Wrong password, unknown host, refused TLS: exit 5, one line naming the host, and the
    /// password nowhere.
    @Test(.enabled(if: TestCluster.available))
    func unreachableTeamStoreIsOneLine() throws {
        let home = CLIHome()
        defer { home.remove() }
        let database = try TestCluster.shared.makeDatabase(home: home)
        let secret = "s3cret-\(UUID().uuidString)"
        // A CA of the test's own, that signed nothing the server has.
        let otherCA = home.root + "/other-ca.crt"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=not the server's CA",
                             "-keyout", home.root + "/other-ca.key", "-out", otherCA]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)
        let cases: [(String, String, String)] = [
            ("wrong password", TestCluster.shared.url(user: TestCluster.shared.admin, database: database), "\(TestCluster.shared.host):\(TestCluster.shared.port)"),
            ("unknown host", "postgres://anna@no-such-host.invalid:5432/callpulse", "no-such-host.invalid:5432"),
            ("refused TLS", TestCluster.shared.url(user: TestCluster.shared.admin, database: database, query: "sslmode=verify-full&sslrootcert=\(otherCA)"), "\(TestCluster.shared.host):\(TestCluster.shared.port)"),
        ]
        for (what, url, host) in cases {
            for command in [["sessions", "list"], ["report"], ["sessions", "show", "abc"]] {
                let result = home.run(command + ["--store", url], extraEnvironment: ["PGPASSWORD": secret])
                #expect(result.status == 5, "\(what) \(command): \(result.stderr)")
                let lines = result.stderr.split(separator: "\n")
                #expect(lines.count == 1, "\(what): \(result.stderr)")
                #expect(lines.first?.hasPrefix("callpulse: error: ") == true)
                #expect(lines.first?.contains(host) == true, "\(what): \(result.stderr)")
                #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret))
            }
            // analyze keeps the session locally and warns; push then fails with exit 5.
            let call = try home.writeCall(named: "queued-\(what.count).wav", seed: what.count)
            let analysed = home.run(["analyze", "--agent", "anna", call, "--store", url], extraEnvironment: ["PGPASSWORD": secret])
            #expect(analysed.status == 0)
            #expect(analysed.stderr.split(separator: "\n").count == 1 && analysed.stderr.contains(host) && !analysed.stderr.contains(secret), "\(analysed.stderr)")
            let push = home.run(["sessions", "push", "--store", url], extraEnvironment: ["PGPASSWORD": secret])
            #expect(push.status == 5 && push.stderr.split(separator: "\n").count == 1 && !push.stderr.contains(secret), "\(push.stderr)")
        }
        // A password in the URL is refused (bad usage) and not repeated.
        let inURL = home.run(["sessions", "list", "--store", "postgres://anna:\(secret)@\(TestCluster.shared.host):\(TestCluster.shared.port)/x"])
        #expect(inURL.status == 2 && !inURL.stderr.contains(secret), "\(inURL.stderr)")
    }

    /// sslmode=require and verify-full with the cluster's CA both work (verify-full with
    /// another CA fails above, so TLS is really in use).
    @Test(.enabled(if: TestCluster.available))
    func tlsRequireAndVerifyFull() throws {
        let home = CLIHome()
        defer { home.remove() }
        let database = try TestCluster.shared.makeDatabase(home: home)
        let call = try home.writeCall(named: "tls.wav", seed: 77)
        for query in ["sslmode=require", "sslmode=verify-full&sslrootcert=\(TestCluster.shared.caPath)"] {
            let url = TestCluster.shared.url(user: TestCluster.shared.admin, database: database, query: query)
            let analysed = home.run(["analyze", "--agent", "anna", call, "--store", url], extraEnvironment: ["PGPASSWORD": TestCluster.shared.adminPassword])
            #expect(analysed.status == 0 && analysed.stderr.isEmpty, "\(query): \(analysed.stderr)")
            let list = home.run(["sessions", "list", "--csv", "--store", url], extraEnvironment: ["PGPASSWORD": TestCluster.shared.adminPassword])
            #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 2, "\(query): \(list.stderr)")
        }
        // The CA from PGSSLROOTCERT, and the password from ~/.pgpass (mode 0600).
        let pgpass = home.root + "/.pgpass"
        try "\(TestCluster.shared.host):\(TestCluster.shared.port):\(database):\(TestCluster.shared.admin):\(TestCluster.shared.adminPassword)\n".write(toFile: pgpass, atomically: true, encoding: .utf8)
        chmod(pgpass, 0o600)
        let viaFile = home.run(["sessions", "list", "--csv", "--store", TestCluster.shared.url(user: TestCluster.shared.admin, database: database, query: "sslmode=verify-full")],
                               extraEnvironment: ["PGSSLROOTCERT": TestCluster.shared.caPath])
        #expect(viaFile.status == 0, "\(viaFile.stderr)")
    }

    /// Two agents' machines pushing at once: every session of each arrives once.
    @Test(.enabled(if: TestCluster.available))
    func twoAgentsPushingAtOnce() throws {
        let admin = CLIHome()
        defer { admin.remove() }
        let database = try TestCluster.shared.makeDatabase(home: admin)
        let agents = [TestCluster.roleName("anna"), TestCluster.roleName("bert")]
        let password = "pw-\(UUID())"
        for agent in agents {
            let granted = admin.run(["store", "grant-agent", agent, "--store", TestCluster.shared.url(user: TestCluster.shared.admin, database: database)],
                                    extraEnvironment: ["PGPASSWORD": TestCluster.shared.adminPassword], input: password + "\n")
            #expect(granted.status == 0, "\(granted.stderr)")
        }
        let perAgent = 8
        let homes = agents.map { _ in CLIHome() }
        defer { homes.forEach { $0.remove() } }
        let results = try homes.enumerated().map { index, home in
            try (1...perAgent).map { try home.writeCall(named: "push-\($0).wav", seed: 1000 * (index + 1) + $0, durationS: 3) }
        }
        // Each machine analyses its calls offline (nothing reaches the store), then both push at once.
        let offline = "postgres://\(agents[0])@127.0.0.1:1/\(database)?sslmode=disable"
        for (index, home) in homes.enumerated() {
            let queuedRun = home.run(["analyze", "--agent", agents[index]] + results[index] + ["--store", offline])
            #expect(queuedRun.status == 0 && queuedRun.stderr.contains("\(perAgent) sessions wait"), "\(queuedRun.stderr)")
        }
        let processes = homes.enumerated().map { index, home in
            home.start(["sessions", "push", "--store", TestCluster.shared.url(user: agents[index], database: database)], extraEnvironment: ["PGPASSWORD": password])
        }
        for (process, errors) in processes {
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(stderr)")
        }
        let counted = try TestCluster.shared.psql(user: TestCluster.shared.admin, password: TestCluster.shared.adminPassword, database: database,
                                           "SELECT agent, count(*) FROM session GROUP BY agent ORDER BY agent")
        #expect(counted.stdout == agents.sorted().map { "\($0)|\(perAgent)" }.joined(separator: "\n"), "\(counted.stdout)")
    }
}
