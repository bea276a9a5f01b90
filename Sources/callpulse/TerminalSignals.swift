import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP (end the call) and SIGWINCH (the window was resized), watched
/// with dispatch sources: the signals are ignored at the process level and dispatch
/// delivers them to a queue as ordinary events, so no code runs inside a signal handler.
/// The capture loop polls the flags after every period (10 ms).
/// `@unchecked Sendable`: the flags are atomics; `sources` is touched only by the thread
/// that created the watcher (init and `release`).
final class TerminalSignals: @unchecked Sendable {
    private let stop = Atomic<Bool>(false)
    private let resize = Atomic<Bool>(false)
    private var sources: [DispatchSourceSignal] = []

    init() {
        // A reader that goes away (`| head`) must not kill the session before it is kept.
        signal(SIGPIPE, SIG_IGN)
        for (number, isResize) in [(SIGINT, false), (SIGTERM, false), (SIGHUP, false), (SIGWINCH, true)] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                if isResize {
                    resize.store(true, ordering: .relaxed)
                } else {
                    stop.store(true, ordering: .relaxed)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether the call should end (Ctrl-C, kill, terminal closed).
    var stopRequested: Bool { stop.load(ordering: .relaxed) }

    /// Whether the window was resized since the last call.
    func takeResize() -> Bool { resize.exchange(false, ordering: .relaxed) }

    /// Puts the default actions back: after the session, Ctrl-C ends the program again.
    func release() {
        for source in sources { source.cancel() }
        sources.removeAll()
        for number in [SIGINT, SIGTERM, SIGHUP, SIGWINCH] { signal(number, SIG_DFL) }
    }
}
