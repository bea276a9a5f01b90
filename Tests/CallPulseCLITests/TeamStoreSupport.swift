import Foundation
import Testing

/// A PostgreSQL cluster made by `.ci/pg-cluster`, from the variables it exports. `shared`
/// is the one `.ci/run` starts for the whole run; every test that needs it is
/// `.enabled(if: TestCluster.available)` and shows as skipped without it. A test that stops
/// its server starts a cluster of its own (`startPrivate`), so the tests running beside it
/// keep theirs.
struct TestCluster: Sendable {
    static let shared = TestCluster(environment: ProcessInfo.processInfo.environment)
    static var available: Bool { shared.environment["CALLPULSE_TEST_PG"] != nil && shared.environment["CALLPULSE_TEST_PG_PASSWORD"] != nil }

    let environment: [String: String]
    /// postgres://ADMIN@127.0.0.1:PORT/postgres
    var adminURL: URLComponents { URLComponents(string: environment["CALLPULSE_TEST_PG"] ?? "postgres://x@127.0.0.1:1/x")! }
    var adminPassword: String { environment["CALLPULSE_TEST_PG_PASSWORD"] ?? "" }
    var caPath: String { environment["CALLPULSE_TEST_PG_CA"] ?? "" }
    var host: String { adminURL.host ?? "127.0.0.1" }
    var port: Int { adminURL.port ?? 5432 }
    var admin: String { adminURL.user ?? "postgres" }

    /// A team store URL for `user` on `database`.
    func url(user: String, database: String, query: String = "sslmode=disable") -> String {
        "postgres://\(user)@\(host):\(port)/\(database)" + (query.isEmpty ? "" : "?" + query)
    }

    /// A new, empty database for one test, initialised with `callpulse store init`.
    func makeDatabase(home: CLIHome) throws -> String {
        let name = "callpulse_test_" + UUID().uuidString.prefix(8).lowercased()
        _ = try psql(user: admin, password: adminPassword, database: "postgres", "CREATE DATABASE \(name)")
        let initialised = home.run(["store", "init", "--store", url(user: admin, database: name)], extraEnvironment: ["PGPASSWORD": adminPassword])
        try #require(initialised.status == 0, "\(initialised.stderr)")
        return name
    }

    /// A unique login name: roles are the cluster's, shared by every test database.
    static func roleName(_ base: String) -> String {
        base + "_" + UUID().uuidString.prefix(6).lowercased()
    }

    struct PSQLResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `sql` through psql as `user`: hand-written SQL on that user's own connection.
    func psql(user: String, password: String, database: String, _ sql: String) throws -> PSQLResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", String(port), "-U", user, "-d", database, "-c", sql]
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password
        environment["PGSSLMODE"] = "disable"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return PSQLResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
                          stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Stops or starts the cluster (the outage test).
    func control(_ action: String) throws {
        try #require(TestCluster.shell((environment["CALLPULSE_TEST_PG_CTL"] ?? "/bin/false") + " " + action) == 0, "pg_ctl \(action) failed")
    }

    /// A cluster of the caller's own, made by `.ci/pg-cluster start` as `.ci/run` makes the
    /// shared one; `stop()` removes it.
    static func startPrivate() throws -> TestCluster {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("callpulse-pg-\(UUID().uuidString).env").path
        defer { unlink(out) }
        let script = CLI.packageRoot.appendingPathComponent(".ci/pg-cluster").path
        let names = ["CALLPULSE_TEST_PG", "CALLPULSE_TEST_PG_PASSWORD", "CALLPULSE_TEST_PG_CA", "CALLPULSE_TEST_PG_CTL", "CALLPULSE_TEST_PG_DIR"]
        let status = shell("set -e; . '\(script)' start; printf '%s\\n' " + names.map { "\"$\($0)\"" }.joined(separator: " ") + " > '\(out)'")
        try #require(status == 0, ".ci/pg-cluster start failed")
        let values = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(values.count >= names.count)
        return TestCluster(environment: Dictionary(uniqueKeysWithValues: zip(names, values)))
    }

    /// Stops a private cluster and removes its folder.
    func stop() {
        guard let dir = environment["CALLPULSE_TEST_PG_DIR"], !dir.isEmpty else { return }
        _ = TestCluster.shell("'\(CLI.packageRoot.appendingPathComponent(".ci/pg-cluster").path)' stop '\(dir)'")
    }

    /// Runs `command` with bash, its output to /dev/null, and returns its exit status.
    /// posix_spawn and waitpid, not `Process`: `pg_ctl start` leaves the server running with
    /// the launcher's descriptors, and Foundation's `waitUntilExit` did not return then.
    static func shell(_ command: String) -> Int32 {
        var pid: pid_t = 0
        let words: [String] = ["/bin/bash", "-c", "{ " + command + "; } >/dev/null 2>&1 </dev/null"]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/bash", nil, nil, arguments, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }
}

/// The two kinds of store the shared suite runs on.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// SQLite always; PostgreSQL when the test cluster runs (`TeamStoreSuite.postgresBackendIsRunning`
    /// shows as skipped when it does not).
    static var configured: [Backend] { TestCluster.available ? [.sqlite, .postgres] : [.sqlite] }
}

/// One store under test: what `--store` says, and the environment that reaches it.
struct StoreUnderTest {
    var store: String
    var environment: [String: String]

    /// A fresh store of `backend` for `home`; on PostgreSQL, a new database as the administrator.
    static func make(_ backend: Backend, home: CLIHome, cluster: TestCluster = .shared) throws -> StoreUnderTest {
        switch backend {
        case .sqlite:
            return StoreUnderTest(store: home.root + "/team.sqlite", environment: [:])
        case .postgres:
            let database = try cluster.makeDatabase(home: home)
            return StoreUnderTest(store: cluster.url(user: cluster.admin, database: database),
                                  environment: ["PGPASSWORD": cluster.adminPassword])
        }
    }
}
