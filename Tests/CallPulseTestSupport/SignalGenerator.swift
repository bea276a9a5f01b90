import RealModule

/// Seeded generator for detector fixtures: every expectation in the detector tests comes
/// from where this generator placed the signal, never from the detector's output.
public struct SignalGenerator: Sendable {
    public let sampleRateHz: Int
    /// The ring tests' seeded generator (TonePlanFixtures.swift), shared by every fixture.
    private var random: SeededGenerator

    public init(sampleRateHz: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) {
        self.sampleRateHz = sampleRateHz
        random = SeededGenerator(seed: seed)
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { random.uniform() }

    /// Standard normal.
    public mutating func gaussian() -> Double { random.gaussian() }

    public func sampleCount(_ seconds: Double) -> Int { Int((seconds * Double(sampleRateHz)).rounded()) }

    /// White noise at `dbfs` RMS.
    public mutating func whiteNoise(seconds: Double, dbfs: Double) -> [Float] {
        let amplitude = Double.exp10(dbfs / 20)
        return (0..<sampleCount(seconds)).map { _ in Float(amplitude * gaussian()) }
    }

    /// Pink noise (-3 dB/octave, Paul Kellet's filter) at `dbfs` RMS.
    public mutating func pinkNoise(seconds: Double, dbfs: Double) -> [Float] {
        var b = [Double](repeating: 0, count: 7)
        var raw = [Double]()
        raw.reserveCapacity(sampleCount(seconds))
        for _ in 0..<sampleCount(seconds) {
            let white = gaussian()
            b[0] = 0.99886 * b[0] + white * 0.0555179
            b[1] = 0.99332 * b[1] + white * 0.0750759
            b[2] = 0.96900 * b[2] + white * 0.1538520
            b[3] = 0.86650 * b[3] + white * 0.3104856
            b[4] = 0.55000 * b[4] + white * 0.5329522
            b[5] = -0.7616 * b[5] - white * 0.0168980
            raw.append(b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + white * 0.5362)
            b[6] = white * 0.115926
        }
        return scaled(raw, toDbfs: dbfs)
    }

    /// A sum of sines (frequencies in Hz, equal amplitude), `dbfs` RMS overall.
    public func tones(_ frequenciesHz: [Double], seconds: Double, dbfs: Double) -> [Float] {
        let rate = Double(sampleRateHz)
        let raw = (0..<sampleCount(seconds)).map { n in
            frequenciesHz.reduce(0.0) { $0 + Double.sin(2 * Double.pi * $1 * Double(n) / rate) }
        }
        return scaled(raw, toDbfs: dbfs)
    }

    /// Mains hum: 50 Hz with its odd and even harmonics up to 450 Hz, `dbfs` RMS.
    public func hum(seconds: Double, dbfs: Double, mainsHz: Double = 50) -> [Float] {
        let rate = Double(sampleRateHz)
        let raw = (0..<sampleCount(seconds)).map { n in
            (1...9).reduce(0.0) { sum, k in
                sum + Double.sin(2 * Double.pi * mainsHz * Double(k) * Double(n) / rate) / Double(k)
            }
        }
        return scaled(raw, toDbfs: dbfs)
    }

    /// A voice-like utterance of `seconds`: syllables of 120-300 ms with 20-60 ms dips
    /// between them (shorter than the 200 ms bridge), each a harmonic complex whose pitch
    /// glides within `pitchHz`, shaped by two formants, under a raised-cosine envelope
    /// with syllable-to-syllable level changes of ±5 dB. RMS over the utterance is `dbfs`.
    public mutating func utterance(seconds: Double, dbfs: Double, pitchHz: ClosedRange<Double> = 100...180) -> [Float] {
        let total = sampleCount(seconds)
        let rate = Double(sampleRateHz)
        var raw = [Double](repeating: 0, count: total)
        var position = 0
        var phase = 0.0
        while position < total {
            let syllable = min(total - position, sampleCount(0.12 + 0.18 * uniform()))
            let startPitch = pitchHz.lowerBound + (pitchHz.upperBound - pitchHz.lowerBound) * uniform()
            let endPitch = pitchHz.lowerBound + (pitchHz.upperBound - pitchHz.lowerBound) * uniform()
            let formant1 = 400 + 500 * uniform()
            let formant2 = 1100 + 1200 * uniform()
            let gain = Double.exp10((uniform() - 0.5) * 10 / 20)
            for i in 0..<syllable {
                let t = Double(i) / Double(max(syllable - 1, 1))
                let pitch = startPitch + (endPitch - startPitch) * t
                phase += 2 * Double.pi * pitch / rate
                var value = 0.0
                var harmonic = 1
                while Double(harmonic) * pitch < min(3800, rate / 2 - 100) {
                    let f = Double(harmonic) * pitch
                    let shape = 1 / (1 + ((f - formant1) / 150) * ((f - formant1) / 150))
                        + 0.5 / (1 + ((f - formant2) / 250) * ((f - formant2) / 250)) + 0.05
                    value += shape * Double.sin(Double(harmonic) * phase)
                    harmonic += 1
                }
                let envelope = 0.5 - 0.5 * Double.cos(2 * Double.pi * min(1, t))
                raw[position + i] = gain * Double.sqrt(envelope) * value + 0.02 * gaussian()
            }
            position += syllable
            // A short dip before the next syllable, inside the utterance.
            let dip = sampleCount(0.02 + 0.04 * uniform())
            if position + dip + sampleCount(0.12) < total {
                position += dip
            } else {
                break
            }
        }
        return scaled(raw, toDbfs: dbfs)
    }

    /// `signal` scaled to `dbfs` RMS.
    public func scaled(_ signal: [Double], toDbfs dbfs: Double) -> [Float] {
        let meanSquare = signal.reduce(0) { $0 + $1 * $1 } / Double(max(signal.count, 1))
        let gain = meanSquare > 0 ? Double.exp10(dbfs / 20) / Double.sqrt(meanSquare) : 0
        return signal.map { Float($0 * gain) }
    }
}
