import CallPulseCore
import Foundation

/// Publishes `callpulse live`'s tile into the store for the wallboard: the newest tile the
/// monitor handed over, at once when its state changes (at most every `minGapMs`) and
/// otherwise once a second. The capture loop only swaps a value under a lock; the writes
/// run on a task of their own, so a slow or absent store never delays the audio.
public final class LiveStatePublisher: @unchecked Sendable {
    /// A state change is published at most this often, milliseconds.
    public static let minGapMs = 200
    /// An unchanged tile is published this often, milliseconds (its clock moves on).
    public static let periodMs = 1000

    private let lock = NSLock()
    private var latest: LiveTile?
    private var lastSent: LiveTile?
    private var lastSentAt = ContinuousClock.now - .seconds(10)
    private var stopped = false
    private var task: Task<Void, Never>?
    private let writer: any LiveStateWriter
    private let onFailure: @Sendable (String) -> Void

    /// `onFailure` is called once, with the reason, the first time a write fails.
    public init(writer: any LiveStateWriter, onFailure: @escaping @Sendable (String) -> Void) {
        self.writer = writer
        self.onFailure = onFailure
        task = Task { [weak self] in await self?.loop() }
    }

    /// The tile now (called from the capture loop).
    public func update(_ tile: LiveTile) {
        lock.lock()
        latest = tile
        lock.unlock()
    }

    private func take() -> (LiveTile, Bool)? {
        lock.lock()
        defer { lock.unlock() }
        guard let latest, !stopped else { return nil }
        let sinceMs = (ContinuousClock.now - lastSentAt).components
        let elapsedMs = Int(sinceMs.seconds * 1000) + Int(sinceMs.attoseconds / 1_000_000_000_000_000)
        let changed = lastSent.map { $0.state != latest.state || $0.rings != latest.rings || $0.level != latest.level || $0.alert != latest.alert } ?? true
        guard (changed && elapsedMs >= Self.minGapMs) || elapsedMs >= Self.periodMs else { return nil }
        lastSent = latest
        lastSentAt = .now
        return (latest, changed)
    }

    private func loop() async {
        var reported = false
        while !Task.isCancelled {
            if let (tile, _) = take() {
                var stamped = tile
                stamped.atMs = Int64(Date().timeIntervalSince1970 * 1000)
                do {
                    try await writer.publish(stamped)
                } catch {
                    if !reported {
                        reported = true
                        onFailure((error as? StoreError)?.description ?? "\(error)")
                    }
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Stops publishing and takes the tile off the board (waits at most `timeoutS`).
    public func stop(timeoutS: Double = 2) {
        lock.lock()
        stopped = true
        let tile = latest ?? lastSent
        lock.unlock()
        task?.cancel()
        let writer = writer
        let done = DispatchSemaphore(value: 0)
        Task {
            if let tile { try? await writer.remove(agent: tile.agent, monitor: tile.monitor) }
            await writer.close()
            done.signal()
        }
        _ = done.wait(timeout: .now() + timeoutS)
    }
}

extension LiveTile {
    /// The tile of a call in progress, from the monitor's running figures.
    public init(
        agent: String, monitor: String, activity: LiveSnapshot.Activity, summary: Summary, inCallS: Double,
        deadAirMinS: Double, limits: AlertLimits
    ) {
        var state = State.talking
        var rings = summary.ring?.rings
        var silenceS: Double?
        switch activity {
        case .ringing(let heard):
            state = .ringing
            rings = heard
        case .talking:
            // A ring burst reads as sound before the ring detector counts it: before the
            // answer, the call is still ringing.
            if let ring = summary.ring, ring.answeredS == nil {
                state = .ringing
                rings = ring.rings
            } else {
                state = .talking
            }
        case .silence(let seconds):
            state = seconds >= deadAirMinS ? .deadAir : .silence
            silenceS = seconds
        }
        var level = Level.ok
        if !summary.alerts.isEmpty { level = .amber }
        if state == .deadAir || (state == .ringing && (rings ?? 0) > limits.maxRings) { level = .red }
        self.init(
            agent: agent, monitor: monitor, state: state, rings: rings, inCallS: inCallS, talkShare: summary.talk.agentShare,
            silenceS: silenceS, alert: summary.alerts.last?.message, level: level, atMs: 0)
    }
}
