import CallPulseAudio
import CallPulseCore
import CallPulseTestSupport
import Testing

/// A recorded call delivered in device-sized blocks, with one capture gap.
private final class RecordedAudio: LiveAudioSource {
    let sampleRateHz: Int
    let channelCount = 2
    let maxBlockFrames: Int
    private(set) var gapCount = 0
    private let samples: [Float]
    private var position = 0
    /// Sample frame before which the device "lost" `gapFrames`.
    private let gapAt: Int
    private let gapFrames: Int
    private(set) var closed = false

    init(samples: [Float], sampleRateHz: Int, blockFrames: Int, gapAt: Int, gapFrames: Int) {
        self.samples = samples
        self.sampleRateHz = sampleRateHz
        maxBlockFrames = blockFrames
        self.gapAt = gapAt
        self.gapFrames = gapFrames
    }

    func read(into buffer: UnsafeMutableBufferPointer<Float>, shouldStop: () -> Bool) throws(CaptureError) -> (frames: Int, gapFrames: Int)? {
        let total = samples.count / channelCount
        guard position < total else { return nil }
        let frames = min(maxBlockFrames, total - position)
        for i in 0..<(frames * channelCount) { buffer[i] = samples[position * channelCount + i] }
        var gap = 0
        if position <= gapAt && gapAt < position + frames && gapCount == 0 {
            gap = gapFrames
            gapCount = 1
        }
        position += frames
        return (frames, gap)
    }

    func close() { closed = true }
}

/// Keeps what the session hands it, as a test sees it.
private final class RecordingSink: LiveSessionSink {
    let cadence: LiveSession.Cadence
    var gaps: [LiveEvent] = []
    var events: [LiveEvent] = []
    var ticks: [Double] = []
    var updates = 0
    var finished: (summary: Summary, atS: Double)?

    init(cadence: LiveSession.Cadence) { self.cadence = cadence }
    func wantsUpdateNow() -> Bool { false }
    func gap(_ event: LiveEvent) { gaps.append(event) }
    func update(_ snapshot: LiveSnapshot, events: [LiveEvent], tick: Bool, atS: Double) -> Bool {
        updates += 1
        self.events += events
        if tick { ticks.append(atS) }
        return !events.isEmpty || tick
    }
    func finish(_ summary: Summary, atS: Double) { finished = (summary, atS) }
    func recordingFailed(_ error: WAVError) {}
}

@Suite struct LiveSessionTests {
    static let rateHz = 8000

    /// Agent, then customer, then the agent again, over a quiet floor: 12 s of stereo.
    static func call() -> [Float] {
        var signal = SignalGenerator(sampleRateHz: rateHz, seed: 7)
        var agent = signal.whiteNoise(seconds: 12, dbfs: -65)
        var customer = signal.whiteNoise(seconds: 12, dbfs: -65)
        for (startS, party) in [(1.0, 0), (4.0, 1), (7.5, 0)] {
            let voice = signal.utterance(seconds: 2.0, dbfs: -20)
            let start = signal.sampleCount(startS)
            for i in voice.indices {
                if party == 0 { agent[start + i] += voice[i] } else { customer[start + i] += voice[i] }
            }
        }
        var interleaved = [Float](repeating: 0, count: agent.count * 2)
        for i in agent.indices {
            interleaved[2 * i] = agent[i]
            interleaved[2 * i + 1] = customer[i]
        }
        return interleaved
    }

    static func liveSession(frameLimit: Int? = nil, clock: @escaping () -> UInt64) -> LiveSession {
        let source = Summary.Source(kind: "test", path: "call", sampleRateHz: rateHz, channels: 2, format: "float", layout: .agentCustomer)
        let session = Summary.Session(id: "0000000000000001", agent: nil, startedAt: nil, durationS: 0)
        return LiveSession(
            source: source, session: session, layout: .agentCustomer, sampleRateHz: rateHz, config: AnalyzerConfig(),
            conversation: ConversationConfig(), limits: AlertLimits(), frameLimit: frameLimit, clockNs: clock)
    }

    @Test("the session's summary is the offline one of the same audio, the gap counted as silence")
    func sameAsOffline() {
        let samples = Self.call()
        let gapAt = 5 * Self.rateHz, gapFrames = Self.rateHz / 4
        let audio = RecordedAudio(samples: samples, sampleRateHz: Self.rateHz, blockFrames: 160, gapAt: gapAt, gapFrames: gapFrames)
        let sink = RecordingSink(cadence: .audioFrames(10))
        let session = Self.liveSession(clock: { 0 })
        var recorder: WAVWriter?
        let result = session.run(audio: audio, sink: sink, recorder: &recorder, shouldStop: { false })

        // Offline: the same samples with the lost quarter second as zeros, in front of the block that reported it.
        let blockStart = (gapAt / 160) * 160
        var offline = Array(samples[0..<(blockStart * 2)])
        offline += [Float](repeating: 0, count: gapFrames * 2)
        offline += samples[(blockStart * 2)...]
        var analyzer = CallAnalyzer(sampleRateHz: Self.rateHz, layout: .agentCustomer)
        offline.withUnsafeBufferPointer { analyzer.process(interleaved: $0) }
        let expected = SummaryBuilder.build(analysis: analyzer.finish(), source: session.source, session: session.session)

        #expect(result.summaries.first == expected)
        #expect(result.deviceError == nil)
        #expect(audio.closed)
        #expect(sink.finished?.summary == expected)
        #expect(sink.gaps == [.gap(atS: 5.0, lostS: 0.25)])
        #expect(result.summaries[0].segments.count == 3)
        // One tick a second of audio (at the first check past each second), the events in time order.
        #expect(sink.ticks.count == 12)
        #expect(zip(sink.ticks, 1...12).allSatisfy { $0 >= Double($1) && $0 < Double($1) + 0.1 })
        #expect(sink.events.map(\.atS) == sink.events.map(\.atS).sorted())
    }

    @Test("the frame limit ends the session; output delays come from the injected clock")
    func frameLimitAndClock() {
        let audio = RecordedAudio(samples: Self.call(), sampleRateHz: Self.rateHz, blockFrames: 80, gapAt: -1, gapFrames: 0)
        var now: UInt64 = 0
        // Each reading of the clock is 1 ms later.
        let session = Self.liveSession(frameLimit: 3 * Self.rateHz, clock: { now += 1_000_000; return now })
        let sink = RecordingSink(cadence: .wallClock(intervalNs: 50_000_000))
        var recorder: WAVWriter?
        let result = session.run(audio: audio, sink: sink, recorder: &recorder, shouldStop: { false })
        #expect(result.summaries[0].session.durationS == 3.0)
        #expect(sink.ticks.isEmpty)
        #expect(session.outputs == sink.updates)
        #expect(sink.updates > 0)
        #expect(session.outputDelaysNs.allSatisfy { $0 > 0 })
    }
}
