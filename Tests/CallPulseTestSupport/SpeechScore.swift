import CallPulseCore

/// Frame-level agreement of detected speech with placed speech, for one party: the one F1
/// scorer of the tests (voice detection in Core, the Samples calls through the CLI).
public struct SpeechScore: Sendable {
    public var truePositive = 0
    public var falsePositive = 0
    public var falseNegative = 0

    public init(detected: [Segment], truth: [Segment], party: Party, frames: Int) {
        var truthFrames = [Bool](repeating: false, count: frames)
        var detectedFrames = truthFrames
        for segment in truth where segment.party == party {
            for f in max(0, segment.startFrame)..<max(0, min(frames, segment.endFrame)) { truthFrames[f] = true }
        }
        for segment in detected where segment.party == party {
            for f in max(0, segment.startFrame)..<max(0, min(frames, segment.endFrame)) { detectedFrames[f] = true }
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

    public var precision: Double { truePositive + falsePositive == 0 ? 1 : Double(truePositive) / Double(truePositive + falsePositive) }
    public var recall: Double { truePositive + falseNegative == 0 ? 1 : Double(truePositive) / Double(truePositive + falseNegative) }
    public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
}
