import CallPulseCore
import CallPulseTestSupport
import Foundation
import Testing

/// `callpulse analyze` over an archive folder (issue 11): recursive, `-j 2`, output in a
/// stable order, failures listed at the end, a second run skipping what the store has.
@Suite struct ArchiveTests {
    static let fileCount = 200
    /// The files made unreadable, by number.
    static let bad: Set<Int> = [13, 100, 150]

    @Test("a folder of 200 files with 3 bad ones, -j 2, twice: 197 summaries in path order, 3 failures, then all skipped")
    func folderTwice() throws {
        let fixture = try Fixture()
        let rate = 8000
        var expectedPaths: [String] = []
        for n in 0..<Self.fileCount {
            let folder = fixture.path("archive/day\(n / 100)")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let name = "day\(n / 100)/call\(String(format: "%03d", n)).wav"
            if Self.bad.contains(n) {
                // Not audio, a header cut short, and a RIFF file without a WAVE form.
                let bytes: [UInt8] = n == 13 ? Array("not a recording\n".utf8) : n == 100 ? Array("RIFF\u{24}\0\0\0WAVEfmt ".utf8) : Array("RIFF\u{4}\0\0\0AVI ".utf8)
                try Data(bytes).write(to: URL(fileURLWithPath: fixture.path("archive/" + name)))
                continue
            }
            // One second of stereo: a short utterance over noise, different in every file (seed n).
            var generator = SignalGenerator(sampleRateHz: rate, seed: UInt64(n + 1))
            let noise = generator.whiteNoise(seconds: 1, dbfs: -60), voice = generator.utterance(seconds: 0.5, dbfs: -20)
            var samples = [Int16](repeating: 0, count: 2 * rate)
            for i in 0..<rate {
                let agent = Double(noise[i]) + (i >= 2000 && i < 2000 + voice.count ? Double(voice[i - 2000]) : 0)
                samples[2 * i] = Int16(max(-32_768, min(32_767, (agent * 32_768).rounded())))
                samples[2 * i + 1] = Int16((Double(noise[(i + 4000) % rate]) * 32_768).rounded())
            }
            try fixture.writeWAV(samples, name: "archive/" + name, channels: 2, rateHz: rate)
            expectedPaths.append(fixture.path("archive/" + name))
        }

        let first = try fixture.run(["analyze", "--json", "-j", "2", fixture.path("archive")])
        #expect(first.status == 3, "stderr: \(first.stderr)")
        let summaries = try #require(JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [[String: Any]])
        #expect(summaries.count == Self.fileCount - Self.bad.count)
        // In path order, whichever worker finished first.
        #expect(summaries.compactMap { ($0["source"] as? [String: Any])?["path"] as? String } == expectedPaths)
        let lastLine = try #require(first.stderr.split(separator: "\n").last)
        #expect(lastLine.hasPrefix("callpulse: error: 3 of 200 files could not be analysed: "))
        for n in Self.bad { #expect(lastLine.contains(String(format: "call%03d.wav", n))) }
        #expect(first.stderr.split(separator: "\n").count == 4, "one line per failed file, then the list")

        let second = try fixture.run(["analyze", "--json", "-j", "2", fixture.path("archive")])
        #expect(second.status == 3)
        #expect(second.stdout.isEmpty)
        #expect(second.stderr.contains("197 of 200 recordings already in the session store were skipped"))

        let forced = try fixture.run(["analyze", "--json", "-j", "2", "--force", fixture.path("archive/day1")])
        let again = try #require(JSONSerialization.jsonObject(with: Data(forced.stdout.utf8)) as? [[String: Any]])
        #expect(again.count == 100 - 2)
    }
}
