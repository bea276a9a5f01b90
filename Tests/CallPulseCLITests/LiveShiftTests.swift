import CallPulseCore
import CallPulseTestSupport
import Foundation
import Testing

/// `callpulse live` on a generated shift through the ALSA file plugin (issue 11).
@Suite struct LiveShiftTests {
    static let boundaryToleranceS = SplitCallsTests.boundaryToleranceS

    @Test("live on the shift through the ALSA file plugin: call_start/call_end around six calls, each equal to analyze of its cut-out audio, the shift last")
    func liveShift() throws {
        let fixture = try Fixture()
        let rate = ShiftGenerator.sampleRateHz
        let samples = ShiftGenerator.generate()
        try fixture.writeRaw(samples, name: "shift.raw")
        try fixture.writeALSAConfig(pcm: "shift", raw: "shift.raw")
        let live = try fixture.run(["live", "--device", "shift", "--rate", "\(rate)", "--frames", "\(samples.count / 2)", "--agent", "anna"])
        #expect(live.status == 0, "stderr: \(live.stderr)")
        let objects = try live.stdout.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let types = objects.compactMap { $0["type"] as? String }
        #expect(types.filter { $0 == "call_start" }.count == 6)
        #expect(types.filter { $0 == "call_end" }.count == 6)
        #expect(types.last == "shift")
        // Each call's summary right after its call_end.
        for (i, type) in types.enumerated() where type == "call_end" {
            #expect(i + 1 < types.count && types[i + 1] == "summary")
        }
        let summaries = objects.filter { $0["type"] as? String == "summary" }.compactMap { $0["summary"] as? [String: Any] }
        #expect(summaries.count == ShiftGenerator.calls.count)
        var sessionIDs: [String] = []
        for (i, placed) in ShiftGenerator.calls.enumerated() where i < summaries.count {
            let summary = summaries[i]
            let session = try #require(summary["session"] as? [String: Any])
            sessionIDs.append(try #require(session["id"] as? String))
            let call = try #require(session["call"] as? [String: Any])
            let offsetS = try #require(call["offset_s"] as? Double)
            let durationS = try #require(session["duration_s"] as? Double)
            #expect(call["ended_by"] as? String == placed.endedBy, "call \(i + 1)")
            #expect(abs(offsetS - placed.startS) <= Self.boundaryToleranceS, "call \(i + 1) starts at \(offsetS), placed \(placed.startS)")
            #expect(abs(offsetS + durationS - placed.endS) <= Self.boundaryToleranceS, "call \(i + 1) ends at \(offsetS + durationS)")
            let first = Int((offsetS * Double(rate)).rounded()), count = Int((durationS * Double(rate)).rounded())
            try fixture.writeWAV(Array(samples[(2 * first)..<(2 * (first + count))]), name: "call\(i + 1).wav", channels: 2, rateHz: rate)
            let alone = try fixture.run(["analyze", "--no-store", "--json", fixture.path("call\(i + 1).wav")])
            var a = summary
            var b = try #require(JSONSerialization.jsonObject(with: Data(alone.stdout.utf8)) as? [String: Any])
            for key in ["source", "session"] { a[key] = nil; b[key] = nil }
            #expect(NSDictionary(dictionary: a) == NSDictionary(dictionary: b), "live call \(i + 1) differs from its cut-out audio")
        }
        // The shift figures, from the placed calls: 6 calls, 5 answered, 1 abandoned; every
        // call rang at most 3 times, so all answered ones were in time.
        let shift = try #require(objects.last?["shift"] as? [String: Any])
        #expect(shift["calls"] as? Int == 6)
        #expect(shift["answered"] as? Int == 5)
        #expect(shift["abandoned"] as? Int == 1)
        #expect(shift["answered_within_rings"] as? Double == 1)
        let placedInCallS = ShiftGenerator.calls.reduce(0) { $0 + $1.endS - $1.startS }
        let occupancy = try #require(shift["occupancy"] as? Double)
        #expect(abs(occupancy - placedInCallS / ShiftGenerator.lengthS) <= 0.02)
        // Each call is its own session in the store, all of one shift, listed in call order.
        for id in sessionIDs {
            #expect(try fixture.run(["sessions", "show", id, "--json"]).status == 0, "session \(id) not kept")
        }
        let shiftID = try #require(((summaries.first?["session"] as? [String: Any])?["call"] as? [String: Any])?["shift_id"] as? String)
        let listed = try fixture.run(["sessions", "list", "--shift", shiftID, "--json"])
        #expect(listed.status == 0, "stderr: \(listed.stderr)")
        let rows = try #require(JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(rows.compactMap { $0["id"] as? String } == sessionIDs)
        let none = try fixture.run(["sessions", "list", "--shift", "no-such-shift", "--json"])
        #expect(none.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }
}
