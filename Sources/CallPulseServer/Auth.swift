import CallPulseStore
import Crypto
import Foundation
import HummingbirdBcrypt

/// Who is logged in, as the signed session cookie says.
struct Login: Sendable {
    var name: String
    var role: DashboardRole
    /// Random per login: the CSRF token is derived from it.
    var nonce: String
    var expiresAt: Int64
    /// `CookieSigner.stamp(of:)` of the user when they logged in: a later `add-user` that
    /// changes the role or the password changes it, which ends the login.
    var stamp: String
}

/// The session cookie and the CSRF tokens, signed with HMAC-SHA256 under the key every
/// `serve` on the store shares (`DashboardStore.signingKey`): a login made through one
/// `serve` is valid on the others behind the same address.
struct CookieSigner: Sendable {
    let key: SymmetricKey

    static let cookieName = "callpulse_session"
    /// How long a login lasts, seconds: one 12-hour shift.
    static let lifetimeS: Int64 = 12 * 3600

    init(keyBytes: [UInt8]) {
        key = SymmetricKey(data: keyBytes)
    }

    static func randomKey() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    func cookieValue(for login: Login) -> String {
        let payload = ["v2", login.name, login.role.rawValue, String(login.expiresAt), login.nonce, login.stamp]
            .map { Base64URL.encode(Array($0.utf8)) }.joined(separator: ".")
        return payload + "." + mac(payload)
    }

    func login(fromCookie value: String, now: Date = Date()) -> Login? {
        guard let dot = value.lastIndex(of: ".") else { return nil }
        let payload = String(value[..<dot])
        let signature = String(value[value.index(after: dot)...])
        guard let given = Base64URL.decode(signature),
              HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Array(payload.utf8), using: key) else { return nil }
        let fields = payload.split(separator: ".").compactMap { Base64URL.decode(String($0)).map { String(decoding: $0, as: UTF8.self) } }
        guard fields.count == 6, fields[0] == "v2", let role = DashboardRole(rawValue: fields[2]), let expires = Int64(fields[3]),
              expires > Int64(now.timeIntervalSince1970) else { return nil }
        return Login(name: fields[1], role: role, nonce: fields[4], expiresAt: expires, stamp: fields[5])
    }

    /// Stands for a user's name, role and password hash as they are now, without revealing
    /// the hash: a login stays valid only while its stamp matches the stored user's.
    func stamp(of user: DashboardUser) -> String {
        String(mac("user." + user.name + "." + user.role.rawValue + "." + user.passwordHash).prefix(22))
    }

    func csrfToken(for login: Login) -> String { mac("csrf." + login.nonce) }

    func checkCSRF(_ token: String?, for login: Login) -> Bool {
        guard let token, let given = Base64URL.decode(token) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Array(("csrf." + login.nonce).utf8), using: key)
    }

    /// A short stable stand-in for an agent's name in a URL (`/calls?agent=…`): the URL
    /// carries no name, the server maps it back through the list of agents.
    func agentToken(_ agent: String) -> String {
        String(mac("agent." + agent).prefix(16))
    }

    private func mac(_ text: String) -> String {
        Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key)))
    }
}

enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base).map(Array.init)
    }
}

/// Passwords: bcrypt, and the throttle on wrong ones.
public enum Passwords {
    /// bcrypt's cost: 2^11 rounds, about 0.1-0.2 s on one core here, a slow KDF as the SPEC
    /// asks without making 20 logins a minute's work for the server.
    public static let bcryptCost: UInt8 = 11

    public static func hash(_ password: String) -> String {
        Bcrypt.hash(password, cost: bcryptCost)
    }

    static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// At most this many bcrypt checks run at once (one per core here), and at most
    /// `maxWaiting` wait for a turn; a flood of logins beyond that is refused, not queued.
    static let maxChecking = 2
    static let maxWaiting = 16
    static let gate = BcryptGate()

    /// Wrong passwords for one name that are checked at the normal pace: after 20 in a row,
    /// each try waits for `lockoutS` after the last wrong one (issue 13: "20 wrong tries
    /// slow down"). Counted in the store, so every `serve` on it counts the same tries.
    static let freeFailures = 20
    /// Seconds a name is refused after its 20th wrong password in a row.
    static let lockoutS = 60.0
    /// A run of wrong passwords older than this is forgotten, seconds.
    static let forgetAfterS = 15.0 * 60
    /// A user name is 1-64 characters without control characters.
    static func isPlausibleName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

/// Bounds the bcrypt work of logins: a flood of unauthenticated POSTs must not take every core.
actor BcryptGate {
    private var checking = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Whether `password` matches `hash`; `nil` when too many checks are waiting already.
    func verify(_ password: String, hash: String) async -> Bool? {
        if checking >= Passwords.maxChecking {
            guard waiting.count < Passwords.maxWaiting else { return nil }
            await withCheckedContinuation { waiting.append($0) }
        } else {
            checking += 1
        }
        defer {
            if waiting.isEmpty { checking -= 1 } else { waiting.removeFirst().resume() }
        }
        return await Task.detached { Passwords.verify(password, hash: hash) }.value
    }
}
