import CallPulseTestSupport
import Testing
@testable import CallPulseCore

/// What may sound near a ring without hiding it (issue 8: rings missed on unseen calls): a
/// steady tone of another pitch under the ringing, a wavering note shortly before the first
/// ring, a ring burst the detector loses for a moment. Expected figures come from how the
/// signal was built.
@Suite struct RingNeighbourTests {
    /// A steady sine at `frequencyHz`, `peakDbfs`, over the whole signal.
    static func addSteadyTone(_ builder: inout SignalBuilder, frequencyHz: Double, peakDbfs: Double) {
        builder.addTone([frequencyHz], from: 0, to: builder.durationS, peakDbfs: peakDbfs)
    }

    /// The summary's rings against the built call: count, first ring within 50 ms, ring to
    /// answer within 0.1 s (the answer at the end of the last burst).
    static func expectSummary(_ run: RingRun, _ call: RingingCall, rings: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let summary = run.summary(firstSpeechOnsetS: call.speechOnsetS)
        #expect(summary?.rings == rings, sourceLocation: sourceLocation)
        #expect(abs((summary?.firstRingS ?? -99) - call.ringOnsetsS[0]) <= 0.05, sourceLocation: sourceLocation)
        let truth = call.lastBurstEndS - call.ringOnsetsS[0]
        #expect(abs((summary?.ringToAnswerS ?? -99) - truth) <= 0.1, sourceLocation: sourceLocation)
    }

    /// The live reports whose onsets lie after `reportedAfterS`: one per ring, numbered from 1,
    /// each naming its ring's onset within 50 ms.
    static func expectLiveRings(_ run: RingRun, _ call: RingingCall, reportedAfterS: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        let later = run.events.filter { FrameClock.seconds($0.onsetFrame) >= reportedAfterS }
        #expect(later.map(\.ringNumber) == Array(1...call.ringOnsetsS.count), sourceLocation: sourceLocation)
        for (event, onsetS) in zip(later, call.ringOnsetsS) {
            #expect(abs(FrameClock.seconds(event.onsetFrame) - onsetS) <= 0.05, sourceLocation: sourceLocation)
        }
    }

    @Test("a hum harmonic in the ringing band, under the ringback all through, hides no ring",
          arguments: [(368.0, "IT 425", 15.0), (394.5, "US 440", 15.0), (394.5, "FR 440", 8.0)])
    func humHarmonicUnderTheRinging(humHz: Double, plan name: String, underDb: Double) {
        let plan = TonePlan.named(name)
        var call = RingingCall(plan: plan, rings: 4, firstOnsetS: 1.37, speechDelayS: 1.2)
        // 8-15 dB under the ring's peak: a mains harmonic that the 300 Hz high-pass of a phone
        // line left standing. The tone detector follows the ring while it sounds and the
        // hum between the rings, so before the change the hum's "bursts" filled every off
        // period and no ring was found. At 8 dB under, the second before the first ring holds
        // 0.16 of its energy (over the 0.1 allowed) and the hum, 46 Hz from the ring, lies in
        // the ring's 120 Hz cluster: only the ring's own bins tell the line's noise there.
        var builder = SignalBuilder(sampleRateHz: 8000, durationS: Double(call.samples.count) / 8000)
        builder.samples = call.samples
        Self.addSteadyTone(&builder, frequencyHz: humHz, peakDbfs: -12 - underDb)
        call.samples = builder.samples
        let run = runRingDetector(call.samples, sampleRateHz: 8000)
        Self.expectSummary(run, call, rings: 4)
        // Live, the hum already sounding when the input starts is a tone that could be a ring
        // under way (a capture started mid-ring), and is reported as one; after it, each ring
        // is reported at its onset, numbered from 1.
        Self.expectLiveRings(run, call, reportedAfterS: 0.5)
    }

