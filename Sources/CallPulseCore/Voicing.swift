import RealModule

/// Periodicity of the latest 30 ms of a channel: the peak of the normalised autocorrelation
/// at pitch lags (62-400 Hz), on the ~2 kHz signal the tone detector already decimates.
///
/// One close voice is strongly periodic in its voiced sounds (0.6-0.95); babble of several
/// distant voices, brown and pink noise, hiss and office clicks are not (0.1-0.4): their
/// periods do not line up (DSP-NOTES, failures 1 and 2). A steady tone is periodic too, but
/// the tone detector and the prediction residual exclude tones before voicing is asked.
///
/// First-order pre-emphasis (0.9) before the correlation takes the low-frequency weight of
/// brown noise and rumble off the sum, so a voice's harmonics, not the noise's drift, set it.
/// Cost: about 60 × 28 multiply-adds per frame, asked only for frames that may be speech.
extension ToneDetector {
    /// Window of the correlation, s: three periods of a 100 Hz voice.
    static let voicingWindowS = 0.03
    /// Pitch range searched, Hz.
    static let voicingPitchHz = 62.0...400.0
    /// Pre-emphasis before the correlation.
    static let voicingEmphasis: Float = 0.9

    /// Normalised autocorrelation peak (0...1) of the latest `voicingWindowS` of input;
    /// 0 until enough input has arrived or when the window is silent.
    ///
    /// The search stops at the first lag that reaches `enough`: a caller that only compares
    /// the result with thresholds at or under `enough` gets the same answers, and a voiced
    /// frame usually reaches it at its pitch lag, well before the longest lag (a third to
    /// half of the correlation's cost on speech). The default searches every lag.
    mutating func voicing(enough: Double = .infinity) -> Double {
        let window = Int((decimatedRateHz * Self.voicingWindowS).rounded())
        let minLag = max(2, Int((decimatedRateHz / Self.voicingPitchHz.upperBound).rounded(.down)))
        let maxLag = Int((decimatedRateHz / Self.voicingPitchHz.lowerBound).rounded(.up))
        let count = window + maxLag
        guard historyWritten > count, count < history.count, count <= scratch.count else { return 0 }
        let mask = history.count - 1
        let first = historyWritten - count - 1
        // Pre-emphasised copy of the latest `count` samples into `scratch`, oldest first.
        history.withUnsafeBufferPointer { hist in
            scratch.withUnsafeMutableBufferPointer { y in
                var previous = hist[first & mask]
                for i in 0..<count {
                    let x = hist[(first + 1 + i) & mask]
                    y[i] = x - Self.voicingEmphasis * previous
                    previous = x
                }
            }
        }
        return scratch.withUnsafeBufferPointer { y in
            let start = count - window
            var e0: Float = 0
            for n in start..<count { e0 += y[n] * y[n] }
            guard e0 > 1e-20 else { return 0 }
            // Energy of the window lagged by `lag`, slid one sample per lag.
            var eLag: Float = 0
            for n in (start - minLag)..<(count - minLag) { eLag += y[n] * y[n] }
            var best: Float = 0
            let base = UnsafeRawPointer(y.baseAddress!)
            let stride = MemoryLayout<Float>.stride
            let vectors = window / 8
            for lag in minLag...maxLag {
                if lag > minLag {
                    let entering = y[start - lag], leaving = y[count - lag]
                    eLag += entering * entering - leaving * leaving
                }
                // The dot product of the window with its lagged copy, eight lanes at a time.
                var lanes = SIMD8<Float>()
                for v in 0..<vectors {
                    let n = start + 8 * v
                    lanes += base.loadUnaligned(fromByteOffset: n * stride, as: SIMD8<Float>.self)
                        * base.loadUnaligned(fromByteOffset: (n - lag) * stride, as: SIMD8<Float>.self)
                }
                var c = lanes.sum()
                for n in (start + 8 * vectors)..<count { c += y[n] * y[n - lag] }
                if c > 0 {
                    let r = c * c / (e0 * max(eLag, 1e-20))
                    if r > best {
                        best = r
                        // Judged on the value returned, so a threshold whose square a Float
                        // cannot hold exactly stops neither early nor late.
                        if Double(min(best, 1)).squareRoot() >= enough { break }
                    }
                }
            }
            return Double(min(best, 1)).squareRoot()
        }
    }
}
