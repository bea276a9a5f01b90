import RealModule

// The pre-gap test of a burst in steady line noise: is the gap before the onset steady noise,
// and how much of the tone's own band does it hold?

extension ToneDetector {
    /// Spread (standard deviation) of the levels, dB, and of the mean frequencies (cos ω =
    /// 1 - D1 / 2E) of the 50 ms blocks of frames `[start, end)`; `nil` for fewer than two
    /// blocks or a silent one.
    func gapSpreads(from start: Int, to end: Int) -> (levelDb: Double, cosine: Double)? {
        var levels: [Double] = [], cosines: [Double] = []
        var f = start
        while f + Self.blockFrames <= end {
            let sums = energySums(from: f, to: f + Self.blockFrames)
            guard sums.energy > 0, sums.samples > 0 else { return nil }
            levels.append(10 * log10ViaLog2(Double(sums.energy / Float(sums.samples))))
            cosines.append(1 - Double(sums.diff1 / (2 * sums.energy)))
            f += Self.blockFrames
        }
        guard levels.count >= 2 else { return nil }
        return (Self.spread(levels), Self.spread(cosines))
    }

    /// Whether spreads of a gap (`gapSpreads`) are those of steady line noise: levels within
    /// `steadyGapSpreadDb` and mean frequencies within `steadyGapCosineSpread`. Noise and hum
    /// hold both still; music holds neither its notes' levels nor their pitch for long.
    func isSteadyNoise(_ spreads: (levelDb: Double, cosine: Double)) -> Bool {
        spreads.levelDb <= config.steadyGapSpreadDb && spreads.cosine <= Self.steadyGapCosineSpread
    }

    /// Mean frequency spread of steady noise: the cosine of 50 ms noise blocks (100 decimated
    /// samples) wanders about 0.03; one note to the next of a melody moves it 0.1-0.6.
    static let steadyGapCosineSpread = 0.08
    /// A gap judged steady must be this long, frames (0.8 s of the pre-gap second): ringing
    /// pauses 2 s or more, and a short gap says little about what the line carries.
    static let steadyGapFrames = 80

    static func spread(_ values: [Double]) -> Double {
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
    }

    /// Decimated-sample count written by the end of frame `f` (counted back from now).
    func samplesWritten(throughFrame f: Int) -> Int {
        var written = historyWritten
        var g = framesProcessed - 1
        while g > f, g >= framesProcessed - Self.historyFrames {
            written -= Int(frameStats[g % Self.historyFrames][3])
            g -= 1
        }
        return written
    }

    /// Share of the tone's strongest coarse bin a bin needs to count as the tone's own (-6 dB):
    /// the main lobe of each tone of the ring, not another steady tone beside it in the cluster
    /// (a mains harmonic 40-50 Hz away, 15 dB under the ring).
    static let toneBinShare: Float = 0.25

    /// Coarse bin powers (290-600 Hz) of the 100 ms window ending at decimated sample `end`,
    /// into `powers`.
    mutating func coarsePowers(endingAt end: Int) {
        let mask = history.count - 1
        let first = end - windowLength
        for n in 0..<windowLength { scratch[n] = history[(first + n) & mask] * hann[n] }
        goertzel(count: windowLength, coefficients: coarseCoefficients)
    }

    func coarsePower(_ k: Int) -> Float { powers[k / 8][k % 8] }

    /// Mean power of the gap `[start, end)` in the tone's own bins (the 100 ms windows that fit
    /// in it and in the history; see `toneBinShare`) over the tone's power in them now;
    /// infinite unless the gap is steady in the ringing band too (at least three windows whose
    /// 290-600 Hz power spreads at most `steadyGapSpreadDb`): line noise is, music moving
    /// between notes is not. `steadyBandOnly: false` (babble, see `RingConfig.babbleGapSpreadDb`)
    /// drops that last condition.
    mutating func inBandRatio(gapFrom start: Int, to end: Int, steadyBandOnly: Bool = true) -> Double {
        coarsePowers(endingAt: historyWritten)
        var peak: Float = 0
        for k in bestCluster..<min(bestCluster + Self.clusterBins, Self.coarseBinCount) { peak = max(peak, coarsePower(k)) }
        var toneBins: UInt64 = 0
        var tone: Float = 0
        for k in bestCluster..<min(bestCluster + Self.clusterBins, Self.coarseBinCount) where coarsePower(k) >= Self.toneBinShare * peak {
            toneBins |= 1 << UInt64(k)
            tone += coarsePower(k)
        }
        guard tone > 0 else { return .infinity }
        let oldest = max(samplesWritten(throughFrame: start - 1), historyWritten - history.count + 1)
        var windowEnd = samplesWritten(throughFrame: end - 1)
        var inTone: Float = 0
        var bandLevels: [Double] = []
        while windowEnd - windowLength >= oldest {
            coarsePowers(endingAt: windowEnd)
            var band: Float = 0
            for k in 0..<Self.coarseBinCount {
                band += coarsePower(k)
                if toneBins & (1 << UInt64(k)) != 0 { inTone += coarsePower(k) }
            }
            bandLevels.append(10 * log10ViaLog2(Double(max(band, 1e-30))))
            windowEnd -= windowLength
        }
        guard bandLevels.count >= 3, !steadyBandOnly || Self.spread(bandLevels) <= config.steadyGapSpreadDb else { return .infinity }
        return Double(inTone / Float(bandLevels.count) / tone)
    }
}
