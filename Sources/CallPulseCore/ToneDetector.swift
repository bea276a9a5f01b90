import RealModule

/// A finished tone burst with what the ring tracker needs to judge it.
struct ToneTrack: Sendable, Equatable {
    var startFrame: Int
    var endFrame: Int
    /// Mean of the block centroids, Hz.
    var centroidHz: Double
    /// Largest minus smallest block centroid, Hz.
    var spreadHz: Double
    /// The tones found by the fine analysis (or the centroid when the burst was too short for it).
    var frequenciesHz: [Double]
    /// Mean 0-1 kHz energy of up to a second before the burst over the burst's energy.
    var preGapRatio: Double

    var lengthFrames: Int { endFrame - startFrame }
    var burst: ToneBurst { ToneBurst(startFrame: startFrame, endFrame: endFrame, frequenciesHz: frequenciesHz) }
}

/// Finds steady tones in the ringing band (340-500 Hz: single, dual and amplitude-modulated)
/// in one channel, 10 ms frame by 10 ms frame.
///
/// Stages, cheapest first (DSP-NOTES "Tones and rings"):
/// 1. every input sample: a 3rd-order CIC-shaped FIR decimates to ~2 kHz (3 multiply-adds);
/// 2. every decimated sample: frame energy and a 2nd-order 340-500 Hz band-pass (4 multiply-adds);
/// 3. every 50 ms block whose band-pass share passes the gate: 32 Goertzel bins, 290-600 Hz,
///    10 Hz apart, over a 100 ms Hann window; tests of spectral concentration, neighbouring
///    bins and centroid; a state change must hold for 2 blocks;
/// 4. once per burst: 64 Goertzel bins 2 Hz apart over 0.3 s to name the tone(s) to 1 Hz
///    (resolves 413+438 Hz and the 15-40 Hz side bands of AM tones; checks twist).
public struct ToneDetector: Sendable {
    enum Change: Sendable, Equatable {
        case started(onsetFrame: Int, centroidHz: Double, preGapRatio: Double)
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
    /// The tone cluster spans 10 coarse bins (90 Hz between outer bin centres): wide enough
    /// for 425+480 Hz and the side bands of 400 Hz modulated at 40 Hz.
    static let clusterBins = 10
    /// Neighbouring bins tested on each side of the cluster.
    static let neighbourBins = 3
    /// Fine analysis: 64 bins 2 Hz apart centred on the burst centroid, over 0.3 s.
    static let fineBinCount = 64
    static let fineStepHz = 2.0
    static let fineWindowS = 0.3
    /// Smoothed band energy crossing this share of the burst level marks onset and end.
    static let edgeThreshold: Float = 0.4
    /// Frames of energy history kept (2.56 s: the pre-gap second plus detection delay).
    static let historyFrames = 256
    /// Pre-gap window, frames (1 s), and frames skipped right before the onset.
    static let preGapFrames = 100
    static let preGapGuardFrames = 3
    /// Second-order band-pass: centre (geometric mean of 340 and 500 Hz) and quality factor.
    static let bandCentreHz = 412.0
    static let bandQ = 2.0
    /// Block centroids kept per burst for the steadiness test (64 blocks: 3.2 s, past the longest ring burst).
    static let maxLoggedBlocks = 64
    /// Blocks left out of the steadiness test at each end of a burst: their windows straddle the
    /// onset, or the answer that cuts the ring short.
    static let edgeBlocks = 2
    /// A tone block whose centroid is further than this from the burst's mean ends the burst, Hz
    /// (a tone plan's tone holds to < 1 Hz; the next note of a melody moves ≥ 20 Hz).
    static let maxCentroidJumpHz = 6.0

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
    var weightsNow: [Float]
    var weightsNext: [Float]
    var weightsLater: [Float]
    let bandB0: Float
    let bandA1: Float
    let bandA2: Float
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
    var bandX1: Float = 0
    var bandX2: Float = 0
    var bandY1: Float = 0
    var bandY2: Float = 0
    var energyAcc: Float = 0
    var bandAcc: Float = 0
    var samplesInFrame = 0
    /// Decimated samples, a power-of-two ring.
    var history: [Float]
    var historyWritten = 0
    /// Per frame: 0-1 kHz energy, band-pass energy, decimated sample count.
    var frameEnergy: [Float]
    var frameBand: [Float]
    var frameSamples: [Int32]
    /// Number of frames processed (the next frame's index).
    public private(set) var framesProcessed = 0

