import CallPulseCore
import Foundation

/// Runs the built `callpulse` binary, as a user would.
enum CLI {
    /// The package root (this file is Tests/CallPulseCLITests/CLISupport.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary sits beside the test bundle in the build folder.
    static let binary: URL = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("callpulse")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
            folder = folder.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/callpulse")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// The process was ended by a signal (a trap is SIGILL or SIGTRAP): `status` is its number.
        var signaled = false
    }

    /// A private store for every run that names none: tests never touch the user's
    /// own session store.
    static let scratchDataHome = FileManager.default.temporaryDirectory
        .appendingPathComponent("callpulse-cli-tests-\(ProcessInfo.processInfo.processIdentifier)").path

    /// Runs the binary with `environment` laid over this process's (less the `removing`
    /// keys), no standard input, in `directory` (default: the package root). Standard output
    /// goes to `output` when given (then `stdout` is empty), else it is read.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], removing: [String] = [], directory: URL? = nil,
        input: String? = nil, output: FileHandle? = nil
    ) throws -> Result {
        var merged = ProcessInfo.processInfo.environment
        if environment["XDG_DATA_HOME"] == nil { merged["XDG_DATA_HOME"] = scratchDataHome }
        if environment["XDG_STATE_HOME"] == nil { merged["XDG_STATE_HOME"] = scratchDataHome }
        // The runner's own team store settings never reach a test that does not set them.
        for key in ["CALLPULSE_STORE", "PGPASSWORD", "PGPASSFILE", "PGSSLMODE", "PGSSLROOTCERT"] { merged.removeValue(forKey: key) }
        for (key, value) in environment { merged[key] = value }
        for key in removing { merged.removeValue(forKey: key) }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? packageRoot
        process.environment = merged
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = output ?? out
        process.standardError = err
        let inputPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try? inputPipe.fileHandleForWriting.close()
        }
        // Drain stderr on another thread so that neither pipe can fill up and block the child.
        nonisolated(unsafe) var errData = Data()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        let outData = output == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        drained.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self),
            signaled: process.terminationReason == .uncaughtSignal
        )
    }

    /// Decodes `analyze --json` output for one file.
    static func summary(_ result: Result) throws -> Summary {
        try JSONDecoder().decode(Summary.self, from: Data(result.stdout.utf8))
    }
}

/// A Samples label file (see Samples/README.md): the speech placed in a call and the
/// events placed by design.
struct SampleLabels: Decodable {
    struct LabelSegment: Decodable {
        var party: String
        var start_s: Double
        var end_s: Double
    }

    struct Ring: Decodable {
        var rings: Int
        var first_ring_s: Double
        var answered_s: Double?
        var ring_to_answer_s: Double?
        var answered: Bool
        var tone_hz: [Double]
    }

    struct PlacedInterruption: Decodable {
        var by: String
        var at_s: Double
    }

    struct PlacedSilence: Decodable {
        var start_s: Double
        var end_s: Double
    }

    struct Expect: Decodable {
        var interruptions: [PlacedInterruption]?
        var dead_air: [PlacedSilence]?
    }

    var wav: String
    var sample_rate_hz: Int
    var channels: Int
    var layout: String
    var segments: [LabelSegment]
    var ring: Ring?
    var expect: Expect?

    var truth: [Segment] {
        segments.compactMap { label in
            Party(rawValue: label.party).map { Segment(party: $0, startS: label.start_s, endS: label.end_s) }
        }
    }

    static let folder = CLI.packageRoot.appendingPathComponent("Samples")

    static func load(_ name: String) throws -> SampleLabels {
        let url = folder.appendingPathComponent(name)
        return try JSONDecoder().decode(SampleLabels.self, from: Data(contentsOf: url))
    }

    /// Names of every label file in Samples/.
    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".labels.json") }.sorted()
    }
}

/// Seconds a party speaks (the union of its segments) within frames [from, to).
func talkSeconds(_ segments: [Segment], party: Party, fromFrame: Int, toFrame: Int) -> Double {
    var frames = Set<Int>()
    for segment in segments where segment.party == party {
        let start = max(segment.startFrame, fromFrame)
        let end = min(segment.endFrame, toFrame)
        if start < end { frames.formUnion(start..<end) }
    }
    return Double(frames.count) / 100
}
