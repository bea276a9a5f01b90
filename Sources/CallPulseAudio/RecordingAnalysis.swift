import CallPulseCore

/// A recording opened for analysis: one WAV file, or two mono files of one call.
public struct RecordingInfo: Equatable, Sendable {
    /// The recording as the summary names it: the file, or `agent+customer` for a pair.
    public var path: String
    /// The file whose time stamp dates the recording (the agent's of a pair): a real path,
    /// never split back out of `path` (a file may be named `a+b.wav`).
    public var firstFilePath: String
    public var format: WAVFormat
    /// Hash of every audio byte read: the recording's identity (SPEC session id).
    public var contentHash: UInt64

    /// The content hash as 16 hex digits.
    public var contentID: String {
        let digits = String(contentHash, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
}

/// Streams recordings through the frame pipeline with a fixed buffer: memory stays flat
/// whatever the length.
public enum RecordingAnalysis {
    /// Sample frames per read: 4096 (0.5 s at 8 kHz, 85 ms at 48 kHz).
    static let blockFrames = 4096

    /// Analyses one WAV file. `layout` nil picks the default for its channel count
    /// (stereo `agent,customer`, mono `agent`).
    public static func analyze(
        path: String, layout: ChannelLayout?, config: AnalyzerConfig = AnalyzerConfig()
    ) throws(WAVError) -> (CallAnalysis, RecordingInfo) {
        var reader = try WAVReader(path: path)
        let format = reader.format
        let layout = layout ?? (format.channelCount == 2 ? .agentCustomer : .agentOnly)
        guard layout.channelCount == format.channelCount else {
            throw WAVError.layoutMismatch(path: path, channels: format.channelCount, layout: layout.rawValue)
        }
        var analyzer = CallAnalyzer(sampleRateHz: format.sampleRateHz, layout: layout, config: config)
        var buffer = [Float](repeating: 0, count: blockFrames * format.channelCount)
        while true {
            let frames = try buffer.withUnsafeMutableBufferPointer { (block) throws(WAVError) -> Int in
                try reader.read(into: block)
            }
            if frames == 0 { break }
            buffer.withUnsafeBufferPointer { block in
                analyzer.process(interleaved: UnsafeBufferPointer(rebasing: block[0..<(frames * format.channelCount)]))
            }
        }
        guard reader.framesRead > 0 else { throw WAVError.noAudio(path: path) }
        let info = RecordingInfo(path: path, firstFilePath: path, format: format, contentHash: reader.contentHash)
        return (analyzer.finish(), info)
    }

    /// The recording's identity (the content hash `analyze` gives it) without analysing it:
    /// decoding alone, for skipping recordings already in the store.
    public static func contentID(path: String) throws(WAVError) -> String {
        var reader = try WAVReader(path: path)
        var buffer = [Float](repeating: 0, count: blockFrames * reader.format.channelCount)
        while try buffer.withUnsafeMutableBufferPointer({ (block) throws(WAVError) -> Int in try reader.read(into: block) }) > 0 {}
        guard reader.framesRead > 0 else { throw WAVError.noAudio(path: path) }
        return RecordingInfo(path: path, firstFilePath: path, format: reader.format, contentHash: reader.contentHash).contentID
    }

    /// Cuts one WAV file holding many calls (a shift) into calls (SPEC "Calls in a shift")
    /// and hands each to `onCall` as it ends, with the frame pipeline run on that call's
    /// audio alone. Returns the recording and its length in frames.
    public static func splitCalls(
        path: String, layout: ChannelLayout?, config: AnalyzerConfig = AnalyzerConfig(),
        shift: CallSplitter.Config = CallSplitter.Config(), onCall: (CallSplitter.Call) -> Void
    ) throws(WAVError) -> (info: RecordingInfo, durationS: Double) {
        var reader = try WAVReader(path: path)
        let format = reader.format
        let layout = layout ?? (format.channelCount == 2 ? .agentCustomer : .agentOnly)
        guard layout.channelCount == format.channelCount else {
            throw WAVError.layoutMismatch(path: path, channels: format.channelCount, layout: layout.rawValue)
        }
        var splitter = CallSplitter(sampleRateHz: format.sampleRateHz, layout: layout, config: config, shift: shift)
        var buffer = [Float](repeating: 0, count: blockFrames * format.channelCount)
        func deliver(_ events: [CallSplitter.Event]) {
            for case .ended(let call) in events { onCall(call) }
        }
        while true {
            let frames = try buffer.withUnsafeMutableBufferPointer { (block) throws(WAVError) -> Int in
                try reader.read(into: block)
            }
            if frames == 0 { break }
            deliver(buffer.withUnsafeBufferPointer { block in
                splitter.process(interleaved: UnsafeBufferPointer(rebasing: block[0..<(frames * format.channelCount)]))
            })
        }
        guard reader.framesRead > 0 else { throw WAVError.noAudio(path: path) }
        deliver(splitter.finish())
        let info = RecordingInfo(path: path, firstFilePath: path, format: format, contentHash: reader.contentHash)
        return (info, roundedToHundredths(Double(reader.framesRead) / Double(format.sampleRateHz)))
    }

    /// Analyses a call recorded as two mono files, one per party (`--agent-file`,
    /// `--customer-file`). Both must have the same sample rate; the shorter is padded with
    /// silence to the longer's length.
    public static func analyze(
        agentPath: String, customerPath: String, config: AnalyzerConfig = AnalyzerConfig()
    ) throws(WAVError) -> (CallAnalysis, RecordingInfo) {
        var agent = try WAVReader(path: agentPath)
        var customer = try WAVReader(path: customerPath)
        for (path, format) in [(agentPath, agent.format), (customerPath, customer.format)] where format.channelCount != 1 {
            throw WAVError.layoutMismatch(path: path, channels: format.channelCount, layout: "mono (one party per file)")
        }
        guard agent.format.sampleRateHz == customer.format.sampleRateHz else {
            throw WAVError.rateMismatch(
                path: customerPath, sampleRateHz: customer.format.sampleRateHz,
                otherPath: agentPath, otherSampleRateHz: agent.format.sampleRateHz
            )
        }
        let rate = agent.format.sampleRateHz
        var analyzer = CallAnalyzer(sampleRateHz: rate, layout: .agentCustomer, config: config)
        var agentBlock = [Float](repeating: 0, count: blockFrames)
        var customerBlock = [Float](repeating: 0, count: blockFrames)
        var stereo = [Float](repeating: 0, count: 2 * blockFrames)
        while true {
            let agentFrames = try readFully(&agent, into: &agentBlock)
            let customerFrames = try readFully(&customer, into: &customerBlock)
            let frames = max(agentFrames, customerFrames)
            if frames == 0 { break }
            for i in 0..<frames {
                stereo[2 * i] = i < agentFrames ? agentBlock[i] : 0
                stereo[2 * i + 1] = i < customerFrames ? customerBlock[i] : 0
            }
            stereo.withUnsafeBufferPointer { block in
                analyzer.process(interleaved: UnsafeBufferPointer(rebasing: block[0..<(2 * frames)]))
            }
        }
        guard agent.framesRead > 0 || customer.framesRead > 0 else { throw WAVError.noAudio(path: agentPath) }
        var format = agent.format
        format.channelCount = 2
        // Mix both hashes so the pair's identity changes if either file does.
        let hash = (agent.contentHash &* 0x9E37_79B9_7F4A_7C15) ^ customer.contentHash
        let info = RecordingInfo(path: agentPath + "+" + customerPath, firstFilePath: agentPath, format: format, contentHash: hash)
        return (analyzer.finish(), info)
    }

    /// Fills `block` unless the file ends first, so that two files stay sample-aligned.
    private static func readFully(_ reader: inout WAVReader, into block: inout [Float]) throws(WAVError) -> Int {
        var total = 0
        while total < block.count {
            let frames = try block.withUnsafeMutableBufferPointer { (buffer) throws(WAVError) -> Int in
                try reader.read(into: UnsafeMutableBufferPointer(rebasing: buffer[total...]))
            }
            if frames == 0 { break }
            total += frames
        }
        return total
    }
}
