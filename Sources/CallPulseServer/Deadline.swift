import Foundation

/// A store that did not answer in time: the page says so instead of hanging.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var seconds: Double
    var description: String { "the store did not answer within \(NumberText.plain(seconds)) s" }
}

/// Runs `body`, and returns or throws whatever comes first: its result, or
/// `DeadlineExceeded` after `seconds`. Unlike a task group, this does not wait for `body`
/// to notice its cancellation: a query stuck on a dead connection cannot hold the caller.
func withDeadline<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let gate = OnceGate<T>()
    return try await withCheckedThrowingContinuation { continuation in
        gate.set(continuation)
        let work = Task {
            do { gate.resume(.success(try await body())) } catch { gate.resume(.failure(error)) }
        }
        Task {
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            gate.resume(.failure(DeadlineExceeded(seconds: seconds)))
            work.cancel()
        }
    }
}

/// More blocking store calls at once than `BlockingCalls.limit`: the page says so.
struct StoreBusy: Error, CustomStringConvertible {
    var description: String { "too many requests to the store at once" }
}

/// Counts the blocking store calls (each opens its own store, on PostgreSQL a connection)
/// until their threads end, deadline or not: so a burst of requests, or a store that hangs,
/// holds at most `limit` threads and connections.
enum BlockingCalls {
    static let limit = 8
    private static let lock = NSLock()
    nonisolated(unsafe) private static var running = 0

    static func enter() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard running < limit else { return false }
        running += 1
        return true
    }

    static func leave() {
        lock.lock(); defer { lock.unlock() }
        running -= 1
    }
}

/// Runs blocking `body` (a `SessionStoring` call) on a thread of its own, within `seconds`;
/// `StoreBusy` when `BlockingCalls.limit` such threads run already.
func blocking<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    guard BlockingCalls.enter() else { throw StoreBusy() }
    return try await withDeadline(seconds: seconds) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                defer { BlockingCalls.leave() }
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }
}

private final class OnceGate<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var early: Result<T, any Error>?
    private var done = false

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        lock.lock()
        if let early {
            done = true
            lock.unlock()
            continuation.resume(with: early)
            return
        }
        self.continuation = continuation
        lock.unlock()
    }

    func resume(_ result: Result<T, any Error>) {
        lock.lock()
        guard !done else { lock.unlock(); return }
        guard let continuation else {
            if early == nil { early = result }
            lock.unlock()
            return
        }
        done = true
        self.continuation = nil
        lock.unlock()
        continuation.resume(with: result)
    }
}

/// Numbers as pages print them. A stored figure is not trusted to be finite or in range (an
/// agent's own rows come from its client): those print as "–", never trap.
enum NumberText {
    static func plain(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "–" }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func percent(_ share: Double?) -> String {
        share.map { String(format: "%.0f %%", $0 * 100) } ?? "n/a"
    }

    static func seconds(_ value: Double?) -> String {
        value.map { String(format: "%.1f s", $0) } ?? "n/a"
    }

    /// m:ss
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e15 else { return "–" }
        let whole = max(0, Int(seconds))
        return String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
