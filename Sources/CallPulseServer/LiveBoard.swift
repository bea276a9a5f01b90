import CallPulseCore
import CallPulseStore
import Foundation

/// The wallboard's tiles in this `serve`, fed by the store's live changes, and the browsers
/// watching it. Changes are sent in batches every `flushIntervalMs`: 200 monitors publishing
/// once a second make 5 small messages a second per browser, not 200.
actor LiveBoard {
    private var tiles: [String: LiveTile] = [:]
    /// When this `serve` last heard from each tile's monitor (its own clock: the monitors'
    /// clocks may differ).
    private var heardAt: [String: Date] = [:]
    private var dirty: Set<String> = []
    private var removed: Set<String> = []
    /// The browsers watching: whose login (the per-user cap) and where their batches go.
    private var watchers: [UUID: (user: String, continuation: AsyncStream<String>.Continuation)] = [:]

    /// Milliseconds between batches to the browsers.
    static let flushIntervalMs = 200

    func apply(_ change: LiveChange) {
        switch change {
        case .tile(let tile):
            tiles[tile.agent] = tile
            heardAt[tile.agent] = Date()
            dirty.insert(tile.agent)
            removed.remove(tile.agent)
        case .gone(let agent, let monitor):
            guard let tile = tiles[agent], monitor.isEmpty || tile.monitor == monitor else { return }
            drop(agent)
        case .reload:
            break
        }
    }

    /// Replaces the board with `fresh` (after a reconnect: what changed meanwhile is lost).
    func reload(_ fresh: [LiveTile]) {
        let names = Set(fresh.map(\.agent))
        for agent in tiles.keys where !names.contains(agent) { drop(agent) }
        for tile in fresh where tiles[tile.agent] != tile {
            tiles[tile.agent] = tile
            dirty.insert(tile.agent)
            removed.remove(tile.agent)
        }
        for tile in fresh { heardAt[tile.agent] = Date() }
    }

    private func drop(_ agent: String) {
        tiles[agent] = nil
        heardAt[agent] = nil
        dirty.remove(agent)
        removed.insert(agent)
    }

    /// Drops the tiles whose monitors fell silent.
    func expire(olderThanS seconds: Double) {
        let cutoff = Date().addingTimeInterval(-seconds)
        for (agent, at) in heardAt where at < cutoff { drop(agent) }
    }

    var count: Int { tiles.count }

    /// Browsers watching at once, at most: each holds a connection and a task; more is 503
    /// (a wallboard per supervisor and per wall screen is a few dozen).
    static let maxWatchers = 256
    /// Streams one login may hold at once: a few tabs and wall screens, not the whole cap.
    static let maxWatchersPerUser = 16

    /// Whether one more stream for `user` fits under both caps. Asked before the answer's
    /// head is sent; the stream itself registers in `watch` once its body runs (a client
    /// gone in between then holds nothing). Two streams racing past the check can overshoot
    /// a cap by one each, no more.
    func admits(user: String) -> Bool {
        watchers.count < Self.maxWatchers && watchers.values.lazy.filter { $0.user == user }.count < Self.maxWatchersPerUser
    }

    /// A new browser: the whole board first, then the batches.
    func watch(user: String) -> (UUID, AsyncStream<String>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(64))
        continuation.yield(Self.event("board", tiles.values.sorted { $0.agent < $1.agent }))
        watchers[id] = (user, continuation)
        return (id, stream)
    }

    func unwatch(_ id: UUID) {
        watchers[id]?.continuation.finish()
        watchers[id] = nil
    }

    /// Sends what changed since the last batch.
    func flush() {
        guard !dirty.isEmpty || !removed.isEmpty else { return }
        var messages: [String] = []
        if !dirty.isEmpty {
            messages.append(Self.event("tiles", dirty.compactMap { tiles[$0] }.sorted { $0.agent < $1.agent }))
        }
        if !removed.isEmpty {
            let names = JSONWriter.compact(removed.sorted())
            messages.append("event: gone\ndata: \(names)\n\n")
        }
        dirty.removeAll()
        removed.removeAll()
        let text = messages.joined()
        for watcher in watchers.values { watcher.continuation.yield(text) }
    }

    /// A keep-alive comment (proxies close silent connections).
    func ping() {
        for watcher in watchers.values { watcher.continuation.yield(": ping\n\n") }
    }

    static func event(_ name: String, _ tiles: [LiveTile]) -> String {
        "event: \(name)\ndata: [" + tiles.map { $0.json() }.joined(separator: ",") + "]\n\n"
    }
}
