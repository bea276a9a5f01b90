/// SPEC "Calls in a shift": a capture that holds many calls, cut into calls as it streams.
///
/// A *watcher* (`CallAnalyzer` over the whole capture, never summarised) finds where calls
/// start and end; each call gets its own `CallAnalyzer`, fed the call's audio alone from a
/// short sample history, so a call's figures are, by construction, those `analyze` gives
/// for the cut-out audio. The call's analyzer trails the watcher by `lagFrames`: when the
/// watcher settles a speech segment that ends at frame E, the call's analyzer has not yet
/// passed E, is fed exactly to E and copied (a value copy: the checkpoint). When the line
/// is released, the last checkpoint before the release is finished: the call's audio ends
/// at the end of its last speech, and the idle time after it is no part of the call.
///
/// Cost: per frame, the watcher and (in a call) the call's analyzer; per settled segment,
/// one analyzer copy. Nothing grows with the length of the shift except the watcher's own
/// lists of segments, tone bursts and ring events, which are appended to and read from the
/// last position seen, never walked whole.
///
/// Decisions the SPEC left open:
/// - A call starts on a ring, or on a *settled* line speech segment (an open one may still
///   turn out to be a tone's first frames), back-dated to the agent's segment that ends
///   less than `greetingLeadS` before it (or is still open then).
/// - A call without speech (abandoned) ends at the end of its last tone burst before the
///   release.
/// - A disconnect tone is three bursts in a row on the line channel, each 0.15-0.7 s on
///   with 0.1-0.8 s between (busy, congestion, reorder: 0.2-0.6 s, with detector slack).
/// - `stop` (end of input) keeps everything up to the last sample.
/// - The start can reach back at most `historyS` (the sample history); earlier audio of a
///   very long first utterance is cut off.
public struct CallSplitter: Sendable {
    /// Settings of the splitting (SPEC "Calls in a shift").
    public struct Config: Sendable, Equatable {
        /// The line idle (no speech, no ring) this long ends a call, s (SPEC *default* 20 s).
        public var callEndSilenceS = 20.0
        /// An agent turn ending less than this before the first line speech is the call's
        /// greeting, s (SPEC: 3 s).
        public var greetingLeadS = 3.0

        public init() {}
    }

    /// A call cut out of the capture.
    public struct Call: Sendable {
        /// 1-based number of the call in the shift.
        public var index: Int
        /// Frame of the capture where the call's audio starts.
        public var offsetFrame: Int
        /// The call's audio alone through the frame pipeline.
        public var analysis: CallAnalysis
        public var endedBy: Summary.Call.EndedBy
    }

    public enum Event: Sendable {
        case started(index: Int, offsetFrame: Int)
        case ended(Call)
    }

    /// Frames the call's analyzer trails the watcher: 1 s, over the ~0.3 s a segment end
    /// takes to settle (200 ms bridge, 40 ms look-back) plus the 100 ms examine step.
    static let lagFrames = 100
    /// Sample history kept for back-dating a call's start and for the lag, s.
    public static let historyS = 30
    /// Checkpoints kept per call (the last ones; a disconnect tone picks the one before it).
    static let checkpointLimit = 8
    /// Disconnect tone: bursts in a row, on-time and gap ranges in frames (see header).
    static let disconnectBursts = 3
    static let disconnectOnFrames = 15...70
    static let disconnectGapFrames = 10...80
    /// A fresh watcher's rings start calls only after this many frames: 1 s, longer than the
    /// 0.2-0.6 s bursts and gaps of a disconnect tone that may still be sounding.
    static let ringArmFrames = 100
    /// Frames fed to the watcher between two examinations: 100 ms.
    static let examineFrames = 10

