import CallPulseCore
import CallPulseRender
import CallPulseStore
import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle

/// The routes and their pages. Every value that reaches a page goes through
/// `HTMLText.escape`; no page carries personal data in its URL (agents are picked by an
/// opaque token, calls by their session id).
struct Pages: Sendable {
    let server: DashboardServer
    let signer: CookieSigner

    var store: any DashboardStore { server.store }
    var limits: AlertLimits { server.options.limits }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in await health() }
        router.get("/metrics") { _, _ in await metrics() }
        router.get("/static/board.js") { _, _ in asset(Assets.boardJS, type: "text/javascript; charset=utf-8") }
        router.get("/static/style.css") { _, _ in asset(Assets.styleCSS, type: "text/css; charset=utf-8") }
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        router.get("/login") { request, _ in loginPage(next: safeNext(request.uri.queryParameters.get("next")), message: nil, status: .ok) }
        router.post("/login") { request, _ in try await login(request) }
        router.post("/logout") { request, _ in try await logout(request) }
        router.get("/") { request, _ in
            guard let login = await loggedIn(request) else { return toLogin(request) }
            return wallboard(login)
        }
        router.get("/events") { request, _ in
            guard let login = await loggedIn(request) else { return Response(status: .unauthorized) }
            return await events(login)
        }
        router.get("/calls") { request, _ in
            guard let login = await loggedIn(request) else { return toLogin(request) }
            return await calls(request, login: login)
        }
        router.get("/calls/:id") { request, context in
            guard let login = await loggedIn(request) else { return toLogin(request) }
            return await call(try context.parameters.require("id"), login: login)
        }
        router.post("/calls/:id/delete") { request, context in
            guard let login = await loggedIn(request) else { return toLogin(request) }
            return try await delete(try context.parameters.require("id"), request: request, login: login)
        }
        router.get("/report") { request, _ in
            guard let login = await loggedIn(request) else { return toLogin(request) }
            return await report(request, login: login)
        }
    }

    // MARK: Access

    /// The login a request's cookie holds, if its signature holds and the user is still as
    /// they were when they logged in: deleted, given another role or a new password by
    /// `add-user`, their old cookies open nothing more. When the store cannot answer, the
    /// signed cookie alone decides (the board stays up; the next answer revokes).
    func loggedIn(_ request: Request) async -> Login? {
        guard let login = request.cookies[CookieSigner.cookieName].flatMap({ signer.login(fromCookie: $0.value) }) else { return nil }
        let name = login.name
        let user: DashboardUser?
        do {
            user = try await withDeadline(seconds: DashboardServer.pageTimeoutS) { [store] in try await store.user(named: name) }
        } catch {
            return login
        }
        guard let user, user.role == login.role, signer.stamp(of: user) == login.stamp else { return nil }
        return login
    }

    func toLogin(_ request: Request) -> Response {
        // Only the path goes along: a query may hold filters, never needed to come back.
        let next = request.uri.path
        var response = Response(status: .seeOther)
        response.headers[.location] = "/login" + (next == "/" ? "" : "?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        return response
    }

    /// A path on this server (`/…`, not `//host`), or `/`.
    func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
              next.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }) else { return "/" }
        return next
    }

    func login(_ request: Request) async throws -> Response {
        var request = request
        let form = Form.parse(try await request.collectBody(upTo: 16 * 1024))
        let name = AgentName.canonical(form["name"] ?? "")
        let password = form["password"] ?? ""
        let next = safeNext(form["next"])
        guard Passwords.isPlausibleName(name), !password.isEmpty else {
            return loginPage(next: next, message: "Give your name and password.", status: .unauthorized)
        }
        do {
            let failures = try await withDeadline(seconds: DashboardServer.pageTimeoutS) { [store] in try await store.loginFailures(name: name) }
            if failures.count >= Passwords.freeFailures, let last = failures.lastAt {
                let sinceS = Date().timeIntervalSince(last)
                if sinceS < Passwords.lockoutS {
                    var response = loginPage(
                        next: next, message: "Too many wrong passwords for this name: wait \(Int((Passwords.lockoutS - sinceS).rounded(.up))) s and try again.",
                        status: .tooManyRequests)
                    response.headers[.retryAfter] = String(Int((Passwords.lockoutS - sinceS).rounded(.up)))
                    return response
                }
            }
            var before = failures.count
            if failures.count > 0, let last = failures.lastAt, Date().timeIntervalSince(last) > Passwords.forgetAfterS {
                try await store.clearLoginFailures(name: name)
                before = 0
            }
            // The try is counted before the password is checked, and checked only if it is
            // within the free tries or no other try came between the read and the count:
            // many tries at once must not all read a count under the limit.
            try await store.noteLoginFailure(name: name)
            let counted = try await withDeadline(seconds: DashboardServer.pageTimeoutS) { [store] in try await store.loginFailures(name: name) }
            guard counted.count <= Passwords.freeFailures || counted.count == before + 1 else {
                var response = loginPage(next: next, message: "Too many tries for this name at once: wait \(Int(Passwords.lockoutS)) s and try again.",
                                         status: .tooManyRequests)
                response.headers[.retryAfter] = String(Int(Passwords.lockoutS))
                return response
            }
            let user = try await withDeadline(seconds: DashboardServer.pageTimeoutS) { [store] in try await store.user(named: name) }
            // An unknown name costs the same bcrypt as a known one: timing tells nothing.
            let hash = user?.passwordHash ?? Self.decoyHash
            guard let matches = await Passwords.gate.verify(password, hash: hash) else {
                var response = loginPage(next: next, message: "The server is busy checking passwords: try again in a moment.", status: .serviceUnavailable)
                response.headers[.retryAfter] = "5"
                return response
            }
            guard let user, matches else {
                return loginPage(next: next, message: "Wrong name or password.", status: .unauthorized)
            }
            try await store.clearLoginFailures(name: name)
            let login = Login(
                name: user.name, role: user.role, nonce: Base64URL.encode(CookieSigner.randomKey()),
                expiresAt: Int64(Date().timeIntervalSince1970) + CookieSigner.lifetimeS, stamp: signer.stamp(of: user))
            var response = Response(status: .seeOther)
            response.headers[.location] = next
            response.headers[.setCookie] = cookie(signer.cookieValue(for: login), maxAgeS: CookieSigner.lifetimeS)
            return response
        } catch {
            return storeAway(error, title: "Log in")
        }
    }

    static let decoyHash = Passwords.hash(UUID().uuidString)

    func cookie(_ value: String, maxAgeS: Int64) -> String {
        "\(CookieSigner.cookieName)=\(value); Path=/; Max-Age=\(maxAgeS); HttpOnly; SameSite=Strict" + (server.options.secureCookies ? "; Secure" : "")
    }

    func logout(_ request: Request) async throws -> Response {
        var response = Response(status: .seeOther)
        response.headers[.location] = "/login"
        response.headers[.setCookie] = cookie("", maxAgeS: 0)
        return response
    }

    // MARK: Page frame

    func html(_ title: String, login: Login?, status: HTTPResponse.Status = .ok, body: String, script: Bool = false) -> Response {
        var page = ##"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">"##
        page += "<title>\(HTMLText.escape(title)) · callpulse</title>"
        page += ##"<link rel="stylesheet" href="/static/style.css">"##
        if script { page += ##"<script src="/static/board.js" defer></script>"## }
        page += "</head><body>"
        if let login {
            page += ##"<header class="top"><strong>callpulse</strong><a href="/">Wallboard</a><a href="/calls">Calls</a><a href="/report">Report</a>"##
            page += ##"<span class="who">\##(HTMLText.escape(login.name)) (\##(login.role.rawValue))</span>"##
            page += ##"<form method="post" action="/logout"><button type="submit">Log out</button></form></header>"##
        }
        page += "<main>\(body)</main></body></html>"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=300"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func storeAway(_ error: any Error, title: String, login: Login? = nil) -> Response {
        let reason = (error as? StoreError)?.description ?? "\(error)"
        return html(title, login: login, status: .serviceUnavailable,
                    body: ##"<h1>\##(HTMLText.escape(title))</h1><p class="error">The session store is not answering: \##(HTMLText.escape(reason)). Try again in a moment.</p>"##)
    }

    func loginPage(next: String, message: String?, status: HTTPResponse.Status) -> Response {
        var body = "<h1>callpulse: log in</h1>"
        if let message { body += ##"<p class="error" role="alert">\##(HTMLText.escape(message))</p>"## }
        body += ##"<form class="login" method="post" action="/login"><input type="hidden" name="next" value="\##(HTMLText.escape(next))">"##
        body += ##"<label>Name <input name="name" autocomplete="username" required autofocus></label>"##
        body += ##"<label>Password <input name="password" type="password" autocomplete="current-password" required></label>"##
        body += ##"<button type="submit">Log in</button></form>"##
        return html("Log in", login: nil, status: status, body: body)
    }

    // MARK: Wallboard

    func wallboard(_ login: Login) -> Response {
        let body = ##"<h1>Wallboard <span id="status">connecting…</span></h1><p id="none">No agent has a monitor running.</p><div id="board" aria-live="polite"></div>"##
        return html("Wallboard", login: login, body: body, script: true)
    }

    /// How long one event stream runs, seconds: then it ends and the browser reconnects
    /// (`retry: 1000`), its login checked anew, so a login revoked by `add-user` stops
    /// seeing the board within this time.
    static let eventStreamLifetimeS = 300

    func events(_ login: Login) async -> Response {
        let board = server.board
        let user = login.name
        guard await board.admits(user: user) else {
            var busy = Response(status: .serviceUnavailable)
            busy.headers[.retryAfter] = "30"
            return busy
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let (id, stream) = await board.watch(user: user)
            defer { Task { await board.unwatch(id) } }
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            let ending = Task {
                try await Task.sleep(for: .seconds(Self.eventStreamLifetimeS))
                await board.unwatch(id)
            }
            defer { ending.cancel() }
            // SIGTERM: the stream ends (the browser reconnects to another serve), so that the
            // server's graceful shutdown does not wait for browsers that never leave.
            try await withGracefulShutdownHandler {
                for await text in stream {
                    try await writer.write(ByteBuffer(string: text))
                }
            } onGracefulShutdown: {
                Task { await board.unwatch(id) }
            }
            try await writer.finish(nil)
        })
    }

    // MARK: Calls

    func calls(_ request: Request, login: Login) async -> Response {
        let query = request.uri.queryParameters
        let agentToken = query.get("agent").map { String($0) } ?? ""
        let sinceText = query.get("since").map { String($0) } ?? ""
        let untilText = query.get("until").map { String($0) } ?? ""
        let flagged = query.get("flagged") == "1"
        let cursor = query.get("after").flatMap { CallCursor(token: String($0)) }
        do {
            let agents = try await withDeadline(seconds: DashboardServer.pageTimeoutS) { [store] in try await store.agents() }
            let agent = agents.first { signer.agentToken($0) == agentToken }
            var filter = SessionFilter(agent: agent, flaggedOnly: flagged)
            filter.since = sinceText.isEmpty ? nil : StoreDate.parseArgument(sinceText, timeZone: TimeZone(identifier: "UTC")!)
            filter.until = untilText.isEmpty ? nil : StoreDate.parseArgument(untilText, endOfDay: true, timeZone: TimeZone(identifier: "UTC")!)
            let pageSize = server.options.pageSize
            let bound = filter
            let rows = try await withDeadline(seconds: DashboardServer.pageTimeoutS) { [store] in
                try await store.calls(bound, after: cursor, limit: pageSize + 1)
            }
            var body = "<h1>Calls</h1>"
            body += ##"<form class="filters" method="get" action="/calls"><label>Agent <select name="agent"><option value="">all agents</option>"##
            for name in agents {
                let token = signer.agentToken(name)
                body += ##"<option value="\##(token)"\##(name == agent ? " selected" : "")>\##(HTMLText.escape(name))</option>"##
            }
            body += "</select></label>"
            body += ##"<label>From (UTC) <input type="date" name="since" value="\##(HTMLText.escape(sinceText))"></label>"##
            body += ##"<label>To (UTC) <input type="date" name="until" value="\##(HTMLText.escape(untilText))"></label>"##
            body += ##"<label><span><input type="checkbox" name="flagged" value="1"\##(flagged ? " checked" : "")> only calls with a broken rule</span></label>"##
            body += ##"<button type="submit">Show</button></form>"##
            let shown = rows.prefix(pageSize)
            if shown.isEmpty {
                body += "<p>No stored sessions match.</p>"
            } else {
                body += ##"<table class="calls"><thead><tr><th>Started (UTC)</th><th>Agent</th><th>Duration</th><th>Rings</th><th>Ring to answer</th><th>Agent talk share</th><th>Dead air</th><th>Broken rules</th></tr></thead><tbody>"##
                for row in shown {
                    let rings = row.rings.map { String($0) + (row.answered == false ? " (abandoned)" : "") } ?? "–"
                    body += ##"<tr><td><a href="/calls/\##(HTMLText.escape(row.id))">\##(HTMLText.escape(row.sortAt.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")))</a></td>"##
                    body += ##"<td class="agent">\##(HTMLText.escape(row.agent ?? Report.noAgentLabel))</td><td>\##(NumberText.clock(row.durationS))</td><td>\##(HTMLText.escape(rings))</td>"##
                    body += "<td>\(NumberText.seconds(row.ringToAnswerS))</td><td>\(NumberText.percent(row.agentShare))</td><td>\(row.deadAirCount)</td>"
                    body += "<td>\(row.alertCount == 0 ? "none" : HTMLText.escape(row.alerts.replacingOccurrences(of: ",", with: ", ")))</td></tr>"
                }
                body += "</tbody></table>"
            }
            var pager: [String] = []
            if cursor != nil { pager.append(##"<a href="\##(HTMLText.escape(link(agent: agent, since: sinceText, until: untilText, flagged: flagged, after: nil)))">Newest</a>"##) }
            if rows.count > pageSize, let last = shown.last {
                pager.append(##"<a rel="next" href="\##(HTMLText.escape(link(agent: agent, since: sinceText, until: untilText, flagged: flagged, after: last.cursor)))">Older calls →</a>"##)
            }
            body += ##"<nav class="pager">\##(pager.joined())</nav>"##
            return html("Calls", login: login, body: body)
        } catch {
            return storeAway(error, title: "Calls", login: login)
        }
    }

    func link(agent: String?, since: String, until: String, flagged: Bool, after: CallCursor?) -> String {
        var items: [URLQueryItem] = []
        if let agent { items.append(URLQueryItem(name: "agent", value: signer.agentToken(agent))) }
        if !since.isEmpty { items.append(URLQueryItem(name: "since", value: since)) }
        if !until.isEmpty { items.append(URLQueryItem(name: "until", value: until)) }
        if flagged { items.append(URLQueryItem(name: "flagged", value: "1")) }
        if let after { items.append(URLQueryItem(name: "after", value: after.token)) }
        var components = URLComponents()
        components.path = "/calls"
        components.queryItems = items.isEmpty ? nil : items
        return components.string ?? "/calls"
    }

    func call(_ id: String, login: Login) async -> Response {
        let open = server.openSessions
        do {
            let summary = try await blocking(seconds: DashboardServer.pageTimeoutS) { try open().summary(id: id) }
            // The shared patterns, placed by the style sheet (the CSP allows no inline style).
            var body = TimelineSVG.definitions.replacingOccurrences(of: #" style="position:absolute""#, with: #" class="timeline-defs""#)
            body += ##"<h1>Call \##(HTMLText.escape(summary.session.id))</h1>"##
            body += HTMLReportRenderer.legend
            body += HTMLReportRenderer.callSection(summary)
            if login.role == .supervisor {
                body += ##"<form method="post" action="/calls/\##(HTMLText.escape(summary.session.id))/delete">"##
                body += ##"<input type="hidden" name="csrf" value="\##(HTMLText.escape(signer.csrfToken(for: login)))">"##
                body += ##"<button class="danger" type="submit">Delete this call</button></form>"##
            }
            return html("Call", login: login, body: body)
        } catch let error as StoreError {
            if case .notFound = error {
                return html("Call", login: login, status: .notFound, body: "<h1>Call</h1><p>No stored session has this id.</p>")
            }
            return storeAway(error, title: "Call", login: login)
        } catch {
            return storeAway(error, title: "Call", login: login)
        }
    }

    func delete(_ id: String, request: Request, login: Login) async throws -> Response {
        guard login.role == .supervisor else {
            return html("Delete", login: login, status: .forbidden, body: "<h1>Delete</h1><p>Only a supervisor may delete calls.</p>")
        }
        var request = request
        let form = Form.parse(try await request.collectBody(upTo: 16 * 1024))
        guard signer.checkCSRF(form["csrf"], for: login) else {
            return html("Delete", login: login, status: .forbidden, body: "<h1>Delete</h1><p>The form was not this server's (CSRF token missing or wrong): open the call again and delete from there.</p>")
        }
        let open = server.openSessions
        do {
            _ = try await blocking(seconds: DashboardServer.pageTimeoutS) { try open().delete(id: id) }
        } catch let error as StoreError {
            if case .notFound = error {
                return html("Delete", login: login, status: .notFound, body: "<h1>Delete</h1><p>No stored session has this id.</p>")
            }
            return storeAway(error, title: "Delete", login: login)
        }
        var response = Response(status: .seeOther)
        response.headers[.location] = "/calls"
        return response
    }

    // MARK: Report

    func report(_ request: Request, login: Login) async -> Response {
        let query = request.uri.queryParameters
        let utc = TimeZone(identifier: "UTC")!
        let now = Date()
        let defaultSince = StoreDate.string(now.addingTimeInterval(-27 * 86_400)).prefix(10)
        let sinceText = query.get("since").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 } ?? String(defaultSince)
        let untilText = query.get("until").map { String($0) } ?? ""
        let unit = Trends.Unit(rawValue: query.get("unit").map { String($0) } ?? "") ?? .day
        var filter = SessionFilter()
        filter.since = StoreDate.parseArgument(sinceText, timeZone: utc)
        filter.until = untilText.isEmpty ? nil : StoreDate.parseArgument(untilText, endOfDay: true, timeZone: utc)
        let bound = filter
        let limits = limits
        let open = server.openSessions
        do {
            let report: Report = try await blocking(seconds: DashboardServer.pageTimeoutS * 2) {
                let sessions = try open()
                if let team = sessions as? TeamSessionStore {
                    return try team.report(bound, limits: limits, reviewCount: 0)
                }
                return Report(summaries: try sessions.summaries(bound).summaries, limits: limits, reviewCount: 0)
            }
            let rows = try await withDeadline(seconds: DashboardServer.pageTimeoutS * 2) { [store] in try await store.trendRows(bound) }
            var body = "<h1>Report</h1>"
            body += ##"<form class="filters" method="get" action="/report">"##
            body += ##"<label>From (UTC) <input type="date" name="since" value="\##(HTMLText.escape(sinceText))"></label>"##
            body += ##"<label>To (UTC) <input type="date" name="until" value="\##(HTMLText.escape(untilText))"></label>"##
            body += ##"<label>Trend per <select name="unit"><option value="day"\##(unit == .day ? " selected" : "")>day</option><option value="week"\##(unit == .week ? " selected" : "")>week</option></select></label>"##
            body += ##"<button type="submit">Show</button></form>"##
            body += "<h2>Per agent</h2>"
            body += report.agents.isEmpty ? "<p>No stored sessions match.</p>" : HTMLReportRenderer.agentTable(report)
            body += "<h2>Trends per \(unit.rawValue)</h2>"
            let series = Trends.series(rows, unit: unit, maxRings: limits.maxRings)
            if series.isEmpty { body += "<p>No calls in this period.</p>" }
            for (agent, points) in series {
                body += ##"<section class="trends" data-agent="\##(HTMLText.escape(agent))"><h3>\##(HTMLText.escape(agent))</h3><div class="charts">"##
                for measure in Trends.measures {
                    body += ##"<div class="chart"><h3>\##(HTMLText.escape(measure.title))</h3>\##(Trends.chart(measure, points: points, agent: agent))</div>"##
                }
                body += "</div></section>"
            }
            return html("Report", login: login, body: body)
        } catch {
            return storeAway(error, title: "Report", login: login)
        }
    }

    // MARK: Health and metrics

    func health() async -> Response {
        do {
            try await withDeadline(seconds: DashboardServer.healthTimeoutS) { [store] in try await store.ping() }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        } catch {
            let reason = error is DeadlineExceeded ? "the store did not answer within \(NumberText.plain(DashboardServer.healthTimeoutS)) s" : "the store is not answering"
            return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "unavailable: \(reason)\n")))
        }
    }

    func metrics() async -> Response {
        let maxRings = limits.maxRings
        do {
            let figures = try await withDeadline(seconds: DashboardServer.healthTimeoutS * 2) { [store] in
                try await store.metrics(maxRings: maxRings, liveSince: Date().addingTimeInterval(-LiveChannel.staleAfterS))
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: MetricsText.render(figures, maxRings: maxRings))))
        } catch {
            return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "unavailable: the store is not answering\n")))
        }
    }
}

