import CallPulseCore
import CallPulseRender
import CallPulseStore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `callpulse serve`: the supervisor's wallboard and call review (SPEC "Supervisor
/// dashboard"). The pages read the store through `DashboardStore` (fast, pooled queries)
/// and, for one call or the report, through the command line's own `SessionStoring`.
public final class DashboardServer: Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// The alert limits the report and the board's colours use.
        public var limits: AlertLimits
        /// The cookie gets `Secure` (a TLS proxy in front).
        public var secureCookies: Bool
        /// Calls per page of `/calls`.
        public var pageSize: Int

        public init(host: String = "127.0.0.1", port: Int = 8080, limits: AlertLimits = AlertLimits(), secureCookies: Bool = false, pageSize: Int = 50) {
            self.host = host
            self.port = port
            self.limits = limits
            self.secureCookies = secureCookies
            self.pageSize = pageSize
        }
    }

    /// How long `/healthz` waits for the store, seconds: the answer comes within this even
    /// when PostgreSQL is stopped or unreachable.
    public static let healthTimeoutS = 2.0
    /// How long a page waits for the store, seconds, before it says the store is away.
    public static let pageTimeoutS = 8.0

    let store: any DashboardStore
    let openSessions: @Sendable () throws -> any SessionStoring
    let options: Options
    let board = LiveBoard()

    public init(store: any DashboardStore, options: Options, openSessions: @escaping @Sendable () throws -> any SessionStoring) {
        self.store = store
        self.options = options
        self.openSessions = openSessions
    }

    /// Runs until SIGINT or SIGTERM. `onListening` gets the bound address (port 0: the
    /// one the system chose).
    public func run(onListening: @escaping @Sendable (String) -> Void) async throws {
        let keyBytes = try await withDeadline(seconds: Self.pageTimeoutS) { [store] in
            try await store.signingKey(proposed: CookieSigner.randomKey())
        }
        let pages = Pages(server: self, signer: CookieSigner(keyBytes: keyBytes))
        let router = Router()
        router.add(middleware: SecurityHeaders())
        pages.register(on: router)

        let feeder = Task { await self.feedBoard() }
        defer { feeder.cancel() }

        var logger = Logger(label: "callpulse.serve")
        logger.logLevel = .error
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                onListening("\(self.options.host):\(port)")
            },
            logger: logger)
        try await app.runService()
    }

    /// Keeps `board` up to date: the store's live changes, a reload after each reconnect,
    /// batches to the browsers every `flushIntervalMs`, and stale tiles dropped.
    func feedBoard() async {
        let store = store
        let board = board
        let listener = Task {
            for await change in store.liveChanges() {
                if case .reload = change {
                    if let tiles = try? await withDeadline(seconds: Self.pageTimeoutS, {
                        try await store.liveTiles(since: Date().addingTimeInterval(-LiveChannel.staleAfterS))
                    }) {
                        await board.reload(tiles)
                    }
                } else {
                    await board.apply(change)
                }
            }
        }
        defer { listener.cancel() }
        var ticks = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(LiveBoard.flushIntervalMs))
            ticks += 1
            if ticks % 5 == 0 { await board.expire(olderThanS: LiveChannel.staleAfterS) }
            if ticks % 75 == 0 { await board.ping() }
            await board.flush()
        }
    }
}

/// Headers on every answer: the Content-Security-Policy (scripts and styles only from this
/// server, nothing inline), no framing, no sniffing, no referrer, nothing cached. One log
/// line per request naming the route's pattern (never an id, a name or a query).
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = Response(status: error.status, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: error.status.reasonPhrase + "\n")))
        } catch {
            // Any other error (a store deadline passed, say) still gets the headers: a plain 500
            // that names nothing of the request.
            response = Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "Internal Server Error\n")))
        }
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let route = context.endpointPath ?? "-"
        if route != "/events" {
            FileHandle.standardError.write(Data("callpulse serve: \(request.method) \(route) \(response.status.code) \(String(format: "%.1f", ms)) ms\n".utf8))
        }
        return response
    }
}
