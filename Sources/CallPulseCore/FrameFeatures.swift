import RealModule

/// What one channel's 10 ms frame looks like to the detectors. Everything downstream
/// (noise floor, leakage model, voice activity, levels) works from these few numbers, so a
/// frame costs four multiply-adds per sample and nothing per frame is allocated.
public struct FrameFeatures: Equatable, Sendable {
    /// Mean square of the raw samples (full scale 1.0): the level SPEC "Levels" reports.
    public var rawPower: Double
    /// Mean square after pre-emphasis `y[n] = x[n] - a·x[n-L]`: hum, rumble and the low
    /// end of the voice are damped, formants and consonants kept. The detectors use this.
    public var emphasisPower: Double
    /// Residual energy ratio of an order-2 linear predictor on the pre-emphasised signal
    /// (1 = unpredictable, 0 = a pure tone). Tones, ringback and whistles sit near 0,
    /// voices well above: a cheap stand-in for spectral flatness.
    public var predictionResidual: Double
    /// Samples at or beyond 99.9 % of full scale (SPEC `clipped_ratio`).
    public var clippedSamples: Int
    /// Samples in the frame.
    public var sampleCount: Int

    public init(rawPower: Double, emphasisPower: Double, predictionResidual: Double, clippedSamples: Int, sampleCount: Int) {
        self.rawPower = rawPower
        self.emphasisPower = emphasisPower
        self.predictionResidual = predictionResidual
        self.clippedSamples = clippedSamples
        self.sampleCount = sampleCount
    }
}

/// Computes `FrameFeatures` for one channel, frame after frame.
///
/// The lag unit is a stride `L = round(sampleRateHz / 8000)` samples, so the pre-emphasis
/// and the predictor see the same 0-4 kHz picture at 8, 16 and 48 kHz (at 48 kHz
/// neighbouring samples are so alike that any signal would look "tonal" at lag 1).
/// The pre-emphasised signal is computed explicitly and the previous frame's tail is kept,
/// so lags cross frame boundaries exactly (covariance method): a steady sine predicts to a
/// near-zero residual, and a strongly low-pass voiced frame does not.
public struct FrameFeatureExtractor: Sendable {
    /// Pre-emphasis coefficient. 0.9 puts 50 Hz hum about 18 dB below 2 kHz at 8 kHz rate.
    public static let emphasisCoefficient: Float = 0.9
    /// Magnitude at or above which a sample counts as clipped: 99.9 % of full scale (SPEC).
    public static let clipThreshold: Float = 0.999

    public let sampleRateHz: Int
    /// Lag unit in samples (1 at 8 kHz, 2 at 16 kHz, 6 at 48 kHz).
    public let lagStride: Int
    /// `2L` samples of pre-emphasised history followed by the current frame's.
    private var emphasised: [Float]
    /// The last `L` raw samples of the previous frame.
    private var rawTail: [Float]

    public init(sampleRateHz: Int) {
        precondition(sampleRateHz > 0, "sample rate must be positive")
        self.sampleRateHz = sampleRateHz
        lagStride = max(1, (sampleRateHz + 4000) / 8000)
        emphasised = [Float](repeating: 0, count: 2 * lagStride + sampleRateHz / 100 + 1)
        rawTail = [Float](repeating: 0, count: lagStride)
    }

