import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The audio of a live session: one capture PCM (mono or stereo), or two mono PCMs, the
/// headset microphone (agent) and a "line" PCM carrying the far end (customer), joined
/// into stereo `agent,customer`. Delivers interleaved Float blocks of about one period.
public final class LiveCapture {
    /// The devices in channel order.
    public let captures: [ALSACapture]
    public let sampleRateHz: Int
    /// Channels of the delivered blocks.
    public let channelCount: Int
    /// Sample frames one `read` delivers at most.
    public let maxBlockFrames: Int
    /// When set, each block is held back until real time catches up with the audio
    /// delivered (hidden `--pace`): a file-plugin PCM then behaves like a sound card.
    public var pacedToRealTime = false

    /// Per device, samples read but not yet delivered (two-PCM case).
    private var pending: [[Float]]
    private var scratch: [Float]
    private var startNs: UInt64 = 0
    private var framesDelivered = 0

    /// Longest a device may deliver nothing before it counts as hung, seconds: 3 s. A sound
    /// card delivers a period every 40 ms and a sound server within a second; a USB headset
    /// whose driver hangs, or a stalled FIFO, delivers nothing at all.
    public static let stallLimitS = 3.0
    /// How often a wait for the device looks whether the call should end: 50 ms, so Ctrl-C
    /// ends even a hung capture well within a second.
    static let stopCheckMs = 50

    /// Devices are read on this thread: a read that blocks inside alsa-lib or the kernel
    /// (no poll can wake it) holds this thread only, and the session can still end.
    private let worker = DispatchQueue(label: "callpulse.capture")
    private let delivered = DispatchSemaphore(value: 0)
    /// A read runs on the worker now (after a stop or a stall it may never return).
    private var inFlight = false
    private var workerBuffer: [Float]
    private var workerResult: Result<(frames: Int, gapFrames: Int), CaptureError> = .success((0, 0))
    /// The device the worker is reading (index into `captures`), for the stall message.
    private let readingSide = Atomic<Int>(0)

    /// One PCM.
    public init(_ capture: ALSACapture) {
        captures = [capture]
        sampleRateHz = capture.format.sampleRateHz
        channelCount = capture.format.channelCount
        maxBlockFrames = capture.format.periodFrames
        pending = []
        scratch = []
        workerBuffer = [Float](repeating: 0, count: maxBlockFrames * channelCount)
    }

    /// Two mono PCMs of the same rate, `agent` first.
    public init(agent: ALSACapture, line: ALSACapture) throws(CaptureError) {
        guard agent.format.sampleRateHz == line.format.sampleRateHz else {
            throw .rateMismatch(
                device: agent.device, sampleRateHz: agent.format.sampleRateHz,
                otherDevice: line.device, otherSampleRateHz: line.format.sampleRateHz)
        }
        precondition(agent.format.channelCount == 1 && line.format.channelCount == 1, "each side of a two-device capture is mono")
        captures = [agent, line]
        sampleRateHz = agent.format.sampleRateHz
        channelCount = 2
        maxBlockFrames = Self.maxPendingFrames(sampleRateHz: sampleRateHz)
        pending = [[], []]
        scratch = [Float](repeating: 0, count: max(agent.format.periodFrames, line.format.periodFrames))
        workerBuffer = [Float](repeating: 0, count: maxBlockFrames * channelCount)
    }

    /// How far one device may run ahead of the other before its surplus is dropped: 1 s.
    /// Two sound cards' clocks drift apart (about 100 ppm, 0.36 s an hour); without a bound
    /// the faster one's backlog would grow for the whole shift.
    static func maxPendingFrames(sampleRateHz: Int) -> Int { sampleRateHz }

    /// A name for the summary's `source.path`: the device, or `MIC+LINE`.
    public var deviceLabel: String { captures.map(\.device).joined(separator: "+") }

    /// Sample format of the first device (the summary's `source.format`).
    public var formatName: String { captures[0].format.sampleFormat.rawValue }

    public var gapCount: Int { captures.reduce(0) { $0 + $1.gapCount } }

