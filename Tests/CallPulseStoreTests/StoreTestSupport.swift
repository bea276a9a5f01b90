import CallPulseCore
import Foundation

/// Hand-built summaries: the figures the store must keep are typed here.
enum StoreFixtures {
    static func summary(
        id: String, agent: String?, startedAt: String?, durationS: Double = 120,
        ring: RingSummary? = nil, agentShare: Double? = 0.5, greetingLatencyS: Double? = 0.8,
        deadAirPauses: Int = 0, agentInterruptions: Int = 0, alerts: [Alert] = [],
        segmentCount: Int = 2
    ) -> Summary {
        var pauses: [Pause] = []
        for index in 0..<deadAirPauses {
            pauses.append(Pause(startFrame: 1000 * (index + 1), endFrame: 1000 * (index + 1) + 600, kind: .pause, before: .agent, after: .agent, deadAir: true))
        }
        pauses.append(Pause(startFrame: 100, endFrame: 220, kind: .gap, before: .agent, after: .customer, deadAir: false))
        pauses.sort { $0.startFrame < $1.startFrame }
        var interruptions: [Interruption] = []
        for index in 0..<agentInterruptions {
            interruptions.append(Interruption(atFrame: 3000 + 500 * index, by: .agent, overlapFrames: 60, takenFloor: true))
        }
        interruptions.append(Interruption(atFrame: 9000, by: .customer, overlapFrames: 70, takenFloor: false))
        var segments: [Segment] = []
        for index in 0..<segmentCount {
            segments.append(Segment(party: index % 2 == 0 ? .agent : .customer, startFrame: index * 300, endFrame: index * 300 + 250))
        }
        return Summary(
            source: .init(kind: "wav", path: "calls/\(id).wav", sampleRateHz: 8000, channels: 2, format: "pcm16", layout: .agentCustomer),
            session: .init(id: id, agent: agent, startedAt: startedAt, durationS: durationS),
            ring: ring,
            talk: .init(agentS: 50, customerS: 50, overlapS: 2, silenceS: 18, agentShare: agentShare, agentPct: 0.42, customerPct: 0.42),
            greetingLatencyS: greetingLatencyS,
            pauses: pauses,
            interruptions: interruptions,
            backchannels: .init(agent: 4, customer: 2),
            turns: .init(count: 12, agentLongestMonologueS: 20, customerLongestMonologueS: 25),
            responseLatency: .init(medianS: 0.5, p90S: 1.1, count: 6),
            switchesPerMin: 5,
            levels: [
                ChannelLevels(party: .agent, speechDbfs: -20, noiseDbfs: -60, snrDb: 40, clippedRatio: 0),
                ChannelLevels(party: .customer, speechDbfs: -24, noiseDbfs: -55, snrDb: 31, clippedRatio: 0),
            ],
            segments: segments,
            alerts: alerts
        )
    }

    static let deadAirAlert = Alert(rule: .deadAir, value: 6, limit: 5, message: "6.00 s of dead air at 0:10.00")
    static let ringsAlert = Alert(rule: .rings, value: 5, limit: 3, message: "answered after 5 rings")
}

/// A fresh folder under the system's temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "callpulse-store-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        _ = try? FileManager.default.removeItem(atPath: path)
    }
}

func fileMode(_ path: String) -> Int? {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
          let mode = attributes[.posixPermissions] as? NSNumber else { return nil }
    return mode.intValue & 0o777
}

/// Runs a program, returns its exit status.
@discardableResult
func runProgram(_ path: String, _ arguments: [String]) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
        try process.run()
    } catch {
        return -1
    }
    process.waitUntilExit()
    return process.terminationStatus
}

/// Mounts a tmpfs of `sizeKiB` on `folder` (read-only with `readOnly`); false when the
/// machine does not allow it (not root, no mount), so the caller can skip.
func mountTmpfs(at folder: String, sizeKiB: Int, readOnly: Bool = false) -> Bool {
    guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
    let options = "size=\(sizeKiB)k,mode=0700" + (readOnly ? ",ro" : "")
    return runProgram("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", folder]) == 0
}

func unmount(_ folder: String) {
    runProgram("/bin/umount", [folder])
}

/// Whether this machine lets the tests mount a tmpfs (root, with /bin/mount): tried once on
/// a scratch folder. Tests that need one are `.enabled(if:)` it, so a skip shows as a skip.
let tmpfsMountable: Bool = {
    let folder = FileManager.default.temporaryDirectory.path + "/callpulse-mount-probe-\(getpid())"
    guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil else { return false }
    defer { try? FileManager.default.removeItem(atPath: folder) }
    guard mountTmpfs(at: folder, sizeKiB: 16) else { return false }
    unmount(folder)
    return true
}()

