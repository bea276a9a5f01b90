import Foundation
import Testing

/// The PostgreSQL cluster `.ci/pg-cluster` starts for the tests, from the variables it
/// exports; every test that needs it is `.enabled(if: TestCluster.available)` and shows as
/// skipped without it.
enum TestCluster {
    static let environment = ProcessInfo.processInfo.environment
    static var available: Bool { environment["CALLPULSE_TEST_PG"] != nil && environment["CALLPULSE_TEST_PG_PASSWORD"] != nil }
    /// postgres://ADMIN@127.0.0.1:PORT/postgres
    static var adminURL: URLComponents { URLComponents(string: environment["CALLPULSE_TEST_PG"] ?? "postgres://x@127.0.0.1:1/x")! }
    static var adminPassword: String { environment["CALLPULSE_TEST_PG_PASSWORD"] ?? "" }
    static var caPath: String { environment["CALLPULSE_TEST_PG_CA"] ?? "" }
    static var host: String { adminURL.host ?? "127.0.0.1" }
    static var port: Int { adminURL.port ?? 5432 }
    static var admin: String { adminURL.user ?? "postgres" }

    /// A team store URL for `user` on `database`.
    static func url(user: String, database: String, query: String = "sslmode=disable") -> String {
        "postgres://\(user)@\(host):\(port)/\(database)" + (query.isEmpty ? "" : "?" + query)
    }

    /// A new, empty database for one test, initialised with `callpulse store init`.
    static func makeDatabase(home: CLIHome) throws -> String {
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
    static func psql(user: String, password: String, database: String, _ sql: String) throws -> PSQLResult {
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

    /// Stops or starts the cluster (the outage test). posix_spawn and waitpid, not
    /// `Process`: `pg_ctl start` leaves the server running with the launcher's descriptors,
    /// and Foundation's `waitUntilExit` did not return then.
    static func control(_ action: String) throws {
        let command = (environment["CALLPULSE_TEST_PG_CTL"] ?? "/bin/false") + " " + action + " >/dev/null 2>&1 </dev/null"
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", command]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, arguments, environ)
        try #require(spawned == 0)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        try #require(status == 0, "pg_ctl \(action) failed")
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
    static func make(_ backend: Backend, home: CLIHome) throws -> StoreUnderTest {
        switch backend {
        case .sqlite:
            return StoreUnderTest(store: home.root + "/team.sqlite", environment: [:])
        case .postgres:
            let database = try TestCluster.makeDatabase(home: home)
            return StoreUnderTest(store: TestCluster.url(user: TestCluster.admin, database: database),
                                  environment: ["PGPASSWORD": TestCluster.adminPassword])
        }
    }
}
