import CallPulseAudio
import CallPulseCore
import Testing

/// Stereo silence in blocks of `blockFrames`, with one capture gap of `gapFrames` before the
/// block that starts at `gapAt` seconds.
private final class SilenceSource: LiveAudioSource {
    let sampleRateHz: Int
    let channelCount = 2
    let maxBlockFrames: Int
    var gapCount = 0
    private var left: Int
    private var gapAtFrame: Int
    private let gapFrames: Int
    private var given = 0

    init(rateHz: Int, seconds: Int, blockFrames: Int, gapAtS: Int, gapFrames: Int) {
        sampleRateHz = rateHz
        maxBlockFrames = blockFrames
        left = rateHz * seconds
        gapAtFrame = rateHz * gapAtS
        self.gapFrames = gapFrames
    }

    func read(into buffer: UnsafeMutableBufferPointer<Float>, shouldStop: () -> Bool) throws(CaptureError) -> (frames: Int, gapFrames: Int)? {
        var gap = 0
        if given >= gapAtFrame {
            gap = min(gapFrames, left)
            left -= gap
            given += gap
            gapAtFrame = .max
            gapCount += 1
        }
        guard left > 0 || gap > 0 else { return nil }
        let frames = min(left, maxBlockFrames)
        for index in 0..<(frames * 2) { buffer[index] = 0 }
        left -= frames
        given += frames
        return (frames, gap)
    }

    func close() {}
}

private final class TickSink: LiveSessionSink {
    let cadence: LiveSession.Cadence = .audioFrames(10)
    var ticks: [Double] = []
    var endedAtS: Double?
    func wantsUpdateNow() -> Bool { false }
    func gap(_ event: LiveEvent) {}
    func update(_ snapshot: LiveSnapshot, events: [LiveEvent], tick: Bool, atS: Double) -> Bool {
        if tick { ticks.append(atS) }
        return true
    }
    func finish(_ summary: Summary, atS: Double) { endedAtS = atS }
    func recordingFailed(_ error: WAVError) {}
    func idle(sinceS: Double, shift: ShiftFigures, atS: Double) { ticks.append(atS) }
    func shiftEnded(_ shift: ShiftFigures, atS: Double) { endedAtS = atS }
}

/// NDJSON ticks come each whole second of audio whatever the device's period, the rate
/// (11 025 Hz frames are 110 or 111 samples) or a capture gap of an odd length, in one-call
/// and in shift mode.
@Suite struct LiveTickTests {
    @Test(arguments: [8000, 11025, 22050], [false, true])
    func ticksOnWholeSeconds(rateHz: Int, shiftMode: Bool) {
        let seconds = 120
        let source = Summary.Source(kind: "test", path: "ticks", sampleRateHz: rateHz, channels: 2, format: "float", layout: .agentCustomer)
        let session = Summary.Session(id: "0000000000000001", agent: nil, startedAt: nil, durationS: 0)
        let live = LiveSession(
            source: source, session: session, layout: .agentCustomer, sampleRateHz: rateHz, config: AnalyzerConfig(),
            conversation: ConversationConfig(), limits: AlertLimits(), frameLimit: nil, clockNs: { 1 },
            shift: shiftMode ? CallSplitter.Config() : nil)
        let sink = TickSink()
        var recorder: WAVWriter?
        // 40 ms periods, and 0.337 s lost at 30 s (the gap is fed as silence).
        let audio = SilenceSource(rateHz: rateHz, seconds: seconds, blockFrames: rateHz * 40 / 1000, gapAtS: 30, gapFrames: rateHz * 337 / 1000)
        _ = live.run(audio: audio, sink: sink, recorder: &recorder, shouldStop: { false })
        #expect(sink.ticks == (1...seconds).map(Double.init), "\(sink.ticks.filter { $0 != $0.rounded() }.prefix(5))")
        #expect(sink.endedAtS == Double(seconds))
    }
}
