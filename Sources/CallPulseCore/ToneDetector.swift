import RealModule

/// A tone the tone detector hears in its latest block, known to be steady or not yet.
struct HeardTone: Sendable, Equatable {
    /// Level of the latest 50 ms in the 0-1 kHz band, dBFS.
    var levelDbfs: Double
    /// Mean centroid of its blocks so far, Hz.
    var pitchHz: Double
}

/// A finished tone burst with what the ring tracker needs to judge it.
struct ToneTrack: Sendable, Equatable {
    var startFrame: Int
    var endFrame: Int
    /// Mean of the block centroids, Hz.
    var centroidHz: Double
    /// Largest minus smallest block centroid, Hz, or of the blocks' peak means (`peakMean`)
    /// when they hold closer; the one block furthest out left out when there are five or more.
    var spreadHz: Double
    /// The tones found by the fine analysis (or the centroid when the burst was too short for it).
    var frequenciesHz: [Double]
    /// Mean 0-1 kHz energy of up to a second before the burst over the burst's energy.
    var preGapRatio: Double
    /// The burst began right where a louder burst of another tone ended: a tone under that one
    /// (a hum harmonic in the ringing band, heard again once a ring stops), the line's background.
    var underLouderTone = false
    /// Start of the run of touching bursts of this pitch that this one ends (its own start
    /// when the burst before it had another pitch or lay further back).
    var runStartFrame = 0

    var lengthFrames: Int { endFrame - startFrame }

    /// This burst and `next`, the same tone lost for a moment in between, as one burst.
    func joined(with next: ToneTrack) -> ToneTrack {
        let weight = Double(lengthFrames), nextWeight = Double(next.lengthFrames)
        let centroid = (centroidHz * weight + next.centroidHz * nextWeight) / max(weight + nextWeight, 1)
        return ToneTrack(
            startFrame: startFrame, endFrame: next.endFrame, centroidHz: centroid,
            spreadHz: max(spreadHz, next.spreadHz, abs(centroidHz - next.centroidHz)),
            // The longer piece's tones: a short one may not have had the fine analysis.
            frequenciesHz: next.lengthFrames > lengthFrames ? next.frequenciesHz : frequenciesHz,
            preGapRatio: preGapRatio, underLouderTone: underLouderTone, runStartFrame: runStartFrame
        )
    }

    var burst: ToneBurst { ToneBurst(startFrame: startFrame, endFrame: endFrame, frequenciesHz: frequenciesHz) }
}

/// Finds steady tones in the ringing band (340-500 Hz: single, dual and amplitude-modulated)
/// in one channel, 10 ms frame by 10 ms frame.
///
/// Stages, cheapest first (DSP-NOTES "Tones and rings"):
/// 1. every input sample: a 3rd-order CIC-shaped FIR decimates to ~2 kHz (3 multiply-adds);
/// 2. every decimated sample: energy of the signal and of its first and second differences
///    (3 multiply-adds, no recursion); over a block they give the mean frequency and a
///    tonality (D1² / (E·D2) is 1 for one frequency, 2/3 for white noise) — the gate;
/// 3. every 50 ms block that passes the gate: 32 Goertzel bins, 290-600 Hz,
///    10 Hz apart, over a 100 ms Hann window; tests of spectral concentration, neighbouring
///    bins and centroid; a state change must hold for 2 blocks;
/// 4. once per burst: 64 Goertzel bins 2 Hz apart over 0.3 s to name the tone(s) to 1 Hz
///    (resolves 413+438 Hz and the 15-40 Hz side bands of AM tones; checks twist).
public struct ToneDetector: Sendable {
    enum Change: Sendable, Equatable {
        /// `backgroundEndFrame`: the burst just before this one ended where this one began, with
        /// another tone and well under this one's energy — a tone under it, not a neighbour; its end frame.
        case started(onsetFrame: Int, centroidHz: Double, preGapRatio: Double, backgroundEndFrame: Int? = nil)
        case ended(ToneTrack)
    }

    // MARK: Tuned constants

