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

    @Test("a lone ring after babble 7 dB under it counts; after one voice's syllables 5 dB under it, it does not")
    func loneRingAfterBabble() {
        let plan = TonePlan.named("IT 425")
        let single = RingingCall(plan: plan, rings: 1, firstOnsetS: 2.0, speechDelayS: 1.2)
        // Babble: six voices of syllables over the whole call, together 7 dB under the ring's
        // RMS (peak -12 dBFS, RMS -15; -22 dBFS measured). The second before the ring holds
        // more than the 0.1 of the ring's energy under 1 kHz that a lone ring may have after
        // it; in the tone's own bins it holds far less.
        var babble = SignalBuilder(sampleRateHz: 8000, durationS: Double(single.samples.count) / 8000)
        for voice in 0..<6 {
            var rng = SeededGenerator(seed: 40 + UInt64(voice))
            babble.addSpeech(from: 0.05 * Double(voice), to: babble.durationS, rmsDbfs: -15 - 5 - 7.8, rng: &rng)
        }
        var call = single
        for i in call.samples.indices { call.samples[i] += babble.samples[i] }
        Self.expectSummary(runRingDetector(call.samples, sampleRateHz: 8000), call, rings: 1)
        // Without the babble rule the ring is lost: the rule is what finds it.
        var off = RingConfig()
        off.babbleGapSpreadDb = 0
        #expect(runRingDetector(call.samples, sampleRateHz: 8000, config: off).summary(firstSpeechOnsetS: call.speechOnsetS) == nil)

        // One voice talking until 0.15 s before the tone, its syllables 5 dB under it: a note
        // after speech, not a lone ring, with the babble rule as without it (the voice holds
        // too much of the tone's energy).
        var voiced = single.samples
        var talk = SignalBuilder(sampleRateHz: 8000, durationS: Double(voiced.count) / 8000)
        var rng = SeededGenerator(seed: 46)
        talk.addSpeech(from: 0.1, to: 1.85, rmsDbfs: -15 - 5, rng: &rng)
        for i in voiced.indices { voiced[i] += talk.samples[i] }
        #expect(runRingDetector(voiced, sampleRateHz: 8000).summary(firstSpeechOnsetS: single.speechOnsetS) == nil)
    }

    @Test("a voice held on one note between two rings, right after its words, voids neither")
    func heldNoteAfterWordsBetweenRings() {
        let plan = TonePlan.named("DE 425 1.0/4.0")
        var call = RingingCall(plan: plan, rings: 3, firstOnsetS: 1.0, speechDelayS: 1.2)
        // In the 4 s off period before the third ring: 0.7 s of syllables, then a steady
        // 380 Hz note for 0.45 s (a ring burst's length, another tone), ending 1.0 s before the ring.
        let ringOnset = call.ringOnsetsS[2]
        var voice = SignalBuilder(sampleRateHz: 8000, durationS: Double(call.samples.count) / 8000)
        var rng = SeededGenerator(seed: 21)
        voice.addSpeech(from: ringOnset - 2.15, to: ringOnset - 1.45, rmsDbfs: -20, rng: &rng)
        voice.addTone([380], from: ringOnset - 1.45, to: ringOnset - 1.0, peakDbfs: -17)
        for i in call.samples.indices { call.samples[i] += voice.samples[i] }
        Self.expectSummary(runRingDetector(call.samples, sampleRateHz: 8000), call, rings: 3)
    }

    @Test("a two-note melody repeating every 4 s is no ringing", arguments: [(392.0, 0.3, 0.7), (494, 0.3, 0.4), (350, 0.8, 0.7)])
    func twoNoteMelody(secondHz: Double, pauseS: Double, secondS: Double) {
        // A 1 s note at 440 Hz, a pause, a note at another pitch, every 4 s, over a soft low pad
        // (hold music); then a voice. The first note alone would pass for a ring each time.
        var builder = SignalBuilder(sampleRateHz: 8000, durationS: 24)
        builder.addTone([130, 165], from: 0, to: 20, peakDbfs: -34)
        for loop in 0..<5 {
            let start = 1.0 + 4.0 * Double(loop)
            builder.addTone([440], from: start, to: start + 1.0, peakDbfs: -14)
            builder.addTone([secondHz], from: start + 1.0 + pauseS, to: start + 1.0 + pauseS + secondS, peakDbfs: -14)
        }
        var rng = SeededGenerator(seed: 8)
        builder.addSpeech(from: 20.5, to: 23.5, rmsDbfs: -20, rng: &rng)
        #expect(runRingDetector(builder.samples, sampleRateHz: 8000).summary(firstSpeechOnsetS: 20.5) == nil)
    }

    /// Six voices of syllables over the whole of `samples`, together about `rmsDbfs`.
    static func addBabble(_ samples: inout [Float], rmsDbfs: Double, seed: UInt64) {
        var babble = SignalBuilder(sampleRateHz: 8000, durationS: Double(samples.count) / 8000)
        for voice in 0..<6 {
            var rng = SeededGenerator(seed: seed &* 10 &+ UInt64(voice))
            // Syllables 7.8 dB over each voice's share: six voices with their pauses sum to about `rmsDbfs`.
            babble.addSpeech(from: 0.05 * Double(voice), to: babble.durationS, rmsDbfs: rmsDbfs + 3 - 7.8, rng: &rng)
        }
        for i in samples.indices { samples[i] += babble.samples[i] }
    }

    /// A dual ring with babble 12 dB under the pair's RMS over the whole call. Babble this
    /// close moves the balance of the pair's two tones by about a decibel from block to block,
    /// and their power centroid by 3-5 Hz, past the 4 Hz a ring burst may spread; each tone's
    /// own frequency holds (`ToneDetector.peakMean`). Before it 8 of these 10 calls lost
    /// rings; UK 4 lost one until a burst's first block, straddling its onset, no longer split
    /// the burst; HK 5 still does (below).
    static func dualRingOverBabble(_ name: String, seed: UInt64) -> (RingRun, RingingCall) {
        var call = RingingCall(plan: TonePlan.named(name), rings: 4, firstOnsetS: 1.5, speechDelayS: 1.2, seed: seed)
        // The pair's RMS: each tone at half the -12 dBFS peak, -18 dBFS together.
        addBabble(&call.samples, rmsDbfs: -18 - 12, seed: seed)
        return (runRingDetector(call.samples, sampleRateHz: 8000), call)
    }

    @Test("a dual ring 12 dB over babble: every ring counted", arguments: [
        ("IE 400+450 double", UInt64(1)), ("IE 400+450 double", 2), ("UK 400+450 double", 3), ("UK 400+450 double", 4),
        ("HK 440+480 double", 6), ("TW 440+480 1.0/2.0", 7), ("TW 440+480 1.0/2.0", 8),
        ("US 440+480 2.0/4.0", 9), ("US 440+480 2.0/4.0", 10),
    ])
    func dualRingOverBabble(plan name: String, seed: UInt64) {
        let (run, call) = Self.dualRingOverBabble(name, seed: seed)
        Self.expectSummary(run, call, rings: 4)
    }

    @Test("a dual ring 12 dB over babble (known failure: a ring lost)", arguments: [("HK 440+480 double", UInt64(5))])
    func dualRingOverBabbleKnownFailure(plan name: String, seed: UInt64) {
        let (run, call) = Self.dualRingOverBabble(name, seed: seed)
        withKnownIssue("a dual ring 12 dB over babble: one ring of four lost (issue 8)") {
            Self.expectSummary(run, call, rings: 4)
        }
    }

    /// White noise between `startS` and `endS` at `rmsDbfs` (a click).
    static func addClick(_ samples: inout [Float], from startS: Double, to endS: Double, rmsDbfs: Double, rng: inout SeededGenerator) {
        let amplitude = Float(Double.pow(10, rmsDbfs / 20) * 3.0.squareRoot())
        for n in Int(startS * 8000)..<min(samples.count, Int(endS * 8000)) {
            samples[n] += amplitude * Float(rng.uniform() * 2 - 1)
        }
    }

    @Test("a hum broken by a click soon after each ring still hides no ring")
    func humBrokenByAClick() {
        var call = RingingCall(plan: TonePlan.named("IT 425"), rings: 4, firstOnsetS: 1.37, speechDelayS: 1.2)
        var builder = SignalBuilder(sampleRateHz: 8000, durationS: Double(call.samples.count) / 8000)
        builder.samples = call.samples
        Self.addSteadyTone(&builder, frequencyHz: 368, peakDbfs: -12 - 15)
        call.samples = builder.samples
        // A 60 ms click 0.6 s after each ring ends: the hum comes back as a new piece of its
        // pitch, which must stay the line's background (review of 2026-11-29: 0 rings).
        var rng = SeededGenerator(seed: 5)
        for onset in call.ringOnsetsS { Self.addClick(&call.samples, from: onset + 1.6, to: onset + 1.66, rmsDbfs: -6, rng: &rng) }
        Self.expectSummary(runRingDetector(call.samples, sampleRateHz: 8000), call, rings: 4)
    }

    @Test("a louder beep of another pitch where the answer cuts the last ring leaves that ring")
    func connectBeepAtTheAnswer() {
        // DE 425, the third ring cut by the answer 0.5 s in, and a 440 Hz connect beep 6 dB
        // over the ring right there (review of 2026-11-29: the ring was taken for background).
        var builder = SignalBuilder(sampleRateHz: 8000, durationS: 16)
        let truth = builder.addRings(TonePlan.named("DE 425"), count: 3, firstOnsetS: 1.37, peakDbfs: -12, cutAtS: 11.87)
        builder.addTone([440], from: 11.87, to: 12.17, peakDbfs: -6)
        let run = runRingDetector(builder.samples, sampleRateHz: 8000)
        let summary = run.summary(firstSpeechOnsetS: 12.2)
        #expect(summary?.rings == 3)
        #expect(abs((summary?.firstRingS ?? -99) - truth.onsetsS[0]) <= 0.05)
        // The beep's first block blurs the burst's end by up to 0.1 s.
        #expect(abs((summary?.answeredS ?? -99) - 11.87) <= 0.15)
    }

    @Test("hold music: a steady lead note every 4 s over a quieter arpeggio is no ring")
    func holdMusicWithALeadNote() {
        // A 440 Hz note of 1 s (harmonics 10 and 16 dB down) every 4 s, and between its
        // repeats an arpeggio of 0.15 s notes 7 dB under it, none at 440 Hz (review of
        // 2026-11-29: 7 rings, the arpeggio note before each lead note taken for background).
        var builder = SignalBuilder(sampleRateHz: 8000, durationS: 30)
        let notes = [293.66, 369.99, 587.33, 493.88, 659.26, 392.0]
        var lead = 3.0
        var start = 0.2, index = 0
        while start + 0.15 <= 30 {
            if !(start + 0.15 > lead && start < lead + 1) {
                let f = notes[index % notes.count]
                builder.addTone([f], from: start, to: start + 0.15, peakDbfs: -12 - 7)
                builder.addTone([2 * f], from: start, to: start + 0.15, peakDbfs: -22 - 7)
            }
            start += 0.2
            index += 1
            if start >= lead + 1 { lead += 4 }
        }
        lead = 3.0
        while lead + 1 <= 30 {
            builder.addTone([440], from: lead, to: lead + 1, peakDbfs: -12)
            builder.addTone([880], from: lead, to: lead + 1, peakDbfs: -22)
            builder.addTone([1320], from: lead, to: lead + 1, peakDbfs: -28)
            lead += 4
        }
        #expect(runRingDetector(builder.samples, sampleRateHz: 8000).detector.rings.isEmpty)
    }

    @Test("a dual-tone burst broken by a click keeps both tones")
    func dualToneBrokenByAClick() {
        let call = RingingCall(plan: TonePlan.named("US 440"), rings: 3, firstOnsetS: 1.37, speechDelayS: 1.2)
        var samples = call.samples
        var rng = SeededGenerator(seed: 3)
        for onset in call.ringOnsetsS { Self.addClick(&samples, from: onset + 0.2, to: onset + 0.35, rmsDbfs: -9, rng: &rng) }
        let run = runRingDetector(samples, sampleRateHz: 8000)
        #expect(run.detector.rings.count == 3)
        // The pieces are joined and named by the longer one's fine analysis (review of
        // 2026-11-29: the short first piece's centroid, 459 Hz, stood for both tones).
        #expect(run.detector.toneHz.count == 2)
        for (found, truth) in zip(run.detector.toneHz, [440.0, 480.0]) { #expect(abs(found - truth) <= 1) }
    }

    @Test("a hum under a double ring: the hum in the ring's 0.2 s gap goes on under it",
          arguments: [("UK 400+450", 350.0), ("HK", 400.0)])
    func humUnderADoubleRing(plan name: String, humHz: Double) {
        var call = RingingCall(plan: TonePlan.named(name), rings: 4, firstOnsetS: 2.0, speechDelayS: 1.2)
        // 15 dB under. The hum heard in the gap between a ring's two bursts touches the first
        // burst, and its run must carry on from before the ring, or the second burst's onset
        // stops at it, 80 ms late, and the burst falls under a ring burst's length (second
        // review of 2026-11-29: 0 rings).
        var builder = SignalBuilder(sampleRateHz: 8000, durationS: Double(call.samples.count) / 8000)
        builder.samples = call.samples
        Self.addSteadyTone(&builder, frequencyHz: humHz, peakDbfs: -12 - 15)
        call.samples = builder.samples
        Self.expectSummary(runRingDetector(call.samples, sampleRateHz: 8000), call, rings: 4)
    }

    @Test("a hum sounding from the start, less than an off period before the first ring, hides it not",
          arguments: [(0.9, 15.0), (2.0, 6.0)])
    func humFromTheStart(firstRingS: Double, underDb: Double) {
        var call = RingingCall(plan: TonePlan.named("DE 425"), rings: 3, firstOnsetS: firstRingS, speechDelayS: 1.2)
        // A tone sounding since the input began is the line's background even before it has
        // lasted an off period; at 6 dB under it fills the second before the first ring (0.25
        // of its energy) and the ring counts once the next repeats it — the hum, known as the
        // background by then, is no steady tone in that second (second review of 2026-11-29:
        // the first ring lost).
        var builder = SignalBuilder(sampleRateHz: 8000, durationS: Double(call.samples.count) / 8000)
        builder.samples = call.samples
        Self.addSteadyTone(&builder, frequencyHz: 368, peakDbfs: -12 - underDb)
        call.samples = builder.samples
        Self.expectSummary(runRingDetector(call.samples, sampleRateHz: 8000), call, rings: 3)
    }
}
