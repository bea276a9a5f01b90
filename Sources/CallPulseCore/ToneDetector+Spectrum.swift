import RealModule

// The Goertzel bank and windows of the tone detector: the coarse 32-bin test of a block,
// the fine 64-bin naming of a burst's tones, and band powers for the pre-gap test.

extension ToneDetector {
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

    /// Copies the latest `count` decimated samples, windowed, into `scratch`; returns their energy.
    mutating func windowLatest(count: Int, window: [Float]) -> Float {
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
    /// Four vectors run side by side so that their recursions overlap in the pipeline.
    mutating func goertzel(count: Int, coefficients: [SIMD8<Float>]) {
        precondition(coefficients.count % 4 == 0)
        scratch.withUnsafeBufferPointer { x in
            coefficients.withUnsafeBufferPointer { coeff in
                powers.withUnsafeMutableBufferPointer { out in
                    for g in stride(from: 0, to: coeff.count, by: 4) {
                        let c0 = coeff[g], c1 = coeff[g + 1], c2 = coeff[g + 2], c3 = coeff[g + 3]
                        var a1 = SIMD8<Float>.zero, a2 = SIMD8<Float>.zero
                        var b1 = SIMD8<Float>.zero, b2 = SIMD8<Float>.zero
                        var e1 = SIMD8<Float>.zero, e2 = SIMD8<Float>.zero
                        var d1 = SIMD8<Float>.zero, d2 = SIMD8<Float>.zero
                        for n in 0..<count {
                            let v = SIMD8<Float>(repeating: x[n])
                            let a0 = v + c0 * a1 - a2
                            let b0 = v + c1 * b1 - b2
                            let e0 = v + c2 * e1 - e2
                            let d0 = v + c3 * d1 - d2
                            a2 = a1; a1 = a0
                            b2 = b1; b1 = b0
                            e2 = e1; e1 = e0
                            d2 = d1; d1 = d0
                        }
                        out[g] = a1 * a1 + a2 * a2 - c0 * a1 * a2
                        out[g + 1] = b1 * b1 + b2 * b2 - c1 * b1 * b2
                        out[g + 2] = e1 * e1 + e2 * e2 - c2 * e1 * e2
                        out[g + 3] = d1 * d1 + d2 * d2 - c3 * d1 * d2
                    }
                }
            }
        }
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
