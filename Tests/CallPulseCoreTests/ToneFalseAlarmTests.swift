import CallPulseTestSupport
import RealModule
import Testing
@testable import CallPulseCore

extension SignalBuilder {
    /// Adds a tone whose frequency follows `frequencyHz(t)`, with harmonics of relative
    /// amplitudes `harmonics` (1 = the fundamental), from `startS` to `endS`, fundamental peak `peakDbfs`.
    mutating func addSweptTone(
        from startS: Double, to endS: Double, peakDbfs: Double, harmonics: [Double] = [1],
        frequencyHz: (Double) -> Double
    ) {
        let rate = Double(sampleRateHz)
        let amplitude = Double.pow(10, peakDbfs / 20)
        var phase = 0.0
        let first = Int(startS * rate), last = min(samples.count, Int(endS * rate))
        guard first < last else { return }
        for n in first..<last {
            let t = Double(n) / rate
            phase += 2 * Double.pi * frequencyHz(t) / rate
            // 10 ms raised-cosine edges, as a voice or an instrument would start.
            let edge = min(1, (t - startS) / 0.01, (endS - t) / 0.01)
            var v = 0.0
            for (k, a) in harmonics.enumerated() { v += a * Double.sin(Double(k + 1) * phase) }
            samples[n] += Float(amplitude * v * edge)
        }
    }

    /// Adds a cadenced tone: `pattern` on/off seconds repeated from `startS` to `endS`.
    mutating func addCadence(_ frequenciesHz: [Double], pattern: [Double], from startS: Double, to endS: Double, peakDbfs: Double) {
        var t = startS
        var i = 0
        while t < endS {
            let on = pattern[i % pattern.count], off = pattern[(i + 1) % pattern.count]
            addTone(frequenciesHz, from: t, to: min(t + on, endS), peakDbfs: peakDbfs)
            t += on + off
            i += 2
        }
    }
}

@Suite("Ring detector: tones that are not rings")
struct ToneFalseAlarmTests {
    /// Runs the detector and checks that no ring is found, and that at most the very first
    /// burst was reported live (a provisional "RING 1" the detector cannot yet tell apart).
    func expectNoRings(_ builder: SignalBuilder, sourceLocation: SourceLocation = #_sourceLocation) {
        let run = runRingDetector(builder.samples, sampleRateHz: builder.sampleRateHz)
        #expect(run.detector.rings.isEmpty, "rings at \(run.detector.rings.map(\.onsetS))", sourceLocation: sourceLocation)
        #expect(run.summary(firstSpeechOnsetS: nil) == nil, sourceLocation: sourceLocation)
        #expect(run.events.count <= 1, "live events \(run.events) bursts \(run.detector.toneBursts.map { ($0.startS, $0.endS, $0.frequenciesHz) })", sourceLocation: sourceLocation)
    }

    @Test("dial tone, continuous", arguments: [[425.0], [350.0, 440.0], [400.0], [350.0, 450.0]])
    func dialTone(frequenciesHz: [Double]) {
        var builder = SignalBuilder(sampleRateHz: 8000, durationS: 12)
        builder.addTone(frequenciesHz, from: 0.5, to: 8.5, peakDbfs: -10)
        var rng = SeededGenerator(seed: 3)
        builder.addSpeech(from: 9.5, to: 11.5, rmsDbfs: -20, rng: &rng)
        expectNoRings(builder)
    }

    @Test("busy and congestion tones", arguments: [
        ("busy 425 0.5/0.5", [425.0], [0.5, 0.5]),
        ("busy UK 400 0.375/0.375", [400.0], [0.375, 0.375]),
        ("busy US 480+620 0.5/0.5", [480.0, 620.0], [0.5, 0.5]),
        ("busy AT 440 0.4/0.4", [440.0], [0.4, 0.4]),
        ("congestion 425 0.25/0.25", [425.0], [0.25, 0.25]),
        ("congestion UK 400 0.4/0.35/0.225/0.525", [400.0], [0.4, 0.35, 0.225, 0.525]),
        ("congestion ES 425 0.2/0.2/0.2/0.2/0.2/0.6", [425.0], [0.2, 0.2, 0.2, 0.2, 0.2, 0.6]),
        ("congestion SE 425 0.25/0.75", [425.0], [0.25, 0.75]),
    ])
    func busy(name: String, frequenciesHz: [Double], pattern: [Double]) {
        for durationS in [1.6, 10.0] {
            var builder = SignalBuilder(sampleRateHz: 8000, durationS: durationS + 2)
            builder.addCadence(frequenciesHz, pattern: pattern, from: 0.6, to: 0.6 + durationS, peakDbfs: -12)
            expectNoRings(builder)
        }
    }

