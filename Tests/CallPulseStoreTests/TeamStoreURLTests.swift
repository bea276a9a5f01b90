import CallPulseStore
import Foundation
import Testing

/// `--store postgres://…` as libpq reads it, and the password from PGPASSWORD or ~/.pgpass.
@Suite struct TeamStoreURLTests {
    let environment = ["HOME": "/nonexistent-home", "USER": "osuser"]

    @Test func everyPartIsRead() throws {
        let url = try TeamStoreURL("postgres://anna@db.example:6543/calls?sslmode=verify-full&sslrootcert=/etc/ca.pem", environment: environment)
        #expect(url.user == "anna" && url.host == "db.example" && url.port == 6543 && url.database == "calls")
        #expect(url.sslMode == .verifyFull && url.sslRootCert == "/etc/ca.pem")
        #expect(url.hostAndPort == "db.example:6543")
        #expect(url.description == "postgres://anna@db.example:6543/calls")
    }

    @Test func theUserIsTheNFCSpellingOfTheName() throws {
        // "José" with a combining accent (e + U+0301, percent-encoded): the role grant-agent
        // made, and the sessions' agent name, are the one-code-point spelling (`AgentName`).
        let url = try TeamStoreURL("postgres://Jose%CC%81@db.example/calls", environment: environment)
        #expect(Array(url.user.unicodeScalars) == Array("Jos\u{E9}".unicodeScalars))
        #expect(Array(AgentName.canonical("Jose\u{301}").utf8) == [0x4A, 0x6F, 0x73, 0xC3, 0xA9])
    }

    @Test func libpqDefaults() throws {
        let url = try TeamStoreURL("postgresql://db.example", environment: environment)
        #expect(url.user == "osuser" && url.port == 5432 && url.database == "osuser" && url.sslMode == .prefer)
        #expect(url.sslRootCert == "/nonexistent-home/.postgresql/root.crt")
    }

    @Test(arguments: [
        "postgres://anna:hunter2@db.example/calls",
        "postgres://anna@db.example/calls?password=hunter2",
    ])
    func aPasswordInTheURLIsRefusedAndNotRepeated(_ text: String) {
        #expect {
            try TeamStoreURL(text, environment: environment)
        } throws: { error in
            "\(error)".contains("must not hold a password") && !"\(error)".contains("hunter2")
        }
    }

    @Test(arguments: ["postgres://db.example/x?sslmode=sometimes", "postgres:///x", "postgres://db.example/x?timeout=3"])
    func badURLsAreRefused(_ text: String) {
        #expect(throws: TeamStoreURLError.self) { try TeamStoreURL(text, environment: environment) }
    }

    @Test func passwordFromPGPASSWORDThenPgpass() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let url = try TeamStoreURL("postgres://anna@db.example:5432/calls", environment: environment)
        let pgpass = folder.path + "/pgpass"
        try """
        # comment
        other.example:5432:calls:anna:wrong
        db.example:*:calls:anna:pa\\:ss\\\\word
        *:*:*:*:fallback

        """.write(toFile: pgpass, atomically: true, encoding: .utf8)
        chmod(pgpass, 0o600)
        #expect(PasswordFile.password(for: url, environment: ["PGPASSWORD": "fromenv", "PGPASSFILE": pgpass]) == "fromenv")
        #expect(PasswordFile.password(for: url, environment: ["PGPASSFILE": pgpass]) == "pa:ss\\word")
        let other = try TeamStoreURL("postgres://bert@elsewhere/db", environment: environment)
        #expect(PasswordFile.password(for: other, environment: ["PGPASSFILE": pgpass]) == "fallback")
        // As libpq: a password file others may read is ignored.
        chmod(pgpass, 0o644)
        #expect(PasswordFile.password(for: url, environment: ["PGPASSFILE": pgpass]) == nil)
    }
}