    /// Reads the next block into `samples` (room for `maxBlockFrames * channelCount`).
    /// Returns the sample frames written and the frames of silence that stand for a
    /// capture gap just before them (0 when there was none); `nil` when `shouldStop` said so
    /// while waiting. A device that delivers nothing for `stallLimitS` throws `.stalled`.
    /// The wait looks at `shouldStop` every 50 ms, whether or not the device answers.
    public func read(
        into samples: UnsafeMutableBufferPointer<Float>, shouldStop: () -> Bool = { false }
    ) throws(CaptureError) -> (frames: Int, gapFrames: Int)? {
        if startNs == 0 { startNs = ALSACapture.monotonicNs() }
        if !inFlight {
            inFlight = true
            nonisolated(unsafe) let capture = self
            worker.async {
                capture.workerResult = capture.workerBuffer.withUnsafeMutableBufferPointer { buffer in
                    Result { () throws(CaptureError) in try capture.readBlock(into: buffer) }
                }
                capture.delivered.signal()
            }
        }
        let waitStartNs = ALSACapture.monotonicNs()
        while delivered.wait(timeout: .now() + .milliseconds(Self.stopCheckMs)) == .timedOut {
            if shouldStop() { return nil }
            let waitedS = Double(ALSACapture.monotonicNs() - waitStartNs) / 1e9
            if waitedS >= Self.stallLimitS {
                throw .stalled(device: captures[readingSide.load(ordering: .relaxed)].device, seconds: Self.stallLimitS)
            }
        }
        inFlight = false
        let result = try workerResult.get()
        let count = (result.frames) * channelCount
        workerBuffer.withUnsafeBufferPointer { source in
            for i in 0..<count { samples[i] = source[i] }
        }
        framesDelivered += result.frames + result.gapFrames
        if pacedToRealTime { pace() }
        return result
    }

    /// Closes the devices; one a read is still stuck in is left open (closing it under
    /// that read would be unsafe), and goes with the process.
    public func close() {
        guard !inFlight else { return }
        for capture in captures { capture.close() }
    }

    /// One block, read on the worker thread.
    private func readBlock(into samples: UnsafeMutableBufferPointer<Float>) throws(CaptureError) -> (frames: Int, gapFrames: Int) {
        let result: (frames: Int, gapFrames: Int)
        if captures.count == 1 {
            switch try captures[0].read(into: samples) {
            case .frames(let count): result = (count, 0)
            case .gap(let lost): result = (0, lost)
            }
        } else {
            result = try readPair(into: samples)
        }
        return result
    }

    private func readPair(into samples: UnsafeMutableBufferPointer<Float>) throws(CaptureError) -> (frames: Int, gapFrames: Int) {
        for side in 0..<2 {
            readingSide.store(side, ordering: .relaxed)
            let outcome = try scratch.withUnsafeMutableBufferPointer { (buffer) throws(CaptureError) -> CaptureRead in
                try captures[side].read(into: buffer)
            }
            switch outcome {
            case .frames(let count): pending[side].append(contentsOf: scratch[0..<count])
            case .gap(let lost):
                // Keep both sides aligned: the lost stretch is silence on this side only.
                // (Counted in that device's `gapCount`.)
                pending[side].append(contentsOf: repeatElement(0, count: min(lost, maxBlockFrames)))
            }
        }
        for side in 0..<2 where pending[side].count > pending[1 - side].count + maxBlockFrames {
            pending[side].removeFirst(pending[side].count - pending[1 - side].count)
        }
        let frames = min(pending[0].count, pending[1].count, maxBlockFrames)
        for i in 0..<frames {
            samples[2 * i] = pending[0][i]
            samples[2 * i + 1] = pending[1][i]
        }
        pending[0].removeFirst(frames)
        pending[1].removeFirst(frames)
        return (frames, 0)
    }

    private func pace() {
        let dueNs = startNs + UInt64(framesDelivered) * 1_000_000_000 / UInt64(sampleRateHz)
        let now = ALSACapture.monotonicNs()
        if dueNs > now {
            var wait = timespec(tv_sec: Int((dueNs - now) / 1_000_000_000), tv_nsec: Int((dueNs - now) % 1_000_000_000))
            var left = timespec()
            while nanosleep(&wait, &left) == -1 && errno == EINTR { wait = left }
        }
    }
}