    public let sampleRateHz: Int
    public let layout: ChannelLayout
    public let config: AnalyzerConfig
    public let shift: Config
    /// The analyzer watching the line since the last release (a fresh one after each call:
    /// the ring tracker learns one call's cadence, and its lists stay a call long): what the
    /// view's meters read between calls.
    public private(set) var watcher: CallAnalyzer
    /// Capture frame of the watcher's frame 0.
    private var origin = 0
    /// Capture frame before which a ring does not start a call (the tail of a disconnect tone
    /// heard by a fresh watcher is not a ring).
    private var ringArmedFrame = 0
    private var freshWatcherDue = false
    /// The channel that carries the line: the customer's, else the only one.
    private let lineChannel: Int
    private var history: SampleHistory
    private var seenSegments: [Int]
    private var seenBursts: [Int]
    private var seenRings = 0
    private var open: OpenCall?
    private var callCount = 0
    /// Frame before which no new call may start (the last release).
    private var idleSinceFrame = 0
    /// The agent's latest settled segment (a greeting that may lead into line speech).
    private var lastAgentSegment: Segment?

    private struct OpenCall: Sendable {
        var index: Int
        var startFrame: Int
        var analyzer: CallAnalyzer
        /// Absolute frame up to which `analyzer` has been fed.
        var fedFrame: Int
        var checkpoints: [(frame: Int, analyzer: CallAnalyzer)]
        var hasSpeech = false
        var lastLineActivityFrame: Int
        var shortBursts: [ToneBurst] = []
    }

    public init(sampleRateHz: Int, layout: ChannelLayout, config: AnalyzerConfig = AnalyzerConfig(), shift: Config = Config()) {
        self.sampleRateHz = sampleRateHz
        self.layout = layout
        self.config = config
        self.shift = shift
        watcher = CallAnalyzer(sampleRateHz: sampleRateHz, layout: layout, config: config)
        lineChannel = layout.parties.firstIndex(of: .customer) ?? (layout.channelCount - 1)
        history = SampleHistory(frames: Self.historyS * sampleRateHz, channels: layout.channelCount)
        seenSegments = Array(repeating: 0, count: layout.channelCount)
        seenBursts = Array(repeating: 0, count: layout.channelCount)
    }

    /// The call under way: its number, where it started and its analyzer (trailing the
    /// capture by `lagFrames`), for the live view; `nil` between calls.
    public var currentCall: (index: Int, offsetFrame: Int, analyzer: CallAnalyzer)? {
        open.map { ($0.index, $0.startFrame, $0.analyzer) }
    }

    /// Calls started so far.
    public var callsStarted: Int { callCount }

    /// Feeds interleaved samples, in any amount; returns the calls that started or ended.
    public mutating func process(interleaved samples: UnsafeBufferPointer<Float>) -> [Event] {
        let channels = layout.channelCount
        // Pieces end on whole multiples of the step in the capture, so that a fresh watcher
        // starts on a frame boundary.
        let stepFrames = (sampleRateHz / FrameClock.framesPerSecond) * Self.examineFrames
        var events: [Event] = []
        var start = 0
        while start < samples.count {
            if freshWatcherDue && history.endSample % stepFrames == 0 { startFreshWatcher() }
            let take = stepFrames - history.endSample % stepFrames
            let end = min(samples.count, start + take * channels)
            let piece = UnsafeBufferPointer(rebasing: samples[start..<end])
            history.append(piece)
            watcher.process(interleaved: piece)
            examine(&events)
            start = end
        }
        return events
    }

    /// Ends the capture: a call still open ends `stop`, with every sample up to the end.
    public mutating func finish() -> [Event] {
        guard var call = open else { return [] }
        feed(&call, toSample: history.endSample)
        open = nil
        return [.ended(Call(index: call.index, offsetFrame: call.startFrame, analysis: call.analyzer.finish(), endedBy: .stop))]
    }

    // MARK: - Watching

