import Foundation
import Testing

/// A running `callpulse serve` on a free localhost port, stopped with SIGTERM.
final class ServeProcess: @unchecked Sendable {
    let process: Process
    private(set) var base = ""
    private let lock = NSLock()
    private var errorText = ""

    /// Starts `serve --listen 127.0.0.1:0` on `store` and waits for the line naming its port.
    init(home: CLIHome, store: StoreUnderTest, extra: [String] = []) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: CLIHome.binary)
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--store", store.store] + extra
        var environment = home.environment
        environment.merge(store.environment) { $1 }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: home.root)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let started = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { [self] in
            var signalled = false
            while true {
                let data = errors.fileHandleForReading.availableData
                if data.isEmpty { break }
                lock.lock()
                errorText += String(decoding: data, as: UTF8.self)
                let text = errorText
                lock.unlock()
                if !signalled, let range = text.range(of: "serving the dashboard on http://") {
                    let rest = text[range.upperBound...]
                    if let slash = rest.firstIndex(of: "/") {
                        base = "http://" + rest[..<slash]
                        signalled = true
                        started.signal()
                    }
                }
            }
            if !signalled { started.signal() }
        }
        _ = started.wait(timeout: .now() + 30)
        try #require(!base.isEmpty, "serve did not start: \(stderr)")
    }

    var stderr: String {
        lock.lock()
        defer { lock.unlock() }
        return errorText
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    deinit { stop() }
}

/// An HTTP exchange through curl: no redirects followed, cookies only as given.
struct HTTP {
    var status: Int
    /// Header names in lower case; the last value of each.
    var headers: [String: String]
    var setCookies: [String]
    var body: String
    var elapsedS: Double

    static func request(_ method: String, _ url: String, form: [(String, String)]? = nil, cookie: String? = nil, maxTimeS: Double = 15) -> HTTP {
        var arguments = ["-s", "-i", "--max-time", String(maxTimeS), "-X", method]
        if let cookie { arguments += ["-H", "Cookie: \(cookie)"] }
        for (key, value) in form ?? [] { arguments += ["--data-urlencode", "\(key)=\(value)"] }
        if method == "POST" && (form ?? []).isEmpty { arguments += ["-d", ""] }
        arguments.append(url)
        let started = Date()
        let output = run("curl", arguments)
        let elapsed = Date().timeIntervalSince(started)
        guard let split = output.range(of: "\r\n\r\n") else {
            return HTTP(status: 0, headers: [:], setCookies: [], body: output, elapsedS: elapsed)
        }
        let head = output[..<split.lowerBound].split(separator: "\r\n").map(String.init)
        let status = head.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var headers: [String: String] = [:]
        var cookies: [String] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = value
            if name == "set-cookie" { cookies.append(value) }
        }
        return HTTP(status: status, headers: headers, setCookies: cookies, body: String(output[split.upperBound...]), elapsedS: elapsed)
    }

    static func run(_ tool: String, _ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return "" }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The `name=value` part of the session cookie set by a login, if any.
    var sessionCookie: String? {
        setCookies.first { $0.hasPrefix("callpulse_session=") }.flatMap { $0.split(separator: ";").first.map(String.init) }
    }
}

enum ServeTestSupport {
    static let password = "correct horse battery"

    static var curlAvailable: Bool { !HTTP.run("curl", ["--version"]).isEmpty }

    /// Adds a dashboard user, the password as two lines on standard input.
    static func addUser(_ name: String, role: String, home: CLIHome, store: StoreUnderTest, password: String = password) throws {
        let added = home.run(["serve", "add-user", name, "--role", role, "--store", store.store], extraEnvironment: store.environment, input: "\(password)\n\(password)\n")
        try #require(added.status == 0, "\(added.stderr)")
    }

    /// Logs in and returns the session cookie.
    static func login(_ server: ServeProcess, name: String, password: String = password) throws -> String {
        let answer = HTTP.request("POST", server.base + "/login", form: [("name", name), ("password", password), ("next", "/")])
        try #require(answer.status == 303, "login of \(name): \(answer.status) \(answer.body)")
        return try #require(answer.sessionCookie)
    }
}
