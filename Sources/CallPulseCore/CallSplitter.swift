/// SPEC "Calls in a shift": a capture that holds many calls, cut into calls as it streams.
///
/// Between calls a *watcher* (`CallAnalyzer` over the line since the last release, never
/// summarised) looks for a call's start. Once a call starts, the watcher is dropped and the
/// call's own `CallAnalyzer` — fed the call's audio alone, from a short sample history —
/// watches for its end: one analyzer per frame, in a call as between calls. A call's
/// figures are, by construction, those `analyze` gives for the cut-out audio.
///
/// The call's audio ends at the end of its last speech before the release, which the
/// analyzer only knows ~0.3 s later, when that segment settles. So the call keeps, every
/// examination (100 ms), a *restart point* (a value copy of its analyzer) for the last
/// `restartPointLimit` of them, and when a segment settles at frame E a *checkpoint*: the
/// restart point at or before E plus the samples from there to E. At the release the chosen
/// checkpoint is replayed (at most 100 ms of audio) and finished.
///
/// Cost: per frame, one analyzer; per examination, one analyzer copy; per settled segment,
/// up to 100 ms of samples copied; per call, up to 100 ms of audio analysed twice. Nothing
/// grows with the length of the shift: the watcher is fresh after each release, and the
/// lists read per examination (segments, tone bursts, ring events) are read from the last
/// position seen, never walked whole.
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
/// - Starts and ends are decided every `examineFrames` of the capture, at the first sample of
///   each frame whose number is a multiple of it: the same decisions whatever the size of the
///   blocks fed (live periods, file blocks), on frame boundaries at every rate.
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

    /// Restart points kept per call: 7, one per examination, so the oldest is 0.6 s back, over
    /// the ≤ 0.3 s a segment end takes to settle (200 ms bridge, 80 ms look-back) plus the
    /// 100 ms examine step. A segment that settles later is cut at the oldest one. Each is an
    /// analyzer's worth of memory (~75 KB at 8 kHz): 11 took an 8-hour shift's peak from 29.6
    /// to 30.5 MiB.
    static let restartPointLimit = 7
    /// Sample history kept for back-dating a call's start and for checkpoints, s.
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
    /// Frames between two examinations: 100 ms.
    static let examineFrames = 10

    public let sampleRateHz: Int
    public let layout: ChannelLayout
    public let config: AnalyzerConfig
    public let shift: Config
    /// The analyzer watching the line since the last release (a fresh one after each call:
    /// the ring tracker learns one call's cadence, and its lists stay short). Not fed while
    /// a call is open.
    private var watcher: CallAnalyzer
    /// Capture frame of the watcher's frame 0.
    private var origin = 0
    /// Capture frame before which a ring does not start a call (the tail of a disconnect tone
    /// heard by a fresh watcher is not a ring).
    private var ringArmedFrame = 0
    private var freshWatcherDue = false
    /// The channel that carries the line: the customer's, else the only one.
    private let lineChannel: Int
    private var history: SampleHistory
    /// What the watcher has reported and been read.
    private var seen: Seen
    private var open: OpenCall?
    private var callCount = 0
    /// Frame before which no new call may start (the last release).
    private var idleSinceFrame = 0
    /// The agent's latest settled segment (a greeting that may lead into line speech).
    private var lastAgentSegment: Segment?

    /// How many of an analyzer's segments, tone bursts and rings have been read, per channel.
    private struct Seen: Sendable {
        var segments: [Int]
        var bursts: [Int]
        var rings = 0

        init(channels: Int) {
            segments = Array(repeating: 0, count: channels)
            bursts = Array(repeating: 0, count: channels)
        }
    }

    /// Where a call's audio may end: the analyzer at a restart point at or before `frame`,
    /// and the call's interleaved samples from there to `frame`.
    private struct Checkpoint: Sendable {
        var frame: Int
        var base: CallAnalyzer
        var samples: [Float]
    }

    private struct OpenCall: Sendable {
        var index: Int
        var startFrame: Int
        /// The call's analyzer, fed every sample of the call so far.
        var analyzer: CallAnalyzer
        var seen: Seen
        /// Copies of `analyzer`, each with the capture sample it was fed up to, oldest first.
        var restartPoints: [(sample: Int, analyzer: CallAnalyzer)]
        var checkpoints: [Checkpoint]
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
        seen = Seen(channels: layout.channelCount)
    }

    /// The call under way: its number, where it started and its analyzer (fed every sample so
    /// far), for the live view; `nil` between calls.
    public var currentCall: (index: Int, offsetFrame: Int, analyzer: CallAnalyzer)? {
        open.map { ($0.index, $0.startFrame, $0.analyzer) }
    }

    /// Calls started so far.
    public var callsStarted: Int { callCount }

    /// Feeds interleaved samples, in any amount; returns the calls that started or ended.
    public mutating func process(interleaved samples: UnsafeBufferPointer<Float>) -> [Event] {
        let channels = layout.channelCount
        var events: [Event] = []
        var start = 0
        while start < samples.count {
            // Pieces end on the steps of the capture (`nextStep`), so that a fresh watcher starts
            // on a frame boundary and examinations fall on the same samples every time.
            if freshWatcherDue { startFreshWatcher() }
            let step = nextStep(after: history.endSample)
            let take = step - history.endSample
            let end = min(samples.count, start + take * channels)
            let piece = UnsafeBufferPointer(rebasing: samples[start..<end])
            history.append(piece)
            if open != nil {
                open!.analyzer.process(interleaved: piece)
            } else {
                watcher.process(interleaved: piece)
            }
            if history.endSample == step {
                if open == nil { watch(&events) }
                if open != nil { follow(atSample: history.endSample, mayEnd: true, &events) }
            }
            start = end
        }
        return events
    }

    /// The first sample of the next examination after capture sample `position`: the first
    /// sample of the next frame whose number is a multiple of `examineFrames`, so that steps
    /// fall on frame boundaries at every rate (at 11 025 Hz, 1 102 or 1 103 samples apart).
    private func nextStep(after position: Int) -> Int {
        let framesDone = FrameClock.framesComplete(samples: position, sampleRateHz: sampleRateHz)
        return FrameClock.firstSample(ofFrame: (framesDone / Self.examineFrames + 1) * Self.examineFrames, sampleRateHz: sampleRateHz)
    }

    /// Ends the capture: a call still open ends `stop`, with every sample up to the end.
    public mutating func finish() -> [Event] {
        guard var call = open else { return [] }
        open = nil
        return [.ended(Call(index: call.index, offsetFrame: call.startFrame, analysis: call.analyzer.finish(), endedBy: .stop))]
    }

    // MARK: - Between calls: the watcher

    /// Looks at what the watcher reported since the last look for the start of a call.
    private mutating func watch(_ events: inout [Event]) {
        let rings = watcher.ringEvents
        while seen.rings < rings.count {
            let onset = origin + rings[seen.rings].onsetFrame
            seen.rings += 1
            if onset >= max(idleSinceFrame, ringArmedFrame) {
                startCall(at: onset, &events)
                return
            }
        }
        // New settled segments of every channel, in time order.
        var fresh: [(channel: Int, segment: Segment)] = []
        for c in 0..<layout.channelCount {
            let segments = watcher.settledSegments(channel: c)
            while seen.segments[c] < segments.count {
                fresh.append((c, segments[seen.segments[c]].shifted(by: origin)))
                seen.segments[c] += 1
            }
        }
        fresh.sort { $0.segment.startFrame < $1.segment.startFrame }
        for (c, segment) in fresh {
            if c != lineChannel {
                lastAgentSegment = segment
            } else if segment.startFrame >= idleSinceFrame {
                startCall(at: callStart(lineOnsetFrame: segment.startFrame), &events)
                return
            }
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

    /// A fresh watcher from the next sample on (at a frame boundary of the capture).
    private mutating func startFreshWatcher() {
        freshWatcherDue = false
        watcher = CallAnalyzer(sampleRateHz: sampleRateHz, layout: layout, config: config)
        origin = history.endSample * FrameClock.framesPerSecond / sampleRateHz
        ringArmedFrame = origin + Self.ringArmFrames
        seen = Seen(channels: layout.channelCount)
    }

    // MARK: - In a call: the call's own analyzer

    /// Opens a call at `frame` (at most `historyS` back) and brings its analyzer up to now,
    /// one examination step at a time, as if it had run from the call's start.
    private mutating func startCall(at frame: Int, _ events: inout [Event]) {
        // The history reaches back `historyS`: the first whole frame still in it.
        var firstKept = history.startSample * FrameClock.framesPerSecond / sampleRateHz
        while FrameClock.firstSample(ofFrame: firstKept, sampleRateHz: sampleRateHz) < history.startSample { firstKept += 1 }
        let start = max(frame, firstKept, idleSinceFrame)
        callCount += 1
        let analyzer = CallAnalyzer(sampleRateHz: sampleRateHz, layout: layout, config: config)
        let startSample = FrameClock.firstSample(ofFrame: start, sampleRateHz: sampleRateHz)
        let now = history.endSample * FrameClock.framesPerSecond / sampleRateHz
        open = OpenCall(
            index: callCount, startFrame: start, analyzer: analyzer, seen: Seen(channels: layout.channelCount),
            restartPoints: [(startSample, analyzer)], checkpoints: [Checkpoint(frame: start, base: analyzer, samples: [])],
            lastLineActivityFrame: now)
        events.append(.started(index: callCount, offsetFrame: start))
        var position = startSample
        while position < history.endSample {
            let next = min(history.endSample, nextStep(after: position))
            var call = open!
            open = nil
            history.read(from: position, to: next) { call.analyzer.process(interleaved: $0) }
            open = call
            position = next
            if position < history.endSample { follow(atSample: position, mayEnd: false, &events) }
        }
    }

    /// Reads what the call's analyzer reported since the last look, fed up to capture sample
    /// `position`: line activity, checkpoints, a disconnect tone; ends the call on a release
    /// (unless `mayEnd` is false: catching up on audio already past).
    private mutating func follow(atSample position: Int, mayEnd: Bool, _ events: inout [Event]) {
        guard var call = open else { return }
        open = nil
        let now = position * FrameClock.framesPerSecond / sampleRateHz
        call.restartPoints.append((position, call.analyzer))
        if call.restartPoints.count > Self.restartPointLimit { call.restartPoints.removeFirst() }
        let rings = call.analyzer.ringEvents.count
        if call.seen.rings < rings {
            call.seen.rings = rings
            call.lastLineActivityFrame = max(call.lastLineActivityFrame, now)
        }
        // New settled segments of every channel, in time order.
        var fresh: [(channel: Int, segment: Segment)] = []
        for c in 0..<layout.channelCount {
            let segments = call.analyzer.settledSegments(channel: c)
            while call.seen.segments[c] < segments.count {
                fresh.append((c, segments[call.seen.segments[c]].shifted(by: call.startFrame)))
                call.seen.segments[c] += 1
            }
        }
        fresh.sort { $0.segment.startFrame < $1.segment.startFrame }
        for (c, segment) in fresh {
            if c == lineChannel {
                call.lastLineActivityFrame = max(call.lastLineActivityFrame, segment.endFrame)
            } else {
                lastAgentSegment = segment
            }
            call.hasSpeech = true
            checkpoint(&call, at: segment.endFrame)
        }
        for c in 0..<layout.channelCount {
            let bursts = call.analyzer.toneBursts(channel: c)
            while call.seen.bursts[c] < bursts.count {
                var burst = bursts[call.seen.bursts[c]]
                burst.startFrame += call.startFrame
                burst.endFrame += call.startFrame
                call.seen.bursts[c] += 1
                call.lastLineActivityFrame = max(call.lastLineActivityFrame, burst.endFrame)
                if !call.hasSpeech { checkpoint(&call, at: burst.endFrame) }
                if c == lineChannel { noteLineBurst(&call, burst) }
            }
        }
        if call.analyzer.liveChannels[lineChannel].openSegment != nil
            || (0..<layout.channelCount).contains(where: call.analyzer.toneSounding) {
            call.lastLineActivityFrame = max(call.lastLineActivityFrame, now)
        }
        open = call
        guard mayEnd else { return }
        if call.shortBursts.count >= Self.disconnectBursts {
            endCall(.hangupTone, before: call.shortBursts[0].startFrame, now: now, &events)
        } else if now - call.lastLineActivityFrame >= FrameClock.frames(shift.callEndSilenceS) {
            endCall(.lineSilence, before: Int.max, now: now, &events)
        }
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

    /// Keeps where the call's audio would end if it ended at `frame`: the last restart point
    /// at or before it and the samples from there (or, for a segment that settled later than
    /// the restart points reach, the oldest restart point alone).
    private func checkpoint(_ call: inout OpenCall, at frame: Int) {
        let endSample = FrameClock.firstSample(ofFrame: frame, sampleRateHz: sampleRateHz)
        if let restart = call.restartPoints.last(where: { $0.sample <= endSample }) {
            var samples: [Float] = []
            samples.reserveCapacity((endSample - restart.sample) * layout.channelCount)
            history.read(from: restart.sample, to: endSample) { samples.append(contentsOf: $0) }
            call.checkpoints.append(Checkpoint(frame: frame, base: restart.analyzer, samples: samples))
        } else {
            let oldest = call.restartPoints[0]
            call.checkpoints.append(Checkpoint(frame: oldest.sample * FrameClock.framesPerSecond / sampleRateHz, base: oldest.analyzer, samples: []))
        }
        if call.checkpoints.count > Self.checkpointLimit { call.checkpoints.removeFirst() }
    }

    private mutating func endCall(_ reason: Summary.Call.EndedBy, before cutoff: Int, now: Int, _ events: inout [Event]) {
        guard let call = open else { return }
        open = nil
        let kept = call.checkpoints.last(where: { $0.frame <= cutoff }) ?? call.checkpoints[0]
        var analyzer = kept.base
        kept.samples.withUnsafeBufferPointer { analyzer.process(interleaved: $0) }
        events.append(.ended(Call(index: call.index, offsetFrame: call.startFrame, analysis: analyzer.finish(), endedBy: reason)))
        idleSinceFrame = now
        freshWatcherDue = true
    }
}

extension Segment {
    /// The segment moved `frames` later.
    fileprivate func shifted(by frames: Int) -> Segment {
        Segment(party: party, startFrame: startFrame + frames, endFrame: endFrame + frames)
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
