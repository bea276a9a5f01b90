/// Accumulates SPEC "Levels" for one channel in constant memory: the speech RMS as a power
/// sum, the noise level as a histogram of non-speech frame levels (for its 10th
/// percentile), and the clipped-sample count.
public struct LevelMeter: Sendable {
    /// Histogram range and resolution, dB re full scale: -140…+10 dBFS in 0.1 dB bins.
    static let histogramLowestDbfs = -140.0
    static let histogramBinDb = 0.1
    static let histogramBins = 1500
    /// SPEC: the noise level is the 10th-percentile non-speech frame.
    static let noisePercentile = 0.10

    public let party: Party
    private var speechPowerSum = 0.0
    private var speechFrames = 0
    private var noiseHistogram: [Int]
    private var noiseFrames = 0
    private var clippedSamples = 0
    private var samples = 0

    public init(party: Party) {
        self.party = party
        noiseHistogram = [Int](repeating: 0, count: Self.histogramBins)
    }

    /// Adds one frame whose speech decision is final.
    public mutating func add(rawPower: Double, clippedSamples clipped: Int, sampleCount: Int, isSpeech: Bool) {
        clippedSamples += clipped
        samples += sampleCount
        if isSpeech {
            speechPowerSum += rawPower
            speechFrames += 1
        } else if rawPower > 0 {
            // Digital silence (exact zeros: a muted line, or the padding after the shorter of
            // two files) is no measurement of the room's noise, and would read as -140 dBFS.
            let bin = Int(saturating: (decibels(power: rawPower) - Self.histogramLowestDbfs) / Self.histogramBinDb)
            noiseHistogram[min(max(bin, 0), Self.histogramBins - 1)] += 1
            noiseFrames += 1
        }
    }

    /// The channel's levels so far.
    public var levels: ChannelLevels {
        let speechDbfs = speechFrames > 0 ? roundedToHundredths(decibels(power: speechPowerSum / Double(speechFrames))) : nil
        var noiseDbfs: Double?
        if noiseFrames > 0 {
            let rank = max(1, Int(saturating: (Self.noisePercentile * Double(noiseFrames)).rounded(.up)))
            var seen = 0
            for (bin, count) in noiseHistogram.enumerated() {
                seen += count
                if seen >= rank {
                    // Bin centre; the 0.1 dB bins bound the error at 0.05 dB.
                    noiseDbfs = roundedToHundredths(Self.histogramLowestDbfs + (Double(bin) + 0.5) * Self.histogramBinDb)
                    break
                }
            }
        }
        let snr = speechDbfs.flatMap { speech in noiseDbfs.map { roundedToHundredths(speech - $0) } }
        let clippedRatio = samples > 0 ? Double(clippedSamples) / Double(samples) : 0
        return ChannelLevels(
            party: party, speechDbfs: speechDbfs, noiseDbfs: noiseDbfs, snrDb: snr,
            clippedRatio: (clippedRatio * 1_000_000).rounded() / 1_000_000
        )
    }
}