    @Test("call-waiting beeps over a conversation", arguments: [
        ("US 440 0.3", [440.0], [0.3, 9.7]),
        ("CEPT 425 0.2/0.2/0.2", [425.0], [0.2, 0.2, 0.2, 9.4]),
        ("UK 400 0.1", [400.0], [0.1, 3.9]),
        ("NZ 400 0.25/0.25/0.25", [400.0], [0.25, 0.25, 0.25, 3.25]),
        ("JP 400*16 0.5 (as a plain tone) 0.1/0.1/0.1", [400.0], [0.1, 0.1, 0.1, 3.0]),
    ])
    func callWaiting(name: String, frequenciesHz: [Double], pattern: [Double]) {
        for withSpeech in [false, true] {
            var builder = SignalBuilder(sampleRateHz: 8000, durationS: 32)
            var rng = SeededGenerator(seed: 5)
            if withSpeech { builder.addSpeech(from: 0.3, to: 31, rmsDbfs: -22, rng: &rng) }
            builder.addCadence(frequenciesHz, pattern: pattern, from: 1.0, to: 31, peakDbfs: -14)
            expectNoRings(builder)
        }
    }

    @Test("DTMF digits, short and held")
    func dtmf() {
        let rows = [697.0, 770, 852, 941], columns = [1209.0, 1336, 1477]
        for (onS, offS) in [(0.1, 0.1), (0.07, 0.05), (0.6, 2.0)] {
            var builder = SignalBuilder(sampleRateHz: 8000, durationS: 20)
            var t = 0.5, digit = 0
            while t < 19 {
                builder.addTone([rows[digit % 4], columns[digit % 3]], from: t, to: t + onS, peakDbfs: -8)
                t += onS + offS
                digit += 1
            }
            expectNoRings(builder)
        }
    }

    @Test("hold music: notes every 200-400 ms, some in the ring band, with chords", arguments: [1, 2, 3] as [UInt64])
    func holdMusic(seed: UInt64) {
        var builder = SignalBuilder(sampleRateHz: 8000, durationS: 30)
        var rng = SeededGenerator(seed: seed)
        // A-minor scale around the ringing band (A3 220 Hz .. E5 659 Hz).
        let scale = [220.0, 246.9, 261.6, 293.7, 329.6, 349.2, 392.0, 440.0, 493.9, 523.3, 587.3, 659.3]
        var t = 0.5
        while t < 29.5 {
            let length = 0.2 + 0.2 * rng.uniform()
            let note = scale[Int(rng.uniform() * Double(scale.count))]
            builder.addSweptTone(from: t, to: t + length + 0.02, peakDbfs: -14, harmonics: [1, 0.3, 0.1]) { _ in note }
            if rng.uniform() < 0.4 {
                // A chord under the melody: root, third and fifth an octave lower.
                for ratio in [0.5, 0.63, 0.75] {
                    builder.addSweptTone(from: t, to: t + length, peakDbfs: -22, harmonics: [1, 0.2]) { _ in note * ratio }
                }
            }
            t += length
        }
        // Sustained notes too: one 0.6-1.2 s note in the band every few seconds.
        for start in stride(from: 3.0, to: 28.0, by: 4.7) {
            let note = [392.0, 440.0, 493.9][Int(start) % 3]
            builder.addSweptTone(from: start, to: start + 0.6 + 0.1 * Double(Int(start) % 6), peakDbfs: -16, harmonics: [1, 0.3]) { _ in note }
        }
        expectNoRings(builder)
    }

