import CallPulseTestSupport
import RealModule
import Testing
@testable import CallPulseCore

// Test support for the ring detector: national tone plans, a seeded generator, and a small
// synthesizer that places tones, speech-like signal and noise at known times.

/// A tone of a national tone plan: frequencies, optional amplitude modulation, cadence.
struct TonePlan: Sendable, CustomTestStringConvertible {
    var name: String
    /// One tone, or the two of a dual tone, Hz.
    var frequenciesHz: [Double]
    /// Amplitude modulation frequency, Hz (E.180 writes 400*16), with its depth.
    var modulationHz: Double? = nil
    var modulationDepth: Double = 0.85
    /// On, off, on, off… seconds; the last entry is the long off period.
    var cadenceS: [Double]
    /// The frequencies the detector should name (the carrier for AM tones).
    var expectedToneHz: [Double] { frequenciesHz }
    var testDescription: String { name }
    /// Length of one ring cycle, seconds.
    var periodS: Double { cadenceS.reduce(0, +) }

    /// Ringing tones from ITU-T E.180 Supplement 2 and national plans (BT SIN 350 for the UK).
    static let ringing: [TonePlan] = [
        TonePlan(name: "NL 425 1.0/4.0", frequenciesHz: [425], cadenceS: [1.0, 4.0]),
        TonePlan(name: "DE 425 1.0/4.0", frequenciesHz: [425], cadenceS: [1.0, 4.0]),
        TonePlan(name: "BE 425 1.0/3.0", frequenciesHz: [425], cadenceS: [1.0, 3.0]),
        TonePlan(name: "FR 440 1.5/3.5", frequenciesHz: [440], cadenceS: [1.5, 3.5]),
        TonePlan(name: "ES 425 1.5/3.0", frequenciesHz: [425], cadenceS: [1.5, 3.0]),
        TonePlan(name: "IT 425 1.0/4.0", frequenciesHz: [425], cadenceS: [1.0, 4.0]),
        TonePlan(name: "UK 400+450 double", frequenciesHz: [400, 450], cadenceS: [0.4, 0.2, 0.4, 2.0]),
        TonePlan(name: "IE 400+450 double", frequenciesHz: [400, 450], cadenceS: [0.4, 0.2, 0.4, 2.0]),
        TonePlan(name: "US 440+480 2.0/4.0", frequenciesHz: [440, 480], cadenceS: [2.0, 4.0]),
        TonePlan(name: "JP 400*16 1.0/2.0", frequenciesHz: [400], modulationHz: 16, cadenceS: [1.0, 2.0]),
        TonePlan(name: "AU 413+438 double", frequenciesHz: [413, 438], cadenceS: [0.4, 0.2, 0.4, 2.0]),
        TonePlan(name: "AU 425*25 double", frequenciesHz: [425], modulationHz: 25, cadenceS: [0.4, 0.2, 0.4, 2.0]),
        TonePlan(name: "IN 400*25 double", frequenciesHz: [400], modulationHz: 25, cadenceS: [0.4, 0.2, 0.4, 2.0]),
        TonePlan(name: "CN 450 1.0/4.0", frequenciesHz: [450], cadenceS: [1.0, 4.0]),
        TonePlan(name: "RU 425 0.8/3.2", frequenciesHz: [425], cadenceS: [0.8, 3.2]),
        TonePlan(name: "SE 425 1.0/5.0", frequenciesHz: [425], cadenceS: [1.0, 5.0]),
        TonePlan(name: "PT 425 1.0/5.0", frequenciesHz: [425], cadenceS: [1.0, 5.0]),
        TonePlan(name: "AT 420 1.0/5.0", frequenciesHz: [420], cadenceS: [1.0, 5.0]),
        TonePlan(name: "ZA 400*33 double", frequenciesHz: [400], modulationHz: 33, cadenceS: [0.4, 0.2, 0.4, 2.0]),
        TonePlan(name: "US old 420*40 2.0/4.0", frequenciesHz: [420], modulationHz: 40, cadenceS: [2.0, 4.0]),
        TonePlan(name: "TW 440+480 1.0/2.0", frequenciesHz: [440, 480], cadenceS: [1.0, 2.0]),
        TonePlan(name: "HK 440+480 double", frequenciesHz: [440, 480], cadenceS: [0.4, 0.2, 0.4, 3.0]),
    ]

    static func named(_ prefix: String) -> TonePlan { ringing.first { $0.name.hasPrefix(prefix) }! }
}

/// Builds a test signal at a sample rate: tones, speech-like signal and noise at known times.
struct SignalBuilder {
    let sampleRateHz: Int
    var samples: [Float]

    init(sampleRateHz: Int, durationS: Double) {
        self.sampleRateHz = sampleRateHz
        samples = [Float](repeating: 0, count: Int(durationS * Double(sampleRateHz)))
    }

    var durationS: Double { Double(samples.count) / Double(sampleRateHz) }