    var scratch: [Float]
    /// Per coarse bin: its share of the window energy (reused every block: no allocation).
    var share: [Float]
    var powers: [SIMD8<Float>]
    var fineCoefficients: [SIMD8<Float>]

    var toneRun = 0
    var offRun = 0
    public private(set) var toneActive = false
    var burstOnset = 0
    var burstCentroidSum = 0.0
    /// Centroid of each tone block of the current burst (fixed capacity: no allocation).
    var burstCentroids: [Double]
    var burstBlocks = 0
    var burstBandSum: Float = 0
    var burstBandFrames = 0
    var burstLastToneFrame = 0
    var burstPreGapRatio = 0.0
    var burstFrequencies: [Double]? = nil
    var lastBurstEnd: Int? = nil

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
        weightsNow = (0..<decimation).map { Float(kernel[decimation - 1 - $0]) }
        weightsNext = (0..<decimation).map { Float(kernel[2 * decimation - 1 - $0]) }
        weightsLater = (0..<decimation).map { Float(kernel[3 * decimation - 1 - $0]) }

        // RBJ band-pass, 0 dB peak gain.
        let omega = 2 * Double.pi * Self.bandCentreHz / decimatedRateHz
        let alpha = Double.sin(omega) / (2 * Self.bandQ)
        let a0 = 1 + alpha
        bandB0 = Float(alpha / a0)
        bandA1 = Float(-2 * Double.cos(omega) / a0)
        bandA2 = Float((1 - alpha) / a0)

        hann = Self.hannWindow(windowLength)
        hannFine = Self.hannWindow(fineLength)
        coarseHz = (0..<Self.coarseBinCount).map { Self.coarseFirstHz + Double($0) * Self.coarseStepHz }
        coarseCoefficients = Self.goertzelCoefficients(coarseHz, rateHz: decimatedRateHz)
        fineCoefficients = [SIMD8<Float>](repeating: .zero, count: Self.fineBinCount / 8)
        floorPower = Float(Double.pow(10, config.floorDbfs / 10))

        var capacity = 1
        while capacity < fineLength + windowLength { capacity *= 2 }
        history = [Float](repeating: 0, count: capacity)
        frameEnergy = [Float](repeating: 0, count: Self.historyFrames)
        frameBand = [Float](repeating: 0, count: Self.historyFrames)
        frameSamples = [Int32](repeating: 0, count: Self.historyFrames)
        scratch = [Float](repeating: 0, count: max(fineLength, windowLength))
        share = [Float](repeating: 0, count: Self.coarseBinCount)
        burstCentroids = [Double](repeating: 0, count: Self.maxLoggedBlocks)
        powers = [SIMD8<Float>](repeating: .zero, count: Self.fineBinCount / 8)
    }

    static func hannWindow(_ length: Int) -> [Float] {
        (0..<length).map { Float(0.5 - 0.5 * Double.cos(2 * Double.pi * (Double($0) + 0.5) / Double(length))) }
    }

    static func goertzelCoefficients(_ frequenciesHz: [Double], rateHz: Double) -> [SIMD8<Float>] {
        precondition(frequenciesHz.count % 8 == 0)
        return stride(from: 0, to: frequenciesHz.count, by: 8).map { base in
            var lane = SIMD8<Float>()
            for i in 0..<8 { lane[i] = Float(2 * Double.cos(2 * Double.pi * frequenciesHz[base + i] / rateHz)) }
            return lane
        }
    }

    // MARK: Per frame