    /// Target rate after decimation, Hz: the band of interest ends at 540 Hz (AM side bands).
    static let decimatedTargetHz = 2000.0
    /// Analysis hop, frames (50 ms) and window, frames (100 ms: 10 Hz bins).
    static let blockFrames = 5
    static let windowFrames = 10
    /// Coarse bins: 32 bins from 290 Hz, 10 Hz apart (290-600 Hz).
    static let coarseFirstHz = 290.0
    static let coarseStepHz = 10.0
    static let coarseBinCount = 32
    /// The tone cluster spans 12 coarse bins (110 Hz between outer bin centres): wide enough
    /// for 425+480 Hz and for 420 Hz modulated at 40 Hz (side bands at 380 and 460 Hz).
    static let clusterBins = 12
    /// Neighbouring bins tested on each side of the cluster.
    static let neighbourBins = 3
    /// Fine analysis: 64 bins 2 Hz apart centred on the burst centroid, over 0.3 s.
    static let fineBinCount = 64
    static let fineStepHz = 2.0
    static let fineWindowS = 0.3
    /// Smoothed 0-1 kHz frame energy crossing this share of the burst level marks onset and end.
    static let edgeThreshold: Float = 0.4
    /// Frames of energy history kept (2.56 s: the pre-gap second plus detection delay).
    static let historyFrames = 256
    /// Pre-gap window, frames (1 s), and frames skipped right before the onset.
    static let preGapFrames = 100
    static let preGapGuardFrames = 3
    /// The gate's frequency range, Hz: the ringing band with room for AM side bands and noise.
    static let gateBandHz = 300.0...560.0
    /// Block centroids kept per burst for the steadiness test (64 blocks: 3.2 s, past the longest ring burst).
    static let maxLoggedBlocks = 64
    /// Blocks left out of the steadiness test at each end of a burst: their windows straddle the
    /// onset, or the answer that cuts the ring short.
    static let edgeBlocks = 2
    /// A tone block whose centroid is further than this from the burst's mean ends the burst, Hz
    /// (a tone plan's tone holds to < 1 Hz; the next note of a melody moves ≥ 20 Hz).
    static let maxCentroidJumpHz = 6.0
    /// Bins under this share of the cluster's strongest bin (-10 dB) are left out of the
    /// block centroid: they hold the noise, not the tone's main lobe.
    static let centroidBinShare: Float = 0.1

    // MARK: Fixed after init

    let config: RingConfig
    let sampleRateHz: Int
    let decimation: Int
    /// Decimated sample rate, Hz.
    let decimatedRateHz: Double
    let windowLength: Int
    let fineLength: Int
    /// Polyphase weights of the decimator: input phase p feeds the current, next and
    /// next-but-one output.
    /// Groups of 4 input phases (zero-padded): now, next, later weights of group c at 3c...3c+2.
    var weights: [SIMD4<Float>]
    let weightGroups: Int
    /// Gate limits on cos(ω) of the mean frequency (cos falls as the frequency rises).
    let gateCosHigh: Float
    let gateCosLow: Float
    var hann: [Float]
    var hannFine: [Float]
    var coarseCoefficients: [SIMD8<Float>]
    var coarseHz: [Double]
    let floorPower: Float

    // MARK: Streaming state

    var phase = 0
    var acc0: Float = 0
    var acc1: Float = 0
    var acc2: Float = 0
    var previous1: Float = 0
    var previous2: Float = 0
    /// Decimated samples, a power-of-two ring. (One array per role: each array touched per
    /// frame costs a retain and a release, more than the arithmetic at 8 kHz.)
    var history: [Float]
    var historyWritten = 0
    /// Per frame, a ring: 0-1 kHz energy, energy of the first and second differences, samples.
    var frameStats: [SIMD4<Float>]
    /// Number of frames processed (the next frame's index).
    public private(set) var framesProcessed = 0

    var scratch: [Float]
    /// Per coarse bin: its share of the window energy (reused every block: no allocation).
    var share: [Float]
    var powers: [SIMD8<Float>]
    var fineCoefficients: [SIMD8<Float>]

