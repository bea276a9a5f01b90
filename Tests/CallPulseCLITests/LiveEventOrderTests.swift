import CallPulseAudio
import Foundation
import Testing

/// The live NDJSON events of a labelled Samples call, played through alsa-lib's file plugin:
/// an alert that counts interruptions never comes before the interruption events it counts.
@Suite struct LiveEventOrderTests {
    @Test("the agent-interruptions alert follows the interruptions it counts (call-clean)")
    func alertFollowsItsEvents() throws {
        let fixture = try Fixture()
        // Samples/call-clean.wav (8 kHz pcm16 stereo) as the raw S16 stream the plugin plays.
        var reader = try WAVReader(path: SampleLabels.folder.appendingPathComponent("call-clean.wav").path)
        var samples: [Int16] = []
        var block = [Float](repeating: 0, count: 2 * 4096)
        while true {
            let frames = try block.withUnsafeMutableBufferPointer { try reader.read(into: $0) }
            if frames == 0 { break }
            samples += block[0..<(2 * frames)].map { Int16(max(-32_768, min(32_767, ($0 * 32_768).rounded()))) }
        }
        try fixture.writeRaw(samples, name: "clean.raw")
        try fixture.writeALSAConfig(pcm: "cleancall", raw: "clean.raw")
        let result = try fixture.run(["live", "--one-call", "--no-store", "--device", "cleancall", "--rate", "8000", "--frames", "\(samples.count / 2)"])
        #expect(result.status == 0, "\(result.stderr)")
        let events = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        var agentInterruptionsSoFar = 0
        var alerted = false
        for event in events {
            if event["type"] as? String == "interruption", event["by"] as? String == "agent" { agentInterruptionsSoFar += 1 }
            if event["type"] as? String == "alert", event["rule"] as? String == "agent_interruptions" {
                alerted = true
                let counted = Int(event["value"] as? Double ?? 0)
                #expect(agentInterruptionsSoFar >= counted, "alert counts \(counted) agent interruptions, \(agentInterruptionsSoFar) reported before it")
            }
        }
        // The call was made with two agent interruptions (Samples/call-clean.labels.json).
        #expect(alerted)
        #expect(agentInterruptionsSoFar == 2)
    }
}