    /// Analyses one frame. `frame` holds exactly the frame's samples of this channel.
    public mutating func process(frame: UnsafeBufferPointer<Float>) -> FrameFeatures {
        let stride = lagStride
        let count = frame.count
        let history = 2 * stride
        if emphasised.count < history + count {
            emphasised.append(contentsOf: repeatElement(0, count: history + count - emphasised.count))
        }
        let a = Self.emphasisCoefficient
        var rawEnergy: Float = 0
        var clipped = 0
        var y0: Float = 0, y1: Float = 0, y2: Float = 0
        var covariance = (0.0, 0.0, 0.0)
        guard count > 0, let samples = frame.baseAddress else {
            return FrameFeatures(rawPower: 0, emphasisPower: 0, predictionResidual: 1, clippedSamples: 0, sampleCount: 0)
        }
        rawTail.withUnsafeMutableBufferPointer { tail in
            emphasised.withUnsafeMutableBufferPointer { y in
                // Eight lanes at a time (STYLE: the per-sample loops are the product's cost).
                let raw = UnsafeRawPointer(samples)
                let emphasisOut = UnsafeMutableRawPointer(y.baseAddress!)
                let emphasis = UnsafeRawPointer(emphasisOut)
                let laneBytes = MemoryLayout<Float>.stride
                // Pre-emphasis; the first L samples reach back into the previous frame.
                for n in 0..<min(stride, count) { y[history + n] = frame[n] - a * tail[n] }
                var m = stride
                while m + 8 <= count {
                    let x = raw.loadUnaligned(fromByteOffset: m * laneBytes, as: SIMD8<Float>.self)
                    let delayed = raw.loadUnaligned(fromByteOffset: (m - stride) * laneBytes, as: SIMD8<Float>.self)
                    emphasisOut.storeBytes(of: x - a * delayed, toByteOffset: (history + m) * laneBytes, as: SIMD8<Float>.self)
                    m += 8
                }
                while m < count {
                    y[history + m] = frame[m] - a * frame[m - stride]
                    m += 1
                }
                var energy = SIMD8<Float>.zero
                var lag0 = SIMD8<Float>.zero, lag1 = SIMD8<Float>.zero, lag2 = SIMD8<Float>.zero
                var n = 0
                while n + 8 <= count {
                    let x = raw.loadUnaligned(fromByteOffset: n * laneBytes, as: SIMD8<Float>.self)
                    energy += x * x
                    let current = emphasis.loadUnaligned(fromByteOffset: (history + n) * laneBytes, as: SIMD8<Float>.self)
                    let back1 = emphasis.loadUnaligned(fromByteOffset: (history + n - stride) * laneBytes, as: SIMD8<Float>.self)
                    let back2 = emphasis.loadUnaligned(fromByteOffset: n * laneBytes, as: SIMD8<Float>.self)
                    lag0 += current * current
                    lag1 += current * back1
                    lag2 += current * back2
                    n += 8
                }
                rawEnergy = energy.sum()
                y0 = lag0.sum()
                y1 = lag1.sum()
                y2 = lag2.sum()
                while n < count {
                    let x = frame[n]
                    rawEnergy += x * x
                    let value = y[history + n]
                    y0 += value * value
                    y1 += value * y[history + n - stride]
                    y2 += value * y[n]
                    n += 1
                }
                // One clipped sample alone puts at least 0.999² into the frame's energy, so
                // quieter frames need no search.
                if rawEnergy >= Self.clipThreshold * Self.clipThreshold {
                    for n in 0..<count where abs(frame[n]) >= Self.clipThreshold { clipped += 1 }
                }
                // Covariance-method edge terms: the lagged sums Σ y[n-L]², Σ y[n-2L]² and
                // Σ y[n-L]·y[n-2L] differ from the frame's own sums only at the edges.
                let end = history + count
                var lagged1 = Double(y0), lagged2 = Double(y0), cross12 = Double(y1)
                for m in (end - stride)..<end {
                    lagged1 -= Double(y[m] * y[m])
                    cross12 -= Double(y[m] * y[m - stride])
                }
                for m in (history - stride)..<history {
                    lagged1 += Double(y[m] * y[m])
                    cross12 += Double(y[m] * y[m - stride])
                }
                for m in (end - history)..<end { lagged2 -= Double(y[m] * y[m]) }
                for m in 0..<history { lagged2 += Double(y[m] * y[m]) }
                covariance = (lagged1, lagged2, cross12)
                // Keep the tails for the next frame's lags.
                for i in 0..<history { y[i] = y[count + i] }
                if count >= stride {
                    for i in 0..<stride { tail[i] = frame[count - stride + i] }
                }
            }
        }
        return Self.features(
            rawEnergy: Double(rawEnergy), y0: Double(y0), y1: Double(y1), y2: Double(y2),
            lagged1: covariance.0, lagged2: covariance.1, cross12: covariance.2, clipped: clipped, count: count
        )
    }

    /// Derives the features from the frame's sums: the order-2 covariance-method predictor
    /// `y[n] ≈ c1·y[n-L] + c2·y[n-2L]` solved exactly, residual = its error energy / `y0`.
    /// A steady sine leaves only rounding; the autocorrelation (Levinson) shortcut would
    /// leave a few percent from the frame edges and blur tones into voices.
    static func features(
        rawEnergy: Double, y0: Double, y1: Double, y2: Double, lagged1: Double, lagged2: Double, cross12: Double,
        clipped: Int, count: Int
    ) -> FrameFeatures {
        let n = Double(max(count, 1))
        var residual = 1.0
        let determinant = lagged1 * lagged2 - cross12 * cross12
        if y0 > 1e-20 && determinant > 1e-12 * lagged1 * lagged2 {
            let c1 = (y1 * lagged2 - y2 * cross12) / determinant
            let c2 = (y2 * lagged1 - y1 * cross12) / determinant
            residual = min(1, max(0, (y0 - c1 * y1 - c2 * y2) / y0))
        } else if y0 > 1e-20 {
            residual = 0  // the lagged frames are (numerically) collinear: a pure tone
        }
        return FrameFeatures(rawPower: rawEnergy / n, emphasisPower: y0 / n, predictionResidual: residual, clippedSamples: clipped, sampleCount: count)
    }
}

/// Decibels of a power ratio, floored so that digital silence stays finite (-140 dB).
@inlinable
public func decibels(power: Double) -> Double {
    // Finite whatever the input: an overflowed (infinite or NaN) power reads as +200 dB.
    guard power.isFinite else { return 200 }
    return 10 * log10ViaLog2(max(power, 1e-14))
}

/// Power ratio of a decibel figure.
@inlinable
public func power(decibels: Double) -> Double {
    exp10ViaExp2(decibels / 10)
}

/// log10 as log2 times log10(2). The detector takes a few logarithms and powers of ten per
/// frame and channel; glibc's `log10` is its old routine (about 90 instructions: it calls
/// `log`, then scales) and `exp10` went through `pow`, while `log2` and `exp2` are the newer
/// table-driven ones at a fifth of that. The results differ from the direct functions in the
/// last bit or two of a double, far under any figure callpulse prints or any threshold's
/// meaning (README, "Performance": the summaries of the comparison set are unchanged).
@inlinable
public func log10ViaLog2(_ x: Double) -> Double {
    Double.log2(x) * 0.301_029_995_663_981_195_213_738_894_724_493_026_768_189_881_462_108_541_310
}

/// 10^x as 2^(x · log2(10)); see `log10ViaLog2`.
@inlinable
public func exp10ViaExp2(_ x: Double) -> Double {
    Double.exp2(x * 3.321_928_094_887_362_347_870_319_429_489_390_175_864_831_393_024_580_612_054)
}