    var toneRun = 0
    /// The tone heard as of the latest frame (`heardToneNow`).
    var heardTone: HeardTone?
    var offRun = 0
    public internal(set) var toneActive = false
    var burstOnset = 0
    var burstCentroidSum = 0.0
    /// Centroid of each tone block of the current burst (fixed capacity: no allocation).
    var burstCentroids: [Double]
    /// The same for the mean of each block's peaks (`peakMean`), for the steadiness test.
    var burstPeakMeans: [Double]
    /// `peakMean` of the latest block that heard a tone.
    var blockPeakMeanHz = 0.0
    var burstBlocks = 0
    var burstBandSum: Float = 0
    var burstBandFrames = 0
    var burstLastToneFrame = 0
    var burstPreGapRatio = 0.0
    var burstFrequencies: [Double]? = nil
    var lastBurstEnd: Int? = nil
    /// Mean decimated energy per sample of the last burst.
    var lastBurstEnergy: Float = 0
    /// Mean block centroid of the last burst, Hz.
    var lastBurstCentroid = 0.0
    /// Start of the run of touching same-pitch bursts the last burst ended (`ToneTrack.runStartFrame`).
    var lastBurstRunStart = 0
    /// Whether the last burst lay under a louder tone.
    var lastBurstUnder = false
    /// Start of the run the burst sounding now belongs to.
    var burstRunStart = 0
    /// A quieter tone that a louder burst began over: its pitch and the start of its run, so
    /// that it continues that run when it comes back from under the louder one.
    var hiddenRun: (pitchHz: Double, startFrame: Int)? = nil
    /// The burst sounding now began under a louder burst of another tone (`ToneTrack.underLouderTone`).
    var burstUnderLouderTone = false
    /// First coarse bin of the 120 Hz cluster that held the last block's tone.
    var bestCluster = 0

    public init(sampleRateHz: Int, config: RingConfig = RingConfig()) {
        precondition(sampleRateHz >= 4000, "the ring detector needs at least 4 kHz")
        self.config = config
        self.sampleRateHz = sampleRateHz
        let decimation = max(1, Int((Double(sampleRateHz) / Self.decimatedTargetHz).rounded()))
        self.decimation = decimation
        decimatedRateHz = Double(sampleRateHz) / Double(decimation)
        windowLength = Int((decimatedRateHz * Double(Self.windowFrames) / Double(FrameClock.framesPerSecond)).rounded())
        fineLength = Int((decimatedRateHz * Self.fineWindowS).rounded())

        // Three boxcars of `decimation` taps convolved: the impulse response of a 3rd-order CIC,
        // nulls at every multiple of the decimated rate; unity gain at DC.
        var kernel: [Double] = [1]
        for _ in 0..<3 {
            var next = [Double](repeating: 0, count: kernel.count + decimation - 1)
            for (i, k) in kernel.enumerated() { for j in 0..<decimation { next[i + j] += k } }
            kernel = next
        }
        let kernelSum = kernel.reduce(0, +)
        kernel = kernel.map { $0 / kernelSum } + [Double](repeating: 0, count: 3 * decimation - kernel.count)
        let weightsNow = (0..<decimation).map { Float(kernel[decimation - 1 - $0]) }
        let weightsNext = (0..<decimation).map { Float(kernel[2 * decimation - 1 - $0]) }
        let weightsLater = (0..<decimation).map { Float(kernel[3 * decimation - 1 - $0]) }

        let chunks = (decimation + 3) / 4
        func vectors(_ weights: [Float]) -> [SIMD4<Float>] {
            (0..<chunks).map { c in
                var lane = SIMD4<Float>()
                for i in 0..<4 where 4 * c + i < decimation { lane[i] = weights[4 * c + i] }
                return lane
            }
        }
        let vectorNow = vectors(weightsNow), vectorNext = vectors(weightsNext), vectorLater = vectors(weightsLater)
        weights = (0..<chunks).flatMap { [vectorNow[$0], vectorNext[$0], vectorLater[$0]] }
        weightGroups = chunks
        gateCosHigh = Float(Double.cos(2 * Double.pi * Self.gateBandHz.lowerBound / decimatedRateHz))
        gateCosLow = Float(Double.cos(2 * Double.pi * Self.gateBandHz.upperBound / decimatedRateHz))

        hann = Self.hannWindow(windowLength)
        hannFine = Self.hannWindow(fineLength)
        coarseHz = (0..<Self.coarseBinCount).map { Self.coarseFirstHz + Double($0) * Self.coarseStepHz }
        coarseCoefficients = Self.goertzelCoefficients(coarseHz, rateHz: decimatedRateHz)
        fineCoefficients = [SIMD8<Float>](repeating: .zero, count: Self.fineBinCount / 8)
        floorPower = Float(Double.pow(10, config.floorDbfs / 10))

        var capacity = 1
        // Room for the fine window, and for the pre-gap second before an onset that is
        // reported up to 0.4 s late (`startBurst`).
        while capacity < max(fineLength + windowLength, Int(1.5 * decimatedRateHz)) { capacity *= 2 }
        history = [Float](repeating: 0, count: capacity)
        frameStats = [SIMD4<Float>](repeating: .zero, count: Self.historyFrames)
        scratch = [Float](repeating: 0, count: max(fineLength, windowLength))
        share = [Float](repeating: 0, count: Self.coarseBinCount)
        burstCentroids = [Double](repeating: 0, count: Self.maxLoggedBlocks)
        burstPeakMeans = [Double](repeating: 0, count: Self.maxLoggedBlocks)
        powers = [SIMD8<Float>](repeating: .zero, count: Self.fineBinCount / 8)
    }