    /// Feeds one 10 ms frame; returns a burst start or end when a block decision changes state.
    mutating func process(frame: UnsafeBufferPointer<Float>) -> Change? {
        var phase = self.phase
        var acc0 = self.acc0, acc1 = self.acc1, acc2 = self.acc2
        var x1 = bandX1, x2 = bandX2, y1 = bandY1, y2 = bandY2
        var energy: Float = 0
        var band: Float = 0
        var written = historyWritten
        let decimation = self.decimation
        let b0 = bandB0, a1 = bandA1, a2 = bandA2
        let mask = history.count - 1
        weightsNow.withUnsafeBufferPointer { wNow in
            weightsNext.withUnsafeBufferPointer { wNext in
                weightsLater.withUnsafeBufferPointer { wLater in
                    history.withUnsafeMutableBufferPointer { hist in
                        for sample in frame {
                            acc0 += wNow[phase] * sample
                            acc1 += wNext[phase] * sample
                            acc2 += wLater[phase] * sample
                            phase += 1
                            if phase == decimation {
                                phase = 0
                                let y = acc0
                                acc0 = acc1
                                acc1 = acc2
                                acc2 = 0
                                hist[written & mask] = y
                                written &+= 1
                                energy += y * y
                                let v = b0 * (y - x2) - a1 * y1 - a2 * y2
                                x2 = x1
                                x1 = y
                                y2 = y1
                                y1 = v
                                band += v * v
                            }
                        }
                    }
                }
            }
        }
        let count = written - historyWritten
        self.phase = phase
        self.acc0 = acc0
        self.acc1 = acc1
        self.acc2 = acc2
        bandX1 = x1
        bandX2 = x2
        // Denormals in a silent tail are flushed so the recursion never slows down.
        bandY1 = abs(y1) < 1e-20 ? 0 : y1
        bandY2 = abs(y2) < 1e-20 ? 0 : y2
        historyWritten = written
        let slot = framesProcessed % Self.historyFrames
        frameEnergy[slot] = energy
        frameBand[slot] = band
        frameSamples[slot] = Int32(count)
        framesProcessed += 1
        guard framesProcessed % Self.blockFrames == 0 else { return nil }
        return analyzeBlock()
    }

    /// Closes a burst still sounding at the end of the input.
    mutating func finish() -> Change? {
        guard toneActive else { return nil }
        return endBurst()
    }

    // MARK: Blocks

    private func energySums(from start: Int, to end: Int) -> (energy: Float, band: Float, samples: Int) {
        var energy: Float = 0, band: Float = 0, samples = 0
        let lower = max(start, framesProcessed - Self.historyFrames, 0)
        if lower < end {
            for f in lower..<end {
                let slot = f % Self.historyFrames
                energy += frameEnergy[slot]
                band += frameBand[slot]
                samples += Int(frameSamples[slot])
            }
        }
        return (energy, band, samples)
    }

    /// The block test: is the last 100 ms a steady tone in the ringing band? Returns its centroid.
    mutating func blockTone() -> Double? {
        let now = framesProcessed
        guard historyWritten >= windowLength, now >= Self.windowFrames else { return nil }
        let sums = energySums(from: now - Self.windowFrames, to: now)
        guard sums.samples > 0, sums.energy / Float(sums.samples) >= floorPower,
              sums.band >= Float(config.gateBandRatio) * sums.energy else { return nil }

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
        var neighbours: Float = 0
        for k in (best - Self.neighbourBins)..<best where k >= 0 { neighbours += share[k] }
        for k in (best + Self.clusterBins)..<(best + Self.clusterBins + Self.neighbourBins) where k < Self.coarseBinCount {
            neighbours += share[k]
        }
        guard Double(neighbours) <= config.maxNeighbourRatio * Double(bestSum) else { return nil }
        var weighted = 0.0
        for k in best..<(best + Self.clusterBins) { weighted += coarseHz[k] * Double(share[k]) }
        let centroid = weighted / Double(bestSum)
        guard config.toneBandHz.contains(centroid) else { return nil }
        return centroid
    }

    /// Copies the latest `count` decimated samples, windowed, into `scratch`; returns their energy.
    private mutating func windowLatest(count: Int, window: [Float]) -> Float {
        let mask = history.count - 1
        let first = historyWritten - count
        var energy: Float = 0
        for n in 0..<count {
            let v = history[(first + n) & mask] * window[n]
            scratch[n] = v
            energy += v * v
        }
        return energy
    }

