import CallPulseCore
import CallPulseTestSupport
import RealModule

/// A channel being assembled: signals added at given times.
struct Track {
    let sampleRateHz: Int
    var samples: [Float]

    init(sampleRateHz: Int, seconds: Double) {
        self.sampleRateHz = sampleRateHz
        samples = [Float](repeating: 0, count: Int(seconds * Double(sampleRateHz)))
    }

    mutating func add(_ signal: [Float], at seconds: Double, gain: Float = 1) {
        let offset = Int((seconds * Double(sampleRateHz)).rounded())
        for (i, value) in signal.enumerated() where offset + i < samples.count && offset + i >= 0 {
            samples[offset + i] += gain * value
        }
    }
}

/// Runs the frame pipeline on channels (one per party of `layout`).
func analyze(_ channels: [[Float]], sampleRateHz: Int, layout: ChannelLayout, blockFrames: Int = 1000) -> CallAnalysis {
    var analyzer = CallAnalyzer(sampleRateHz: sampleRateHz, layout: layout)
    let count = channels.map(\.count).min() ?? 0
    var interleaved = [Float](repeating: 0, count: count * channels.count)
    for (c, channel) in channels.enumerated() {
        for i in 0..<count { interleaved[i * channels.count + c] = channel[i] }
    }
    var start = 0
    while start < count {
        let end = min(count, start + blockFrames)
        interleaved[(start * channels.count)..<(end * channels.count)].withUnsafeBufferPointer { analyzer.process(interleaved: $0) }
        start = end
    }
    return analyzer.finish()
}

/// Frame-level speech agreement of one party's detected segments with the placed truth.
struct FrameScore {
    var truePositive = 0
    var falsePositive = 0
    var falseNegative = 0

    init(detected: [Segment], truth: [Segment], party: Party, frames: Int) {
        var truthFrames = [Bool](repeating: false, count: frames)
        var detectedFrames = truthFrames
        for segment in truth where segment.party == party {
            for f in max(0, segment.startFrame)..<min(frames, segment.endFrame) { truthFrames[f] = true }
        }
        for segment in detected where segment.party == party {
            for f in max(0, segment.startFrame)..<min(frames, segment.endFrame) { detectedFrames[f] = true }
        }
        for f in 0..<frames {
            switch (truthFrames[f], detectedFrames[f]) {
            case (true, true): truePositive += 1
            case (false, true): falsePositive += 1
            case (true, false): falseNegative += 1
            case (false, false): break
            }
        }
    }

    var precision: Double { truePositive + falsePositive == 0 ? 1 : Double(truePositive) / Double(truePositive + falsePositive) }
    var recall: Double { truePositive + falseNegative == 0 ? 1 : Double(truePositive) / Double(truePositive + falseNegative) }
    var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    var falseSpeechS: Double { Double(falsePositive) / 100 }
}
