// callpulse-serve-bench: the wallboard under load (issue 13). Simulates N agents whose
// monitors publish their tile into the team store once a second (the same
// `PostgresDashboardStore.publish` that `callpulse live` uses: upsert + NOTIFY), while
// reading a running `callpulse serve`'s /events through curl; each tile carries the time it
// was published, so the delay from publish to the browser's stream is measured per tile.
// Run by `.ci/bench-serve` (release build); by hand:
//
//     callpulse-serve-bench --store postgres://… --events http://127.0.0.1:PORT/events \
//         --cookie 'callpulse_session=…' --agents 200 --seconds 30
import CallPulseStore
import Foundation

struct Options {
    var store = ""
    var events = ""
    var cookie = ""
    var agents = 200
    var seconds = 30.0
    /// Seconds at the start whose delays are not counted (connections opening).
    var warmUpS = 3.0

    init(_ arguments: [String]) {
        var index = 1
        while index + 1 < arguments.count {
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--store": store = value
            case "--events": events = value
            case "--cookie": cookie = value
            case "--agents": agents = Int(value) ?? agents
            case "--seconds": seconds = Double(value) ?? seconds
            default: break
            }
            index += 2
        }
    }
}

final class Delays: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    var published = 0
    func add(_ value: Double) { lock.lock(); values.append(value); lock.unlock() }
    func notePublished() { lock.lock(); published += 1; lock.unlock() }
    var sorted: [Double] { lock.lock(); defer { lock.unlock() }; return values.sorted() }
}

func nowMs() -> Double { Date().timeIntervalSince1970 * 1000 }

let options = Options(CommandLine.arguments)
guard !options.store.isEmpty, !options.events.isEmpty else {
    FileHandle.standardError.write(Data("usage: callpulse-serve-bench --store URL --events URL --cookie C [--agents N] [--seconds S]\n".utf8))
    exit(2)
}
let startMs = nowMs()
let delays = Delays()

// The reader: curl -N on /events, one `data:` line per batch of tiles.
let curl = Process()
curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
curl.arguments = ["curl", "-s", "-N", "--max-time", String(options.seconds + 5), "-H", "Cookie: \(options.cookie)", options.events]
let pipe = Pipe()
curl.standardOutput = pipe
try curl.run()
let reading = Thread {
    var pending = Data()
    while true {
        let data = pipe.fileHandleForReading.availableData
        if data.isEmpty { break }
        let arrivedMs = nowMs()
        pending.append(data)
        while let newline = pending.firstIndex(of: 10) {
            let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
            pending = Data(pending[(newline + 1)...])
            guard line.hasPrefix("data: ["), arrivedMs - startMs > options.warmUpS * 1000 else { continue }
            if let tiles = try? JSONDecoder().decode([LiveTile].self, from: Data(line.dropFirst(6).utf8)) {
                for tile in tiles where tile.agent.hasPrefix("bench") { delays.add(arrivedMs - Double(tile.atMs)) }
            }
        }
    }
}
reading.start()

let store = try PostgresDashboardStore(url: TeamStoreURL(options.store), maximumConnections: 8)
let done = DispatchSemaphore(value: 0)
Task.detached {
    await withTaskGroup(of: Void.self) { group in
        for index in 0..<options.agents {
            group.addTask {
                let agent = String(format: "bench%03d", index)
                let states: [LiveTile.State] = [.idle, .ringing, .talking, .silence, .talking]
                // Spread over the second, as monitors started at different times are.
                try? await Task.sleep(for: .milliseconds(index * 1000 / max(options.agents, 1)))
                var second = 0
                while nowMs() - startMs < options.seconds * 1000 {
                    let state = states[(second / 4 + index) % states.count]
                    let tile = LiveTile(
                        agent: agent, monitor: "bench", state: state, rings: state == .ringing ? 1 + second % 3 : nil,
                        inCallS: Double(second), talkShare: 0.5, level: .ok, atMs: Int64(nowMs()))
                    do { try await store.publish(tile); delays.notePublished() } catch {}
                    second += 1
                    try? await Task.sleep(for: .milliseconds(1000))
                }
                try? await store.remove(agent: agent, monitor: "bench")
            }
        }
    }
    done.signal()
}
done.wait()
curl.waitUntilExit()
let sorted = delays.sorted
func percentile(_ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}
print(String(format: "agents %d, %.0f s: %d tiles published, %d seen on /events after %.0f s warm-up; delay median %.0f ms, p99 %.0f ms, max %.0f ms",
             options.agents, options.seconds, delays.published, sorted.count, options.warmUpS, percentile(0.5), percentile(0.99), sorted.last ?? .nan))