    @Test("a wavering note 0.9 s before the first ring does not void it")
    func waveringNoteBeforeTheFirstRing() {
        let plan = TonePlan.named("DE 425")
        var call = RingingCall(plan: plan, rings: 3, firstOnsetS: 2.0, speechDelayS: 1.2)
        // A sung or held note at the ring's level, 420 Hz with a 5 Hz vibrato of +-5 Hz (its
        // block centroids spread about 10 Hz: no ring tone), 0.55 s long, ending 0.9 s before
        // the first ring: a neighbour that would leave the ring less than `minRingOffS` of
        // quiet before it, were it counted as one.
        let rate = 8000.0
        let amplitude = Float(Double.pow(10, -12 / 20.0))
        var phase = 0.0
        for n in Int(0.55 * rate)..<Int(1.1 * rate) {
            let f = 420 + 5 * Double.sin(2 * Double.pi * 5 * Double(n) / rate)
            phase += 2 * Double.pi * f / rate
            call.samples[n] += amplitude * Float(Double.sin(phase))
        }
        let run = runRingDetector(call.samples, sampleRateHz: 8000)
        Self.expectSummary(run, call, rings: 3)
        // Live, the note is a steady enough tone for its first quarter second to be reported
        // (its waver shows over the whole note, after the report); each ring after it is
        // reported at its onset, numbered from 1.
        Self.expectLiveRings(run, call, reportedAfterS: 1.5)
    }

    @Test("a ring burst the detector loses for a block under a click is one burst")
    func burstLostForABlock() {
        let plan = TonePlan.named("DE 425")
        var call = RingingCall(plan: plan, rings: 3, firstOnsetS: 1.37, speechDelayS: 1.2)
        // Two clicks of white noise in each burst, 150 ms, 12 dB over the ring: the block tests
        // fail there while the band's energy holds, so the detector ends the burst and starts
        // it again a frame later. Three pieces of 0.2-0.35 s, each shorter than a ring burst,
        // were no ring.
        var rng = SeededGenerator(seed: 7)
        let amplitude = Float(Double.pow(10, -12 / 20.0))
        for onset in call.ringOnsetsS {
            for start in [0.2, 0.6] {
                for n in Int((onset + start) * 8000)..<Int((onset + start + 0.15) * 8000) {
                    call.samples[n] += 4 * amplitude * Float(Double(rng.next() % 2001) / 1000 - 1)
                }
            }
        }
        let run = runRingDetector(call.samples, sampleRateHz: 8000)
        Self.expectSummary(run, call, rings: 3)
        // Live: each ring reported once, at its onset, numbered in order; the first click
        // hides the tone before the report is due, so it comes once the tone is back (within
        // 0.3 s of the click's end, 0.35 s into the burst) instead of 0.3 s after the onset.
        #expect(run.events.map(\.ringNumber) == [1, 2, 3])
        for ((event, frame), onsetS) in zip(zip(run.events, run.eventFrames), call.ringOnsetsS) {
            #expect(abs(FrameClock.seconds(event.onsetFrame) - onsetS) <= 0.05)
            #expect(FrameClock.seconds(frame) <= onsetS + 0.35 + 0.3)
        }
    }

    @Test("a first ring after noisy seconds counts once the next ring repeats it")
    func firstRingAfterNoiseConfirmedByTheNext() {
        let plan = TonePlan.named("DE 425")
        var call = RingingCall(plan: plan, rings: 3, firstOnsetS: 2.0, speechDelayS: 1.2)
        // In the 0.9 s before each of the first two rings, pink noise that comes and goes every
        // 100 ms (babble's syllables, not steady line noise), 6 dB under the ring's RMS: the
        // second before each ring holds about 0.2 of the ring's energy under 1 kHz, over the
        // 0.1 a ring needs alone. The third ring follows quiet.
        var generator = SignalGenerator(sampleRateHz: 8000, seed: 11)
        for onset in call.ringOnsetsS.prefix(2) {
            let noise = generator.pinkNoise(seconds: 0.9, dbfs: -12 - 3 - 6)
            let first = Int((onset - 1.0) * 8000)
            for (i, v) in noise.enumerated() where (i / 800) % 2 == 0 { call.samples[first + i] += v }
        }
        let run = runRingDetector(call.samples, sampleRateHz: 8000)
        Self.expectSummary(run, call, rings: 3)
        // Alone, the same first ring is not one: a ring repeats.
        let single = RingingCall(plan: plan, rings: 1, firstOnsetS: 2.0, speechDelayS: 1.2)
        var lone = single.samples
        var again = SignalGenerator(sampleRateHz: 8000, seed: 11)
        let noise = again.pinkNoise(seconds: 0.9, dbfs: -12 - 3 - 6)
        for (i, v) in noise.enumerated() where (i / 800) % 2 == 0 { lone[Int(1.0 * 8000) + i] += v }
        #expect(runRingDetector(lone, sampleRateHz: 8000).summary(firstSpeechOnsetS: single.speechOnsetS) == nil)
    }
}
