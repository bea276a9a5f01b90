// callpulse-bench: measures the whole `callpulse analyze` path, file to summary.
//
// It writes 8 kHz stereo pcm16 calls of the requested lengths (speech-like bursts that
// alternate between the parties, overlaps, leakage at -25 dB, a noise floor), then runs
// the release `callpulse analyze --json` binary on each, pinned to one core with taskset
// when available, and reports times real time and the child's peak resident memory
// (getrusage via wait4). Build and run:
//
//     swift build -c release && .build/release/callpulse-bench
//
// Options: `--hours 1,10` (lengths), `--runs 3` (median of), `--keep DIR` (where to put
// the generated calls; default a temporary folder, removed afterwards).
//
// Two rows per length: `analyze --json --no-store` (the analysis path the targets are for:
// >= 10 000x real time on one core, <= 30 MB peak RSS), and the same run keeping the
// session in a scratch store (SQLite), which adds a fixed cost.
import CallPulseAudio
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One line on standard error.
func complain(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

struct BenchOptions {
    var hours: [Double] = [1, 10]
    var runs = 3
    var directory: String?

    init(arguments: [String]) {
        var index = 1
        while index < arguments.count {
            let flag = arguments[index]
            let value = index + 1 < arguments.count ? arguments[index + 1] : ""
            switch flag {
            case "--hours": hours = value.split(separator: ",").compactMap { Double($0) }
            case "--runs": runs = max(1, Int(value) ?? 3)
            case "--keep": directory = value
            default:
                complain("callpulse-bench: unknown option \(flag); use --hours 1,10 --runs 3 --keep DIR")
                exit(2)
            }
            index += 2
        }
    }
}

/// A reproducible two-party call: each party talks in turns of 2-12 s made of 150-400 ms
/// voiced "syllables" (a sawtooth at a pitch of 90-250 Hz drawn per syllable, with a fifth
/// of noise for breath, as a voice is periodic and the detector asks for it), with 0.2-3 s gaps, a 5 % chance of a long silence and
/// a 10 % chance that the other party starts 0.8 s early (an overlap).
struct SyntheticCall {
    let sampleRateHz = 8000
    private var state: UInt64 = 0x2545_F491_4F6C_DD1D

    private mutating func nextUniform() -> Float {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Float(state >> 40) / Float(1 << 24)
    }

    /// Writes `seconds` of audio to `path`.
    mutating func write(seconds: Double, to path: String) throws {
        var writer = try WAVWriter(path: path, sampleRateHz: sampleRateHz, channelCount: 2, encoding: .pcm16)
        let total = Int(seconds * Double(sampleRateHz))
        let blockFrames = 8192
        var block = [Float](repeating: 0, count: 2 * blockFrames)
        var speaker = 0
        var turnLeft = 0
        var silenceLeft = sampleRateHz
        var syllableLeft = 0
        var syllableLength = 1
        var pitchStep: Float = 0
        var pitchPhase: (Float, Float) = (0, 0)
        var overlapLeft = 0
        var lowPass: (Float, Float) = (0, 0)
        let leakGain: Float = 0.056  // -25 dB
        let noiseGain: Float = 0.0006  // about -64 dBFS
        var written = 0
        while written < total {
            let frames = min(blockFrames, total - written)
            for i in 0..<frames {
                if silenceLeft > 0 {
                    silenceLeft -= 1
                } else if turnLeft == 0 {
                    turnLeft = Int((2 + 10 * nextUniform()) * Float(sampleRateHz))
                    speaker = 1 - speaker
                    overlapLeft = nextUniform() < 0.1 ? Int(0.8 * Float(sampleRateHz)) : 0
                }
                var voice: (Float, Float) = (0, 0)
                if silenceLeft == 0 && turnLeft > 0 {
                    turnLeft -= 1
                    if syllableLeft == 0 {
                        syllableLength = Int((0.15 + 0.25 * nextUniform()) * Float(sampleRateHz))
                        syllableLeft = syllableLength
                        pitchStep = (90 + 160 * nextUniform()) / Float(sampleRateHz)
                    }
                    syllableLeft -= 1
                    let phase = Float(syllableLeft) / Float(syllableLength)
                    let envelope = 0.25 * (1 - abs(2 * phase - 1))
                    pitchPhase.0 += pitchStep
                    pitchPhase.0 -= pitchPhase.0.rounded(.down)
                    let sample = envelope * (0.8 * (pitchPhase.0 - 0.5) + 0.2 * (nextUniform() - 0.5))
                    if speaker == 0 { voice.0 = sample } else { voice.1 = sample }
                    if overlapLeft > 0 {
                        overlapLeft -= 1
                        pitchPhase.1 += 0.8 * pitchStep
                        pitchPhase.1 -= pitchPhase.1.rounded(.down)
                        let other = envelope * (0.8 * (pitchPhase.1 - 0.5) + 0.2 * (nextUniform() - 0.5))
                        if speaker == 0 { voice.1 += other } else { voice.0 += other }
                    }
                    if turnLeft == 0 {
                        let draw = nextUniform()
                        silenceLeft = Int((draw < 0.05 ? 6 : 0.2 + 2.8 * nextUniform()) * Float(sampleRateHz))
                    }
                }
                // Voiced colour: a one-pole low-pass, then leakage into the other channel.
                lowPass.0 = 0.6 * lowPass.0 + voice.0
                lowPass.1 = 0.6 * lowPass.1 + voice.1
                block[2 * i] = lowPass.0 + leakGain * lowPass.1 + noiseGain * (nextUniform() - 0.5)
                block[2 * i + 1] = lowPass.1 + leakGain * lowPass.0 + noiseGain * (nextUniform() - 0.5)
            }
            try block.withUnsafeBufferPointer { buffer in
                try writer.write(interleaved: UnsafeBufferPointer(rebasing: buffer[0..<(2 * frames)]))
            }
            written += frames
        }
        try writer.finish()
    }
}

struct Measurement {
    var wallS: Double
    var peakRSSKiB: Int
}

/// Runs `command` and returns its wall time and peak resident memory.
func measure(_ command: [String]) -> Measurement? {
    var pid: pid_t = 0
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let argv = command.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var start = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    guard posix_spawn(&pid, command[0], &actions, nil, argv, environ) == 0 else { return nil }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    var end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &end)
    guard status == 0 else {
        complain("callpulse-bench: \(command.joined(separator: " ")) exited with status \(status)")
        return nil
    }
    let wall = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    return Measurement(wallS: wall, peakRSSKiB: Int(usage.ru_maxrss))
}