    /// Goertzel over `scratch[0..<count]` for 8 bins per coefficient vector; powers into `powers`.
    private mutating func goertzel(count: Int, coefficients: [SIMD8<Float>]) {
        scratch.withUnsafeBufferPointer { x in
            coefficients.withUnsafeBufferPointer { coeff in
                powers.withUnsafeMutableBufferPointer { out in
                    for g in 0..<coeff.count {
                        let c = coeff[g]
                        var s1 = SIMD8<Float>.zero
                        var s2 = SIMD8<Float>.zero
                        for n in 0..<count {
                            let s0 = SIMD8<Float>(repeating: x[n]) + c * s1 - s2
                            s2 = s1
                            s1 = s0
                        }
                        out[g] = s1 * s1 + s2 * s2 - c * s1 * s2
                    }
                }
            }
        }
    }

    private mutating func analyzeBlock() -> Change? {
        let now = framesProcessed
        let centroid = blockTone()
        if !toneActive {
            guard let centroid else {
                toneRun = 0
                return nil
            }
            toneRun += 1
            burstCentroids[toneRun - 1] = centroid
            burstCentroidSum = toneRun == 1 ? centroid : burstCentroidSum + centroid
            guard toneRun >= 2 else { return nil }
            return startBurst(now: now)
        }
        // A block whose tone moved away from the burst's is not part of it: the answer's first
        // syllable, or the next note of a melody.
        let reference = burstCentroidSum / Double(max(burstBlocks, 1))
        guard let centroid, abs(centroid - reference) <= Self.maxCentroidJumpHz else {
            offRun += 1
            return offRun >= 2 ? endBurst() : nil
        }
        offRun = 0
        if burstBlocks < Self.maxLoggedBlocks { burstCentroids[burstBlocks] = centroid }
        burstBlocks += 1
        burstCentroidSum += centroid
        let recent = energySums(from: now - Self.blockFrames, to: now)
        burstBandSum += recent.band
        burstBandFrames += Self.blockFrames
        burstLastToneFrame = now
        if burstFrequencies == nil, now - burstOnset >= Int(Self.fineWindowS * Double(FrameClock.framesPerSecond)) + 2,
           historyWritten >= fineLength {
            burstFrequencies = fineFrequencies(around: burstCentroidSum / Double(burstBlocks))
        }
        return nil
    }

    /// Mean band energy of frames `[f-2, f+2]` (those available).
    private func smoothedBand(_ f: Int, upTo end: Int) -> Float {
        let lower = max(f - 2, framesProcessed - Self.historyFrames, 0)
        let upper = min(f + 3, end)
        guard lower < upper else { return 0 }
        var sum: Float = 0
        for g in lower..<upper { sum += frameBand[g % Self.historyFrames] }
        return sum / Float(upper - lower)
    }

    private mutating func startBurst(now: Int) -> Change {
        toneActive = true
        offRun = 0
        burstBlocks = toneRun
        burstFrequencies = nil
        let recent = energySums(from: now - Self.blockFrames, to: now)
        // The tone's level: the highest 5-frame mean of band energy in the last window (the
        // decision lags the signal by up to a window, so the last frames may be past the tone).
        var level: Float = 0
        for f in (now - Self.windowFrames + 2)..<(now - 2) { level = max(level, smoothedBand(f, upTo: now)) }
        burstBandSum = recent.band
        burstBandFrames = Self.blockFrames
        burstLastToneFrame = now
        // Onset: the earliest frame of the run whose smoothed band energy holds 40 % of the
        // tone's level; with a 5-frame average that frame is one before the step.
        let threshold = Self.edgeThreshold * level
        let lowest = max(now - 4 * Self.windowFrames, framesProcessed - Self.historyFrames + 2, lastBurstEnd ?? 0, 0)
        var f = now - 3
        while f - 1 >= lowest, smoothedBand(f - 1, upTo: now) >= threshold { f -= 1 }
        let onset = (f == 0 && smoothedBand(0, upTo: now) >= threshold) ? 0 : min(f + 1, now - 1)
        burstOnset = onset

        // Pre-gap: up to a second before the onset, after the previous burst. A burst that
        // follows the previous one within 0.13 s continues it (a melody, a voice): never quiet.
        let gapStart = max(onset - Self.preGapFrames, lastBurstEnd ?? 0, framesProcessed - Self.historyFrames)
        let gapEnd = onset - Self.preGapGuardFrames
        let toneSums = energySums(from: onset, to: now)
        let toneEnergy = toneSums.energy / Float(max(toneSums.samples, 1))
        var ratio = 0.0
        if gapEnd - gapStart >= 10 {
            let before = energySums(from: gapStart, to: gapEnd)
            ratio = toneEnergy > 0 ? Double(before.energy / Float(max(before.samples, 1)) / toneEnergy) : .infinity
        } else if let lastBurstEnd, gapStart == lastBurstEnd {
            ratio = .infinity
        }
        burstPreGapRatio = ratio
        return .started(onsetFrame: onset, centroidHz: burstCentroidSum / Double(toneRun), preGapRatio: ratio)
    }