    private mutating func examine(_ events: inout [Event]) {
        let now = origin + watcher.framesProcessed
        let rings = watcher.ringEvents
        while seenRings < rings.count {
            let onset = origin + rings[seenRings].onsetFrame
            seenRings += 1
            if open == nil && onset >= max(idleSinceFrame, ringArmedFrame) {
                startCall(at: onset, &events)
            }
            open?.lastLineActivityFrame = now
        }
        // New settled segments of every channel, in time order.
        var fresh: [(channel: Int, segment: Segment)] = []
        for c in 0..<layout.channelCount {
            let segments = watcher.settledSegments(channel: c)
            while seenSegments[c] < segments.count {
                var segment = segments[seenSegments[c]]
                segment.startFrame += origin
                segment.endFrame += origin
                fresh.append((c, segment))
                seenSegments[c] += 1
            }
        }
        fresh.sort { $0.segment.startFrame < $1.segment.startFrame }
        for (c, segment) in fresh {
            if c == lineChannel {
                if open == nil && segment.startFrame >= idleSinceFrame {
                    startCall(at: callStart(lineOnsetFrame: segment.startFrame), &events)
                }
                if let last = open?.lastLineActivityFrame { open?.lastLineActivityFrame = max(last, segment.endFrame) }
            } else {
                lastAgentSegment = segment
            }
            if var call = open, segment.endFrame > call.startFrame {
                call.hasSpeech = true
                checkpoint(&call, at: segment.endFrame)
                open = call
            }
        }
        for c in 0..<layout.channelCount {
            let bursts = watcher.toneBursts(channel: c)
            while seenBursts[c] < bursts.count {
                var burst = bursts[seenBursts[c]]
                burst.startFrame += origin
                burst.endFrame += origin
                seenBursts[c] += 1
                guard var call = open, burst.endFrame > call.startFrame else { continue }
                call.lastLineActivityFrame = max(call.lastLineActivityFrame, burst.endFrame)
                if !call.hasSpeech { checkpoint(&call, at: burst.endFrame) }
                if c == lineChannel { noteLineBurst(&call, burst) }
                open = call
            }
        }
        guard var call = open else { return }
        let live = watcher.liveChannels
        if live[lineChannel].openSegment != nil || (0..<layout.channelCount).contains(where: watcher.toneSounding) {
            call.lastLineActivityFrame = now
        }
        if now - Self.lagFrames > call.fedFrame {
            feed(&call, toSample: FrameClock.firstSample(ofFrame: now - Self.lagFrames, sampleRateHz: sampleRateHz))
        }
        open = call
        if call.shortBursts.count >= Self.disconnectBursts {
            endCall(.hangupTone, before: call.shortBursts[0].startFrame, now: now, &events)
        } else if now - call.lastLineActivityFrame >= FrameClock.frames(shift.callEndSilenceS) {
            endCall(.lineSilence, before: Int.max, now: now, &events)
        }
    }

    /// The start of a call whose first line speech starts at `onset`: the agent's greeting
    /// just before it, when there is one.
    private func callStart(lineOnsetFrame onset: Int) -> Int {
        var start = onset
        let lead = FrameClock.frames(shift.greetingLeadS)
        if let greeting = lastAgentSegment, greeting.endFrame > onset - lead, greeting.startFrame < onset,
           greeting.startFrame >= idleSinceFrame {
            start = greeting.startFrame
        }
        for (c, channel) in watcher.liveChannels.enumerated() where c != lineChannel {
            if let agentOpen = channel.openSegment.map({ origin + $0.startFrame }), agentOpen < start, agentOpen >= idleSinceFrame {
                start = agentOpen
            }
        }
        return start
    }

    /// Bursts in a row on the line that sound like a disconnect tone.
    private func noteLineBurst(_ call: inout OpenCall, _ burst: ToneBurst) {
        let short = Self.disconnectOnFrames.contains(burst.endFrame - burst.startFrame)
        guard short else { call.shortBursts = []; return }
        if let previous = call.shortBursts.last, !Self.disconnectGapFrames.contains(burst.startFrame - previous.endFrame) {
            call.shortBursts = []
        }
        call.shortBursts.append(burst)
    }

    // MARK: - The call's own analysis

    private mutating func startCall(at frame: Int, _ events: inout [Event]) {
        // The history reaches back `historyS`: the first whole frame still in it.
        var firstKept = history.startSample * FrameClock.framesPerSecond / sampleRateHz
        while FrameClock.firstSample(ofFrame: firstKept, sampleRateHz: sampleRateHz) < history.startSample { firstKept += 1 }
        let start = max(frame, firstKept, idleSinceFrame)
        callCount += 1
        let analyzer = CallAnalyzer(sampleRateHz: sampleRateHz, layout: layout, config: config)
        open = OpenCall(
            index: callCount, startFrame: start, analyzer: analyzer, fedFrame: start,
            checkpoints: [(start, analyzer)], lastLineActivityFrame: origin + watcher.framesProcessed)
        events.append(.started(index: callCount, offsetFrame: start))
    }

