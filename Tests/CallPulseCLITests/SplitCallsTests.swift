import CallPulseCore
import CallPulseTestSupport
import Foundation
import Testing

/// `analyze --split-calls` on a generated shift (issue 11): the calls as placed, each
/// summary equal to `analyze` of that call's audio cut out of the shift.
@Suite struct SplitCallsTests {
    /// A call's start and end against the placed ones: ring onset detection and the
    /// syllable envelopes move edges by up to ~0.35 s (as LiveCommandTests).
    static let boundaryToleranceS = 0.4

    @Test("a shift of six calls gives six summaries, each equal to analyze of its cut-out audio")
    func sixCalls() throws {
        let fixture = try Fixture()
        let rate = ShiftGenerator.sampleRateHz
        let samples = ShiftGenerator.generate()
        try fixture.writeWAV(samples, name: "shift.wav", channels: 2, rateHz: rate)

        let split = try fixture.run(["analyze", "--split-calls", "--json", fixture.path("shift.wav")])
        #expect(split.status == 0, "stderr: \(split.stderr)")
        let calls = try #require(JSONSerialization.jsonObject(with: Data(split.stdout.utf8)) as? [[String: Any]])
        #expect(calls.count == ShiftGenerator.calls.count, "calls: \(calls.map { ($0["session"] as? [String: Any])?["call"] ?? "" })")

        for (i, placed) in ShiftGenerator.calls.enumerated() where i < calls.count {
            let summary = calls[i]
            let session = try #require(summary["session"] as? [String: Any])
            let call = try #require(session["call"] as? [String: Any])
            let offsetS = try #require(call["offset_s"] as? Double)
            let durationS = try #require(session["duration_s"] as? Double)
            #expect(call["index"] as? Int == i + 1)
            #expect(call["ended_by"] as? String == placed.endedBy, "call \(i + 1)")
            #expect(abs(offsetS - placed.startS) <= Self.boundaryToleranceS, "call \(i + 1) starts at \(offsetS), placed \(placed.startS)")
            #expect(abs(offsetS + durationS - placed.endS) <= Self.boundaryToleranceS, "call \(i + 1) ends at \(offsetS + durationS), placed \(placed.endS)")
            let ring = summary["ring"] as? [String: Any]
            #expect((ring?["rings"] as? Int) == placed.rings, "call \(i + 1) rings")
            if let ring { #expect(ring["answered"] as? Bool == placed.answered, "call \(i + 1) answered") }

            // The call's audio alone, cut where the summary says, through plain `analyze`.
            let first = Int((offsetS * Double(rate)).rounded()), count = Int((durationS * Double(rate)).rounded())
            try fixture.writeWAV(Array(samples[(2 * first)..<(2 * (first + count))]), name: "call\(i + 1).wav", channels: 2, rateHz: rate)
            let alone = try fixture.run(["analyze", "--json", fixture.path("call\(i + 1).wav")])
            #expect(alone.status == 0, "stderr: \(alone.stderr)")
            var a = summary
            var b = try #require(JSONSerialization.jsonObject(with: Data(alone.stdout.utf8)) as? [String: Any])
            for key in ["source", "session"] { a[key] = nil; b[key] = nil }
            #expect(NSDictionary(dictionary: a) == NSDictionary(dictionary: b), "call \(i + 1) differs from its cut-out audio")
        }

        // Text: the shift figures first, from the placed calls: 6 calls, 5 answered, 1 abandoned.
        let text = try fixture.run(["analyze", "--split-calls", fixture.path("shift.wav")])
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("Shift\n"))
        #expect(text.stdout.contains("6 (5 answered, 1 abandoned)"))
    }
}