/// An `application/x-www-form-urlencoded` body.
enum Form {
    static func parse(_ buffer: ByteBuffer) -> [String: String] {
        let text = String(buffer: buffer)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let key = parts.first else { continue }
            fields[decode(key)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}

/// `/metrics` in the Prometheus text format (0.0.4): team figures only, no labels but the
/// histogram's `le`.
enum MetricsText {
    static func render(_ metrics: DashboardMetrics, maxRings: Int) -> String {
        var lines: [String] = []
        func gauge(_ name: String, _ help: String, _ value: Int) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) gauge")
            lines.append("\(name) \(value)")
        }
        gauge("callpulse_calls", "Calls kept in the session store.", metrics.calls)
        gauge("callpulse_calls_with_ringing", "Calls in the store whose ringing was heard.", metrics.callsWithRinging)
        gauge("callpulse_calls_answered_within_ring_limit", "Calls answered within the ring limit (\(maxRings) rings).", metrics.answeredWithinRingLimit)
        gauge("callpulse_dead_air_silences", "Dead-air silences in the stored calls.", metrics.deadAirSilences)
        gauge("callpulse_agents_live", "Agents whose live monitor published in the last \(Int(LiveChannel.staleAfterS)) s.", metrics.agentsLive)
        let name = "callpulse_ring_to_answer_seconds"
        lines.append("# HELP \(name) Ring-to-answer time of the answered calls in the store.")
        lines.append("# TYPE \(name) histogram")
        for (bound, count) in metrics.ringToAnswerBuckets {
            lines.append("\(name)_bucket{le=\"\(NumberText.plain(bound))\"} \(count)")
        }
        lines.append("\(name)_bucket{le=\"+Inf\"} \(metrics.ringToAnswerCount)")
        lines.append("\(name)_sum \(String(format: "%.3f", metrics.ringToAnswerSumS))")
        lines.append("\(name)_count \(metrics.ringToAnswerCount)")
        return lines.joined(separator: "\n") + "\n"
    }
}