let options = BenchOptions(arguments: CommandLine.arguments)
let executableDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let binary = executableDirectory.appendingPathComponent("callpulse").path
guard FileManager.default.isExecutableFile(atPath: binary) else {
    complain("callpulse-bench: \(binary) not found; build it first with `swift build -c release`")
    exit(1)
}
let pin = FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset") ? ["/usr/bin/taskset", "-c", "0"] : []
let directory = options.directory ?? NSTemporaryDirectory() + "callpulse-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

print("callpulse-bench: analyze path (file to JSON summary), 8 kHz stereo pcm16, \(pin.isEmpty ? "not pinned" : "pinned to core 0"), median of \(options.runs)")
print("length  path                          audio_s   wall_s   x_real_time   peak_rss_MiB")
for hours in options.hours {
    let seconds = hours * 3600
    let path = "\(directory)/bench-\(hours)h.wav"
    var call = SyntheticCall()
    try call.write(seconds: seconds, to: path)
    let store = "\(directory)/sessions-\(hours)h.sqlite"
    for (label, storeArguments) in [("analyze --json --no-store", ["--no-store"]), ("analyze --json (store kept)", ["--store", store])] {
        var walls: [Double] = []
        var peak = 0
        for _ in 0..<options.runs {
            guard let result = measure(pin + [binary, "analyze", "--json"] + storeArguments + [path]) else { exit(1) }
            walls.append(result.wallS)
            peak = max(peak, result.peakRSSKiB)
        }
        let wall = walls.sorted()[walls.count / 2]
        let padded = label.padding(toLength: 28, withPad: " ", startingAt: 0)
        print(String(format: "%5.1f h  ", hours) + padded + String(format: "  %7.0f  %7.3f  %12.0f  %13.1f", seconds, wall, seconds / wall, Double(peak) / 1024))
    }
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
    if options.directory == nil { try? FileManager.default.removeItem(atPath: path) }
}
if options.directory == nil { try? FileManager.default.removeItem(atPath: directory) }
