import CallPulseAudio
import Foundation
import Testing

/// A seeded mutational fuzzer for the WAV reader and the sample decoders (issue 9: "keep it
/// so"). Seeds: every encoding (PCM 8/16/24/32, float 32/64, mu-law, A-law), plain and
/// WAVE_FORMAT_EXTENSIBLE, mono and stereo, with chunks before and after `data`, an odd
/// chunk and the unknown data sizes 0 and 0xFFFFFFFF. Each input is a seed mutated 1-8 times
/// (bit flips, interesting bytes and 32-bit sizes, truncation, insertion, chunk splices),
/// written to a memory file and read to the end through the real `WAVReader`.
///
/// What must hold for every input: no trap (the test process would die), either a
/// `WAVError` or samples that are finite and within ±1000 (the reader refuses larger
/// float samples), and never more frames than the data chunk declares.
///
/// CI runs a bounded slice (30 000 inputs, a few seconds). A long run:
/// `CALLPULSE_FUZZ_INPUTS=1000000 CALLPULSE_FUZZ_SEED=1 swift test -c release --filter WAVFuzz`.
@Suite("WAV reader fuzzing")
struct WAVFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let inputs = environment["CALLPULSE_FUZZ_INPUTS"].flatMap(Int.init) ?? 30_000
    static let seed = environment["CALLPULSE_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x9_2025

    /// The seed corpus: every format and container case the reader knows.
    static var seeds: [[UInt8]] {
        var corpus: [[UInt8]] = []
        let encodings: [SampleEncoding] = [.pcm8, .pcm16, .pcm24, .pcm32, .float32, .float64, .mulaw, .alaw]
        for encoding in encodings {
            for channels in [1, 2] {
                let samples = interleavedSine(frames: 40, rateHz: 8000, frequenciesHz: [440, 1000].prefix(channels).map { $0 }, amplitudes: [0.5, 0.25].prefix(channels).map { $0 })
                let data = encode(samples, as: encoding)
                let (tag, bits) = tagAndBits(encoding)
                corpus.append(wavFile(fmt: fmtBody(tag: tag, channels: channels, rateHz: 8000, bits: bits), data: data))
                corpus.append(wavFile(
                    fmt: fmtBody(tag: tag, channels: channels, rateHz: 16_000, bits: bits, extensibleSubformat: tag),
                    data: data, before: [chunk("LIST", Array("INFOodd".utf8))], after: [chunk("JUNK", [1, 2, 3])]))
                corpus.append(wavFile(fmt: fmtBody(tag: tag, channels: channels, rateHz: 48_000, bits: bits), data: data, dataSize: 0))
                corpus.append(wavFile(fmt: fmtBody(tag: tag, channels: channels, rateHz: 11_025, bits: bits), data: data, dataSize: 0xFFFF_FFFF))
            }
        }
        return corpus
    }

    @Test("mutated WAV files: an error or sane samples, never a trap")
    func mutatedFilesNeverTrap() throws {
        let corpus = Self.seeds
        var generator = SeededGenerator(seed: Self.seed)
        let file = try MemoryFile()
        var buffer = [Float](repeating: 0, count: 4096)
        var readable = 0, refused = 0
        let started = Date()
        for _ in 0..<Self.inputs {
            var bytes = corpus[Int(generator.next() % UInt64(corpus.count))]
            for _ in 0...(generator.next() % 8) {
                Self.mutate(&bytes, corpus: corpus, using: &generator)
            }
            try file.replace(with: bytes)
            do {
                var reader = try WAVReader(path: file.path)
                let channels = reader.format.channelCount
                var frames = 0
                while true {
                    let count = try buffer.withUnsafeMutableBufferPointer { try reader.read(into: $0) }
                    if count == 0 { break }
                    frames += count
                    for sample in buffer[0..<(count * channels)] where !(sample.isFinite && abs(sample) <= 1000) {
                        Issue.record("sample \(sample) from \(bytes.count) bytes: \(bytes.prefix(64))")
                        return
                    }
                }
                if let declared = reader.declaredFrameCount, frames > declared {
                    Issue.record("\(frames) frames read, \(declared) declared: \(bytes.prefix(64))")
                    return
                }
                readable += 1
            } catch {
                refused += 1
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print("wav-fuzz: \(Self.inputs) inputs (seed \(Self.seed), \(corpus.count) seeds) in \(String(format: "%.1f", seconds)) s: \(readable) read, \(refused) refused, no finding")
        #expect(readable > 0 && refused > 0, "the mutations reach both the readable and the refused paths")
    }

    /// One mutation of `bytes`.
    static func mutate(_ bytes: inout [UInt8], corpus: [[UInt8]], using generator: inout SeededGenerator) {
        func index(_ count: Int) -> Int { count == 0 ? 0 : Int(generator.next() % UInt64(count)) }
        let interesting32: [UInt32] = [0, 1, 2, 3, 0x7F, 0x80, 0xFF, 0xFFFF, 0x8000_0000, 0x7FFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFE, 16, 18, 40, 44]
        switch generator.next() % 7 {
        case 0 where !bytes.isEmpty:  // flip a bit
            bytes[index(bytes.count)] ^= UInt8(1) << UInt8(generator.next() % 8)
        case 1 where !bytes.isEmpty:  // an interesting byte
            bytes[index(bytes.count)] = [0, 1, 0x7F, 0x80, 0xFF, 0xFE][index(6)]
        case 2 where bytes.count >= 4:  // an interesting 32-bit size (header fields are in the first 60 bytes)
            let at = index(min(bytes.count - 3, 60))
            let value = interesting32[index(interesting32.count)] &+ UInt32(truncatingIfNeeded: Int(generator.next() % 3) - 1)
            for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
        case 3:  // truncate
            bytes.removeLast(min(bytes.count, index(bytes.count + 1)))
        case 4:  // insert random bytes
            let at = index(bytes.count + 1)
            bytes.insert(contentsOf: (0..<(1 + index(16))).map { _ in UInt8(truncatingIfNeeded: generator.next()) }, at: at)
        case 5:  // splice: the head of this input, the tail of another seed
            let other = corpus[index(corpus.count)]
            bytes = Array(bytes.prefix(index(bytes.count + 1))) + Array(other.suffix(index(other.count + 1)))
        default:  // an absurd float sample (NaN, infinity, 1e30) somewhere in the data
            guard bytes.count >= 52 else { return }
            let at = 44 + index(bytes.count - 48)
            let value = [Float.nan, .infinity, 1e30, -1e30, 1001][index(5)].bitPattern
            for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
        }
    }
}

/// A file in memory where there is a tmpfs (/dev/shm), rewritten for each input: the
/// reader opens, stats and reads it like any file, without disk I/O.
final class MemoryFile {
    let descriptor: Int32
    let path: String

    init() throws {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : FileManager.default.temporaryDirectory.path
        path = folder + "/callpulse-fuzz-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).wav"
        descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    func replace(with bytes: [UInt8]) throws {
        guard ftruncate(descriptor, 0) == 0,
              bytes.withUnsafeBytes({ pwrite(descriptor, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
    }
}