    /// Feeds the call's analyzer to `frame` (or as far as it is, when a segment settled
    /// late) and keeps a copy there.
    private func checkpoint(_ call: inout OpenCall, at frame: Int) {
        if frame > call.fedFrame {
            feed(&call, toSample: FrameClock.firstSample(ofFrame: frame, sampleRateHz: sampleRateHz))
        }
        call.checkpoints.append((call.fedFrame, call.analyzer))
        if call.checkpoints.count > Self.checkpointLimit { call.checkpoints.removeFirst() }
    }

    /// Feeds the call's analyzer from where it is to sample `end` of the capture.
    private func feed(_ call: inout OpenCall, toSample end: Int) {
        let from = FrameClock.firstSample(ofFrame: call.startFrame, sampleRateHz: sampleRateHz)
            + call.analyzer.sampleCountSoFar
        guard end > from else { return }
        history.read(from: from, to: end) { call.analyzer.process(interleaved: $0) }
        call.fedFrame = call.startFrame + call.analyzer.framesProcessed
    }

    private mutating func endCall(_ reason: Summary.Call.EndedBy, before cutoff: Int, now: Int, _ events: inout [Event]) {
        guard let call = open else { return }
        let kept = call.checkpoints.last(where: { $0.frame <= cutoff }) ?? call.checkpoints[0]
        var analyzer = kept.analyzer
        events.append(.ended(Call(index: call.index, offsetFrame: call.startFrame, analysis: analyzer.finish(), endedBy: reason)))
        open = nil
        idleSinceFrame = now
        freshWatcherDue = true
    }

    /// A fresh watcher from the next sample on (at a frame boundary of the capture).
    private mutating func startFreshWatcher() {
        freshWatcherDue = false
        watcher = CallAnalyzer(sampleRateHz: sampleRateHz, layout: layout, config: config)
        origin = history.endSample * FrameClock.framesPerSecond / sampleRateHz
        ringArmedFrame = origin + Self.ringArmFrames
        seenRings = 0
        seenSegments = Array(repeating: 0, count: layout.channelCount)
        seenBursts = Array(repeating: 0, count: layout.channelCount)
    }
}

/// The last `frames` sample frames of a capture, interleaved, in a fixed ring buffer.
struct SampleHistory: Sendable {
    private var samples: [Float]
    private let channels: Int
    private let capacity: Int
    /// Sample frames appended so far (the capture's sample position).
    private(set) var endSample = 0

    init(frames: Int, channels: Int) {
        capacity = frames
        self.channels = channels
        samples = [Float](repeating: 0, count: frames * channels)
    }

    /// First sample frame still held.
    var startSample: Int { max(0, endSample - capacity) }

    mutating func append(_ block: UnsafeBufferPointer<Float>) {
        let frames = block.count / channels
        samples.withUnsafeMutableBufferPointer { buffer in
            var written = 0
            while written < frames {
                let slot = (endSample + written) % capacity
                let take = min(frames - written, capacity - slot)
                for i in 0..<(take * channels) { buffer[slot * channels + i] = block[written * channels + i] }
                written += take
            }
        }
        endSample += frames
    }

    /// Hands sample frames `from..<to` (still held) to `body`, in one or two pieces.
    func read(from: Int, to: Int, _ body: (UnsafeBufferPointer<Float>) -> Void) {
        precondition(from >= startSample && to <= endSample, "sample history no longer holds the call's audio")
        samples.withUnsafeBufferPointer { buffer in
            var position = from
            while position < to {
                let slot = position % capacity
                let take = min(to - position, capacity - slot)
                body(UnsafeBufferPointer(rebasing: buffer[(slot * channels)..<((slot + take) * channels)]))
                position += take
            }
        }
    }
}