    private mutating func endBurst() -> Change {
        let now = framesProcessed
        toneActive = false
        toneRun = 0
        offRun = 0
        let level = burstBandSum / Float(max(burstBandFrames, 1))
        let threshold = Self.edgeThreshold * level
        // End: the last frame of the run whose smoothed band energy holds 40 % of the burst level.
        let first = max(burstOnset, burstLastToneFrame - 7)
        var end = first
        var misses = 0
        var f = first
        while f <= now - 3 {
            if smoothedBand(f, upTo: now) >= threshold {
                end = f
                misses = 0
            } else {
                misses += 1
                if misses >= 3 { break }
            }
            f += 1
        }
        end = max(end, burstOnset + 1)
        let logged = min(burstBlocks, Self.maxLoggedBlocks)
        let trim = logged >= 2 * Self.edgeBlocks + 2 ? Self.edgeBlocks : (logged >= 4 ? 1 : 0)
        var lowest = Double.infinity, highest = -Double.infinity, sum = 0.0
        for i in trim..<(logged - trim) {
            lowest = min(lowest, burstCentroids[i])
            highest = max(highest, burstCentroids[i])
            sum += burstCentroids[i]
        }
        let centroid = sum / Double(max(logged - 2 * trim, 1))
        let track = ToneTrack(
            startFrame: burstOnset, endFrame: end, centroidHz: centroid,
            spreadHz: highest - lowest,
            frequenciesHz: burstFrequencies ?? [centroid.rounded()],
            preGapRatio: burstPreGapRatio
        )
        lastBurstEnd = end
        return .ended(track)
    }

    // MARK: Naming the tones

    /// The tone or tones of the last 0.3 s: the strongest peak; a second peak at least 12 Hz
    /// away within `maxTwistDb` is the pair's other tone, unless a mirror peak on the other side
    /// shows it is a side band of an amplitude-modulated tone. Rounded to 1 Hz.
    mutating func fineFrequencies(around centreHz: Double) -> [Double] {
        let firstHz = centreHz - Double(Self.fineBinCount / 2) * Self.fineStepHz
        let binsHz = (0..<Self.fineBinCount).map { firstHz + Double($0) * Self.fineStepHz }
        fineCoefficients = Self.goertzelCoefficients(binsHz, rateHz: decimatedRateHz)
        _ = windowLatest(count: fineLength, window: hannFine)
        goertzel(count: fineLength, coefficients: fineCoefficients)
        let power = (0..<Self.fineBinCount).map { Double(powers[$0 / 8][$0 % 8]) + 1e-30 }
        var peaks: [(hz: Double, power: Double)] = []
        for k in 1..<(Self.fineBinCount - 1) where power[k] > power[k - 1] && power[k] >= power[k + 1] {
            let a = Double.log(power[k - 1]), b = Double.log(power[k]), c = Double.log(power[k + 1])
            let denominator = a - 2 * b + c
            let delta = denominator < 0 ? 0.5 * (a - c) / denominator : 0
            peaks.append((binsHz[k] + delta * Self.fineStepHz, power[k]))
        }
        guard let main = peaks.max(by: { $0.power < $1.power }) else { return [centreHz.rounded()] }
        let twist = Double.pow(10, -config.maxTwistDb / 10)
        let others = peaks.filter { abs($0.hz - main.hz) >= 12 && $0.power >= main.power * twist }
        guard let second = others.max(by: { $0.power < $1.power }) else { return [main.hz.rounded()] }
        let mirrorHz = 2 * main.hz - second.hz
        let isSideBand = peaks.contains { abs($0.hz - mirrorHz) <= 3 && $0.power >= second.power / 4 }
        if isSideBand { return [main.hz.rounded()] }
        return [main.hz.rounded(), second.hz.rounded()].sorted()
    }
}