    private func index(_ seconds: Double) -> Int { min(samples.count, max(0, Int((seconds * Double(sampleRateHz)).rounded()))) }

    /// Adds a tone from `startS` to `endS`; `peakDbfs` is the peak of the summed components.
    mutating func addTone(
        _ frequenciesHz: [Double], from startS: Double, to endS: Double, peakDbfs: Double,
        modulationHz: Double? = nil, modulationDepth: Double = 0.85
    ) {
        let peak = Double.pow(10, peakDbfs / 20)
        let depth = modulationHz == nil ? 0 : modulationDepth
        let amplitude = peak / Double(frequenciesHz.count) / (1 + depth)
        let rate = Double(sampleRateHz)
        for n in index(startS)..<index(endS) {
            let t = Double(n) / rate
            var v = 0.0
            for f in frequenciesHz { v += Double.sin(2 * Double.pi * f * t) }
            if let fm = modulationHz { v *= 1 + depth * Double.cos(2 * Double.pi * fm * t) }
            samples[n] += Float(amplitude * v)
        }
    }

    /// Adds `count` rings of `plan` from `firstOnsetS`; returns each ring's onset and the end
    /// of each burst. `cutAtS` stops the tone there (the answer).
    @discardableResult
    mutating func addRings(_ plan: TonePlan, count: Int, firstOnsetS: Double, peakDbfs: Double, cutAtS: Double? = nil)
        -> (onsetsS: [Double], burstEndsS: [Double])
    {
        var onsets: [Double] = []
        var ends: [Double] = []
        for ring in 0..<count {
            let cycleStart = firstOnsetS + Double(ring) * plan.periodS
            if let cut = cutAtS, cycleStart >= cut { break }
            onsets.append(cycleStart)
            var burstStart = cycleStart
            for i in stride(from: 0, to: plan.cadenceS.count, by: 2) {
                var end = burstStart + plan.cadenceS[i]
                if let cut = cutAtS { end = min(end, cut) }
                if end > burstStart {
                    addTone(plan.frequenciesHz, from: burstStart, to: end, peakDbfs: peakDbfs,
                            modulationHz: plan.modulationHz, modulationDepth: plan.modulationDepth)
                    ends.append(end)
                }
                burstStart += plan.cadenceS[i] + plan.cadenceS[i + 1]
            }
        }
        return (onsets, ends)
    }

    /// Adds speech-like signal: syllables (120-320 ms, gaps 40-200 ms) of a harmonic voice with
    /// a gliding pitch (100-250 Hz) and two formant weights, plus breath noise. `rmsDbfs` is
    /// the level of the syllables.
    mutating func addSpeech(from startS: Double, to endS: Double, rmsDbfs: Double, rng: inout SeededGenerator) {
        let rate = Double(sampleRateHz)
        let target = Double.pow(10, rmsDbfs / 20)
        var t = startS
        while t < endS {
            let length = min(0.12 + 0.2 * rng.uniform(), endS - t)
            let f0Start = 100 + 150 * rng.uniform()
            let f0End = f0Start * (0.8 + 0.4 * rng.uniform())
            let formant1 = 300 + 500 * rng.uniform()
            let formant2 = 900 + 1300 * rng.uniform()
            let first = index(t), last = index(t + length)
            var syllable = [Double](repeating: 0, count: max(0, last - first))
            var phase = 0.0
            var energy = 0.0
            for n in 0..<syllable.count {
                let u = Double(n) / Double(max(syllable.count, 1))
                let f0 = f0Start + (f0End - f0Start) * u
                phase += 2 * Double.pi * f0 / rate
                var v = 0.0
                var k = 1.0
                while k * f0 < min(3400, rate / 2 - 100) {
                    let f = k * f0
                    let weight = 1 / (1 + ((f - formant1) / 120) * ((f - formant1) / 120))
                        + 0.5 / (1 + ((f - formant2) / 200) * ((f - formant2) / 200)) + 0.05
                    v += weight * Double.sin(k * phase) / k.squareRoot()
                    k += 1
                }
                v += 0.05 * rng.gaussian()
                let envelope = Double.sin(Double.pi * u)
                syllable[n] = v * envelope
                energy += syllable[n] * syllable[n]
            }
            let rms = (energy / Double(max(syllable.count, 1))).squareRoot()
            if rms > 0 {
                for n in 0..<syllable.count { samples[first + n] += Float(syllable[n] / rms * target) }
            }
            t += length + 0.04 + 0.16 * rng.uniform()
        }
    }

    enum NoiseColour { case white, pink }

