import CallPulseCore
import CallPulseTestSupport
import Testing

/// `CallSplitter` on the generated shift, fed as live capture and file reading feed it: the
/// calls, their analyses and their places do not depend on the block sizes.
@Suite struct CallSplitterTests {
    struct CutCall: Equatable {
        var index: Int
        var offsetFrame: Int
        var analysis: CallAnalysis
        var endedBy: Summary.Call.EndedBy
    }

    /// The shift's calls, the audio fed in blocks of `blockFrames` sample frames (cycled).
    static func split(blockFrames: [Int], sampleRateHz: Int = ShiftGenerator.sampleRateHz) -> (started: [Int], calls: [CutCall]) {
        let samples = ShiftGenerator.generate(sampleRateHz: sampleRateHz).map { Float($0) / 32768 }
        var splitter = CallSplitter(sampleRateHz: sampleRateHz, layout: .agentCustomer)
        var started: [Int] = []
        var calls: [CutCall] = []
        func note(_ events: [CallSplitter.Event]) {
            for event in events {
                switch event {
                case .started(_, let offsetFrame): started.append(offsetFrame)
                case .ended(let call): calls.append(CutCall(index: call.index, offsetFrame: call.offsetFrame, analysis: call.analysis, endedBy: call.endedBy))
                }
            }
        }
        samples.withUnsafeBufferPointer { all in
            var position = 0
            var block = 0
            while position < all.count {
                let end = min(all.count, position + 2 * blockFrames[block % blockFrames.count])
                note(splitter.process(interleaved: UnsafeBufferPointer(rebasing: all[position..<end])))
                position = end
                block += 1
            }
        }
        note(splitter.finish())
        return (started, calls)
    }

    @Test func theSameCallsWhateverTheBlockSizes() {
        // ALSA periods of 10 ms; WAV reader blocks; odd sizes that straddle every step.
        let periods = Self.split(blockFrames: [80])
        #expect(periods.calls.count == ShiftGenerator.calls.count)
        #expect(periods.started == periods.calls.map(\.offsetFrame))
        #expect(periods.calls.map(\.endedBy.rawValue) == ShiftGenerator.calls.map(\.endedBy))
        for sizes in [[4096], [1, 997, 13, 8000, 333]] {
            let other = Self.split(blockFrames: sizes)
            #expect(other.started == periods.started, "blocks \(sizes)")
            #expect(other.calls == periods.calls, "blocks \(sizes)")
        }
    }

    /// At 11 025 Hz a frame is 110 or 111 samples: examinations must still fall on frame
    /// boundaries every 10 frames, or calls start and end where the 8 kHz shift does not.
    @Test func theSameCallsAt11025Hz() {
        let reference = Self.split(blockFrames: [80])
        let odd = Self.split(blockFrames: [441], sampleRateHz: 11_025)
        #expect(odd.calls.map(\.endedBy) == reference.calls.map(\.endedBy))
        for (call, expected) in zip(odd.calls, reference.calls) {
            #expect(abs(call.offsetFrame - expected.offsetFrame) <= 1, "call \(call.index): frame \(call.offsetFrame), at 8 kHz \(expected.offsetFrame)")
            // Ends are the last speech, which the detector places a few frames apart at another rate.
            #expect(abs(call.analysis.durationS - expected.analysis.durationS) <= 0.05, "call \(call.index): \(call.analysis.durationS) s, at 8 kHz \(expected.analysis.durationS) s")
        }
    }
}
