import Foundation
import Testing
import CallPulseAudio

/// Not a timed test: prints how fast the reader decodes, for a person to look at. Runs
/// only when asked, in release:
///   CALLPULSE_WAV_THROUGHPUT=1 swift test -c release --filter WAVThroughputCheck
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CALLPULSE_WAV_THROUGHPUT"] != nil))
struct WAVThroughputCheck {
    @Test(arguments: [SampleEncoding.pcm16, .float32])
    func oneHourStereo8kHz(encoding: SampleEncoding) throws {
        let rateHz = 8_000
        let frames = 3_600 * rateHz
        try withTemporaryPath { path in
            var writer = try WAVWriter(path: path, sampleRateHz: rateHz, channelCount: 2, encoding: encoding)
            let block = interleavedSine(frames: rateHz, rateHz: rateHz, frequenciesHz: [440, 1000], amplitudes: [0.5, 0.3]).map { Float($0) }
            let writeStart = ContinuousClock.now
            for _ in 0..<(frames / rateHz) {
                try block.withUnsafeBufferPointer { (pointer) throws(WAVError) in try writer.write(interleaved: pointer) }
            }
            try writer.finish()
            let writeTime = ContinuousClock.now - writeStart

            for bufferFrames in [80, 4_096] {
                let start = ContinuousClock.now
                var reader = try WAVReader(path: path)
                var buffer = [Float](repeating: 0, count: bufferFrames * 2)
                var total = 0
                var checksum: Float = 0
                while true {
                    let got = try buffer.withUnsafeMutableBufferPointer { (pointer) throws(WAVError) in try reader.read(into: pointer) }
                    if got == 0 { break }
                    total += got
                    checksum += buffer[0]
                }
                let hash = reader.contentHash
                let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18
                    + Double((ContinuousClock.now - start).components.seconds)
                let samplesPerSecond = Double(2 * total) / seconds
                print("""
                    WAV throughput \(encoding) 1 h 8 kHz stereo, \(bufferFrames)-frame reads: \
                    \(total) frames in \(seconds) s = \(Int(samplesPerSecond / 1e6)) M samples/s, \
                    \(Int(3_600 / seconds)) x real time (write took \(writeTime)); hash \(hash) \(checksum)
                    """)
                #expect(total == frames)
            }
        }
    }
}