    @Test("a sung note with vibrato between words", arguments: [392.0, 440.0, 466.2])
    func sungNote(noteHz: Double) {
        var builder = SignalBuilder(sampleRateHz: 8000, durationS: 14)
        var rng = SeededGenerator(seed: 7)
        builder.addSpeech(from: 0.5, to: 4.0, rmsDbfs: -20, rng: &rng)
        // 5.5 Hz vibrato of ±1.5 %, as singers do; harmonics of a voice.
        builder.addSweptTone(from: 4.2, to: 5.5, peakDbfs: -14, harmonics: [1, 0.5, 0.3, 0.2]) { t in
            noteHz * (1 + 0.015 * Double.sin(2 * Double.pi * 5.5 * t))
        }
        builder.addSpeech(from: 5.6, to: 8.0, rmsDbfs: -20, rng: &rng)
        // The same note held with little vibrato while speech goes on underneath.
        builder.addSweptTone(from: 8.3, to: 9.8, peakDbfs: -14, harmonics: [1, 0.4, 0.2]) { t in
            noteHz * (1 + 0.004 * Double.sin(2 * Double.pi * 5 * t))
        }
        builder.addSpeech(from: 7.5, to: 13.0, rmsDbfs: -22, rng: &rng)
        expectNoRings(builder)
    }

    @Test("a whistled note inside speech", arguments: [350.0, 420.0, 480.0])
    func whistle(noteHz: Double) {
        var builder = SignalBuilder(sampleRateHz: 8000, durationS: 12)
        var rng = SeededGenerator(seed: 11)
        builder.addSpeech(from: 0.5, to: 3.0, rmsDbfs: -20, rng: &rng)
        // A pure whistle with a slight glide and ±1 % vibrato.
        builder.addSweptTone(from: 3.3, to: 4.4, peakDbfs: -12) { t in
            noteHz * (1 + 0.01 * Double.sin(2 * Double.pi * 5 * t) + 0.01 * (t - 3.3))
        }
        builder.addSpeech(from: 4.6, to: 7.0, rmsDbfs: -20, rng: &rng)
        // A steady whistle (no vibrato) right after a word.
        builder.addSweptTone(from: 7.2, to: 8.2, peakDbfs: -12) { _ in noteHz }
        builder.addSpeech(from: 8.4, to: 11.5, rmsDbfs: -20, rng: &rng)
        expectNoRings(builder)
    }

    @Test("mains hum and its harmonics", arguments: [50.0, 60.0])
    func hum(mainsHz: Double) {
        var builder = SignalBuilder(sampleRateHz: 8000, durationS: 20)
        var rng = SeededGenerator(seed: 13)
        // Harmonics up to the 12th, falling 3 dB each: the 7th-9th lie in the ring band.
        let harmonics = (0..<12).map { Double.pow(10, -3 * Double($0) / 20) }
        builder.addSweptTone(from: 0, to: 20, peakDbfs: -20, harmonics: harmonics) { _ in mainsHz }
        builder.addSpeech(from: 6.0, to: 12.0, rmsDbfs: -20, rng: &rng)
        expectNoRings(builder)
        // A single strong in-band harmonic (a buzzing transformer), alone.
        var buzz = SignalBuilder(sampleRateHz: 8000, durationS: 20)
        buzz.addSweptTone(from: 0, to: 20, peakDbfs: -20, harmonics: [0.3, 0, 0, 0, 0, 0, 0, 1]) { _ in mainsHz }
        expectNoRings(buzz)
    }

    @Test("speech and noise alone", arguments: [1, 2, 3, 4] as [UInt64])
    func speechAlone(seed: UInt64) {
        var builder = SignalBuilder(sampleRateHz: 8000, durationS: 30)
        var rng = SeededGenerator(seed: seed)
        builder.addSpeech(from: 0.2, to: 29.5, rmsDbfs: -18, rng: &rng)
        builder.addNoise(seed % 2 == 0 ? .white : .pink, rmsDbfs: -45, rng: &rng)
        expectNoRings(builder)
    }
}
