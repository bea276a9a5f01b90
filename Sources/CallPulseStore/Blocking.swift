import Foundation

/// The commands are synchronous (`ParsableCommand`); postgres-nio is async. This runs one
/// async job to its end on the concurrency pool and waits for it on the calling thread,
/// which is never one of the pool's.
final class BlockingResult<T>: @unchecked Sendable {
    var value: Result<T, any Error>?
}

func runBlocking<T>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let result = BlockingResult<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do {
            result.value = .success(try await body())
        } catch {
            result.value = .failure(error)
        }
        done.signal()
    }
    done.wait()
    return try result.value!.get()
}