    // MARK: Per frame

    /// Feeds one 10 ms frame; returns a burst start or end when a block decision changes state.
    mutating func process(frame: UnsafeBufferPointer<Float>) -> Change? {
        let mask = history.count - 1
        let decimation = self.decimation
        let groups = weightGroups
        let vectorized = decimation % 4 == 0
        var phase = self.phase
        var acc0 = self.acc0, acc1 = self.acc1, acc2 = self.acc2
        var y1 = previous1, y2 = previous2
        var written = historyWritten
        let before = written
        // Energy of the samples and of their first and second differences.
        var energy: Float = 0, diff1: Float = 0, diff2: Float = 0
        weights.withUnsafeBufferPointer { w in
            history.withUnsafeMutableBufferPointer { hist in
                let count = frame.count
                var i = 0
                @inline(__always) func emit(_ y: Float) {
                    hist[written & mask] = y
                    written &+= 1
                    let first = y - y1
                    let second = first - (y1 - y2)
                    energy += y * y
                    diff1 += first * first
                    diff2 += second * second
                    y2 = y1
                    y1 = y
                }
                while i < count {
                    if phase == 0 && vectorized && i + decimation <= count {
                        // Whole decimation blocks: three dot products in 4-wide pieces each.
                        let blocks = (count - i) / decimation
                        let start = UnsafeRawPointer(frame.baseAddress! + i)
                        if groups == 1 {
                            // 8 kHz, the telephone rate: one piece, weights held in registers.
                            let now = w[0], next = w[1], later = w[2]
                            for b in 0..<blocks {
                                let x = start.loadUnaligned(fromByteOffset: 16 &* b, as: SIMD4<Float>.self)
                                emit(acc0 + (now * x).sum())
                                acc0 = acc1 + (next * x).sum()
                                acc1 = acc2 + (later * x).sum()
                                acc2 = 0
                            }
                        } else {
                            for b in 0..<blocks {
                                let base = start + 4 &* decimation &* b
                                var s0 = SIMD4<Float>(), s1 = SIMD4<Float>(), s2 = SIMD4<Float>()
                                for c in 0..<groups {
                                    let x = base.loadUnaligned(fromByteOffset: 16 &* c, as: SIMD4<Float>.self)
                                    s0 += w[3 &* c] * x
                                    s1 += w[3 &* c + 1] * x
                                    s2 += w[3 &* c + 2] * x
                                }
                                emit(acc0 + s0.sum())
                                acc0 = acc1 + s1.sum()
                                acc1 = acc2 + s2.sum()
                                acc2 = 0
                            }
                        }
                        i += blocks &* decimation
                        continue
                    }
                    let sample = frame[i]
                    let group = 3 * (phase >> 2), lane = phase & 3
                    acc0 += w[group][lane] * sample
                    acc1 += w[group + 1][lane] * sample
                    acc2 += w[group + 2][lane] * sample
                    phase += 1
                    if phase == decimation {
                        phase = 0
                        emit(acc0)
                        acc0 = acc1
                        acc1 = acc2
                        acc2 = 0
                    }
                    i += 1
                }
            }
        }
        self.phase = phase
        self.acc0 = acc0
        self.acc1 = acc1
        self.acc2 = acc2
        previous1 = y1
        previous2 = y2
        historyWritten = written
        frameStats[framesProcessed % Self.historyFrames] = SIMD4(energy, diff1, diff2, Float(written - before))
        framesProcessed += 1
        let change = framesProcessed % Self.blockFrames == 0 ? analyzeBlock() : nil
        heardTone = heardToneNow()
        return change
    }

    /// Closes a burst still sounding at the end of the input.
    mutating func finish() -> Change? {
        guard toneActive else { return nil }
        return endBurst()
    }

    // MARK: Blocks

