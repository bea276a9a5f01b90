import Foundation

/// A `--store` value that names the team store: libpq's URL form
/// `postgres://USER@HOST:PORT/DB?sslmode=MODE` (also `postgresql://`). The password is never
/// part of it: it comes from `PGPASSWORD` or `~/.pgpass` (`PasswordFile`), so it is in no
/// argument list, shell history or error line.
public struct TeamStoreURL: Equatable, Sendable, CustomStringConvertible {
    /// libpq's `sslmode` values. `prefer` (libpq's default) tries TLS without checking the
    /// certificate and falls back to plain text; `require` insists on TLS without checking the
    /// certificate; `verify-ca` checks the chain; `verify-full` also the host name.
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    /// The CA certificates that `verify-ca`/`verify-full` trust: `sslrootcert=` in the URL,
    /// else `PGSSLROOTCERT`, else `~/.postgresql/root.crt` (as libpq).
    public var sslRootCert: String?

    /// Whether `text` is meant as a team store URL (rather than a SQLite file path).
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `text`; the error is a sentence for the user (bad usage, exit 2). A password in
    /// the URL is refused and never repeated.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw TeamStoreURLError("--store must be a file path or postgres://USER@HOST:PORT/DB?sslmode=MODE")
        }
        if components.password != nil {
            throw TeamStoreURLError("the team store URL must not hold a password: put it in PGPASSWORD or ~/.pgpass")
        }
        guard let host = components.host, !host.isEmpty else {
            throw TeamStoreURLError("the team store URL names no host: postgres://USER@HOST:PORT/DB")
        }
        self.host = host
        let systemUser = environment["USER"] ?? NSUserName()
        user = AgentName.canonical(components.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"] ?? systemUser)
        port = components.port ?? environment["PGPORT"].flatMap(Int.init) ?? 5432
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? (environment["PGDATABASE"] ?? user) : (path.removingPercentEncoding ?? path)
        var mode = SSLMode.prefer
        if let text = environment["PGSSLMODE"], let fromEnvironment = SSLMode(rawValue: text) { mode = fromEnvironment }
        var rootCert = environment["PGSSLROOTCERT"]
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let parsed = SSLMode(rawValue: value) else {
                    throw TeamStoreURLError("sslmode must be one of " + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                mode = parsed
            case "sslrootcert":
                rootCert = item.value
            case "password":
                throw TeamStoreURLError("the team store URL must not hold a password: put it in PGPASSWORD or ~/.pgpass")
            default:
                throw TeamStoreURLError("the team store URL has an option callpulse does not know: \(item.name) (it takes sslmode and sslrootcert)")
            }
        }
        sslMode = mode
        if rootCert == nil, let home = environment["HOME"] {
            rootCert = home + "/.postgresql/root.crt"
        }
        sslRootCert = rootCert
    }

    /// `HOST:PORT`, as every error line names the team store.
    public var hostAndPort: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The URL without anything secret (there is nothing secret in it): `postgres://USER@HOST:PORT/DB`.
    public var description: String { "postgres://\(user)@\(hostAndPort)/\(database)" }
}

public struct TeamStoreURLError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The password for a team store: `PGPASSWORD`, else the first matching line of
/// `PGPASSFILE` or `~/.pgpass` (`hostname:port:database:username:password`, `*` matches
/// anything, `\:` and `\\` escape), as libpq reads it. Like libpq, a password file that
/// others may read is ignored.
public enum PasswordFile {
    public static func password(for url: TeamStoreURL, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        let path = environment["PGPASSFILE"] ?? environment["HOME"].map { $0 + "/.pgpass" }
        guard let path else { return nil }
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_mode & 0o077 == 0,
              let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let wanted = [url.host, String(url.port), url.database, url.user]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(String(line))
            guard fields.count == 5 else { continue }
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) {
                return fields[4]
            }
        }
        return nil
    }

    /// One `.pgpass` line's fields: `:` separates, a backslash escapes the next character.
    static func split(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