    /// Adds noise over the whole signal at `rmsDbfs`.
    mutating func addNoise(_ colour: NoiseColour, rmsDbfs: Double, rng: inout SeededGenerator) {
        var noise = [Double](repeating: 0, count: samples.count)
        var b0 = 0.0, b1 = 0.0, b2 = 0.0
        for n in noise.indices {
            let w = rng.gaussian()
            switch colour {
            case .white: noise[n] = w
            case .pink:
                // Paul Kellet's economy pink filter (-3 dB/octave within 0.5 dB above 40 Hz at 44.1 kHz).
                b0 = 0.99765 * b0 + w * 0.0990460
                b1 = 0.96300 * b1 + w * 0.2965164
                b2 = 0.57000 * b2 + w * 1.0526913
                noise[n] = b0 + b1 + b2 + w * 0.1848
            }
        }
        let rms = (noise.reduce(0) { $0 + $1 * $1 } / Double(max(noise.count, 1))).squareRoot()
        let gain = Double.pow(10, rmsDbfs / 20) / rms
        for n in noise.indices { samples[n] += Float(noise[n] * gain) }
    }

    /// Clips to full scale, as a recording would.
    mutating func clip() {
        for n in samples.indices { samples[n] = min(1, max(-1, samples[n])) }
    }
}

/// G.711 companding (ITU-T G.711), to run fixtures through a telephone codec.
enum G711 {
    static func muLawEncode(_ x: Float) -> UInt8 {
        let bias = 0x84
        var pcm = Int((min(1, max(-1, x)) * 32767).rounded())
        let sign = pcm < 0 ? 0x80 : 0
        if pcm < 0 { pcm = -pcm }
        pcm = min(pcm, 32635) + bias
        var exponent = 7
        var mask = 0x4000
        while exponent > 0 && pcm & mask == 0 { exponent -= 1; mask >>= 1 }
        let mantissa = (pcm >> (exponent + 3)) & 0x0F
        return UInt8(~(sign | (exponent << 4) | mantissa) & 0xFF)
    }

    static func muLawDecode(_ code: UInt8) -> Float {
        let u = Int(~code & 0xFF)
        let sign = u & 0x80
        let exponent = (u >> 4) & 0x07
        let mantissa = u & 0x0F
        let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
        return Float(sign != 0 ? -magnitude : magnitude) / 32768
    }

    static func aLawEncode(_ x: Float) -> UInt8 {
        var pcm = Int((min(1, max(-1, x)) * 32767).rounded()) >> 3  // 13-bit
        let sign = pcm >= 0 ? 0x80 : 0
        if pcm < 0 { pcm = -pcm - 1 }
        pcm = min(pcm, 0xFFF)
        var code: Int
        if pcm < 32 {
            code = pcm >> 1
        } else {
            var exponent = 1
            while (pcm >> (exponent + 5)) > 0 { exponent += 1 }
            code = (exponent << 4) | ((pcm >> exponent) & 0x0F)
        }
        return UInt8((code | sign) ^ 0x55)
    }

    static func aLawDecode(_ code: UInt8) -> Float {
        let a = Int(code ^ 0x55)
        let exponent = (a >> 4) & 0x07
        let mantissa = a & 0x0F
        var magnitude = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1)
        magnitude = min(magnitude, 32767)
        return Float((a & 0x80) != 0 ? magnitude : -magnitude) / 32768
    }

    static func muLawRoundTrip(_ samples: [Float]) -> [Float] { samples.map { muLawDecode(muLawEncode($0)) } }
    static func aLawRoundTrip(_ samples: [Float]) -> [Float] { samples.map { aLawDecode(aLawEncode($0)) } }
}

/// What the ring detector reported for one signal.
struct RingRun {
    var events: [RingEvent]
    /// The frame whose `process` call returned each event.
    var eventFrames: [Int]
    var detector: RingDetector

    func summary(firstSpeechOnsetS: Double?, config: RingConfig = RingConfig()) -> RingSummary? {
        RingAnswer.summarize(
            rings: detector.rings, bursts: detector.bursts, toneHz: detector.toneHz, cadenceS: detector.cadenceS,
            speech: firstSpeechOnsetS.map { [Segment(party: .agent, startFrame: FrameClock.frames($0), endFrame: FrameClock.frames($0) + 100)] } ?? [], config: config
        )
    }
}

/// Feeds `samples` to a ring detector in 10 ms frames, as the analyzer does.
func runRingDetector(_ samples: [Float], sampleRateHz: Int, config: RingConfig = RingConfig()) -> RingRun {
    var detector = RingDetector(sampleRateHz: sampleRateHz, config: config)
    var events: [RingEvent] = []
    var eventFrames: [Int] = []
    var frame = 0
    samples.withUnsafeBufferPointer { all in
        while true {
            let first = FrameClock.firstSample(ofFrame: frame, sampleRateHz: sampleRateHz)
            let next = FrameClock.firstSample(ofFrame: frame + 1, sampleRateHz: sampleRateHz)
            guard next <= all.count else { break }
            if let event = detector.process(frame: UnsafeBufferPointer(rebasing: all[first..<next])) {
                events.append(event)
                eventFrames.append(frame)
            }
            frame += 1
        }
    }
    detector.finish()
    return RingRun(events: events, eventFrames: eventFrames, detector: detector)
}