    func energySums(from start: Int, to end: Int) -> (energy: Float, diff1: Float, diff2: Float, samples: Int) {
        var energy: Float = 0, diff1: Float = 0, diff2: Float = 0, samples = 0
        let lower = max(start, framesProcessed - Self.historyFrames, 0)
        if lower < end {
            for f in lower..<end {
                let stats = frameStats[f % Self.historyFrames]
                energy += stats[0]
                diff1 += stats[1]
                diff2 += stats[2]
                samples += Int(stats[3])
            }
        }
        return (energy, diff1, diff2, samples)
    }

    /// The block test: is the last 100 ms a steady tone in the ringing band? Returns its centroid.
    mutating func blockTone() -> Double? {
        let now = framesProcessed
        guard historyWritten >= windowLength, now >= Self.windowFrames else { return nil }
        let sums = energySums(from: now - Self.windowFrames, to: now)
        guard sums.samples > 0, sums.energy / Float(sums.samples) >= floorPower else { return nil }
        // Gate: mean frequency in the band (cos ω = 1 - D1 / 2E) and one dominant frequency.
        let cosine = 1 - sums.diff1 / (2 * sums.energy)
        guard cosine <= gateCosHigh, cosine >= gateCosLow,
              sums.diff1 * sums.diff1 >= Float(config.gateTonality) * sums.energy * sums.diff2 else { return nil }

        let windowedEnergy = windowLatest(count: windowLength, window: hann)
        guard windowedEnergy > 0 else { return nil }
        goertzel(count: windowLength, coefficients: coarseCoefficients)
        // Fraction of the window energy per bin (Parseval: a pure tone sums to ~1 over its lobe).
        let scale = 2 / (Float(windowLength) * windowedEnergy)
        for k in 0..<Self.coarseBinCount { share[k] = powers[k / 8][k % 8] * scale }

        var best = 0
        var bestSum: Float = -1
        for j in 0...(Self.coarseBinCount - Self.clusterBins) {
            var sum: Float = 0
            for k in j..<(j + Self.clusterBins) { sum += share[k] }
            if sum > bestSum { bestSum = sum; best = j }
        }
        guard Double(bestSum) >= config.minToneFraction else { return nil }
        bestCluster = best
        var neighbours: Float = 0
        for k in (best - Self.neighbourBins)..<best where k >= 0 { neighbours += share[k] }
        for k in (best + Self.clusterBins)..<(best + Self.clusterBins + Self.neighbourBins) where k < Self.coarseBinCount {
            neighbours += share[k]
        }
        guard Double(neighbours) <= config.maxNeighbourRatio * Double(bestSum) else { return nil }
        // The centroid of the bins that hold the tone: noise in the cluster's weak bins
        // (babble under the ringing) would pull it about by several hertz from block to block.
        var peak: Float = 0
        for k in best..<(best + Self.clusterBins) { peak = max(peak, share[k]) }
        let strong = Self.centroidBinShare * peak
        var weighted = 0.0, weight = 0.0
        for k in best..<(best + Self.clusterBins) where share[k] >= strong {
            weighted += coarseHz[k] * Double(share[k])
            weight += Double(share[k])
        }
        let centroid = weighted / weight
        guard config.toneBandHz.contains(centroid) else { return nil }
        blockPeakMeanHz = peakMean(cluster: best, strong: strong)
        return centroid
    }

    /// The plain mean of the frequencies of the block's strong peaks in the cluster, each
    /// interpolated between bins (a parabola through the log powers of the peak bin and its
    /// neighbours). Noise 8-10 dB under a dual tone shifts the balance of its two tones by a
    /// decibel from block to block, and the power centroid with it by 3-5 Hz; this mean holds.
    func peakMean(cluster best: Int, strong: Float) -> Double {
        var sum = 0.0, peaks = 0
        for k in best..<(best + Self.clusterBins) where share[k] >= strong
            && (k == 0 || share[k] >= share[k - 1]) && (k + 1 == Self.coarseBinCount || share[k] > share[k + 1]) {
            var offset = 0.0
            if k > 0, k + 1 < Self.coarseBinCount, share[k - 1] > 0, share[k + 1] > 0 {
                let below = Double.log(Double(share[k - 1])), at = Double.log(Double(share[k]))
                let above = Double.log(Double(share[k + 1]))
                let curvature = below - 2 * at + above
                if curvature < 0 { offset = max(-0.5, min(0.5, 0.5 * (below - above) / curvature)) }
            }
            sum += coarseHz[k] + offset * Self.coarseStepHz
            peaks += 1
        }
        return sum / Double(max(peaks, 1))
    }
}
