import CallPulseCore
import Testing

/// A steady tone is speech to the voice detector for the quarter second before the tone
/// detector knows it; the level it teaches then is the tone's, and must be forgotten
/// (issue 8: a ringback on the customer's line set the customer's speech level, and the
/// line's babble 10-20 dB under it then passed for the customer's speech).
@Suite struct ToneSpeechLevelTests {
    /// The frames a detector sees: `noiseDbfs` noise, and from `tone.start` a tone at
    /// `tone.dbfs` that the tone detector knows `knownAfter` frames after its onset, placing
    /// that onset `reportedLate` frames after the true one.
    static func run(_ detector: inout VoiceActivityDetector, frames: Range<Int>, noiseDbfs: Double,
                    tone: (start: Int, dbfs: Double, knownAfter: Int, reportedLate: Int)? = nil,
                    voice: (range: Range<Int>, dbfs: Double)? = nil) {
        for frame in frames {
            var observation = VoiceActivityDetector.Observation(
                levelDbfs: noiseDbfs, snrDb: 0, explainedByLeak: false, predictionResidual: 0.5, voicing: 0)
            if let voice, voice.range.contains(frame) {
                observation = VoiceActivityDetector.Observation(
                    levelDbfs: voice.dbfs, snrDb: voice.dbfs - noiseDbfs, explainedByLeak: false, predictionResidual: 0.3, voicing: 0.9)
            }
            if let tone, frame >= tone.start {
                let age = frame - tone.start
                // A tone mixed with the line's noise predicts to more than the tonal residual.
                observation = VoiceActivityDetector.Observation(
                    levelDbfs: tone.dbfs, snrDb: tone.dbfs - noiseDbfs, explainedByLeak: false, predictionResidual: 0.05,
                    toneAgeFrames: age >= tone.knownAfter ? age - tone.reportedLate : nil, voicing: 0.95)
            }
            _ = detector.process(observation)
        }
    }

    @Test("a tone on a quiet line leaves the party without a speech level once it is known")
    func toneFromSilence() {
        var detector = VoiceActivityDetector()
        Self.run(&detector, frames: 0..<100, noiseDbfs: -50)
        Self.run(&detector, frames: 100..<120, noiseDbfs: -50, tone: (start: 100, dbfs: -30, knownAfter: 25, reportedLate: 0))
        // Before the tone is known it passes for speech and sets a level near its own.
        #expect(detector.isActive)
        #expect(abs(detector.speechLevelDbfs - -30) < 1)
        Self.run(&detector, frames: 120..<160, noiseDbfs: -50, tone: (start: 100, dbfs: -30, knownAfter: 25, reportedLate: 0))
        #expect(!detector.isActive)
        #expect(detector.speechLevelDbfs == -.infinity)
    }

    @Test("a tone from the recording's first frame leaves no speech level either")
    func toneFromTheStart() {
        var detector = VoiceActivityDetector()
        Self.run(&detector, frames: 0..<20, noiseDbfs: -50, tone: (start: 0, dbfs: -30, knownAfter: 25, reportedLate: 0))
        #expect(detector.speechLevelDbfs > -31)
        Self.run(&detector, frames: 20..<60, noiseDbfs: -50, tone: (start: 0, dbfs: -30, knownAfter: 25, reportedLate: 0))
        #expect(detector.speechLevelDbfs == -.infinity)
    }

    @Test("a party's own level stays when a louder tone follows its speech")
    func voiceThenTone() {
        var detector = VoiceActivityDetector()
        Self.run(&detector, frames: 0..<100, noiseDbfs: -50)
        Self.run(&detector, frames: 100..<300, noiseDbfs: -50, voice: (range: 100..<150, dbfs: -25))
        let voiceLevel = detector.speechLevelDbfs
        #expect(abs(voiceLevel - -25) < 2)
        // A long tone: known once, not forgotten again on every frame it sounds.
        Self.run(&detector, frames: 300..<500, noiseDbfs: -50, tone: (start: 300, dbfs: -20, knownAfter: 25, reportedLate: 0))
        #expect(!detector.isActive)
        // Back to the voice's level (less its slow decay over the tone), not the tone's.
        #expect(detector.speechLevelDbfs < voiceLevel && detector.speechLevelDbfs > voiceLevel - 2)
    }

    /// The voice runs into a louder tone at frame 140; the tone detector knows it 25 frames
    /// later, and places its onset on time or 6 frames late (the slack covers that).
    @Test("a voice going straight into a tone keeps the voice's level, not the tone's", arguments: [0, 6])
    func voiceIntoTone(reportedLate: Int) {
        var detector = VoiceActivityDetector()
        let tone = (start: 140, dbfs: -22.0, knownAfter: 25 + reportedLate, reportedLate: reportedLate)
        Self.run(&detector, frames: 0..<100, noiseDbfs: -50)
        Self.run(&detector, frames: 100..<140, noiseDbfs: -50, voice: (range: 100..<140, dbfs: -28))
        Self.run(&detector, frames: 140..<160, noiseDbfs: -50, tone: tone)
        #expect(abs(detector.speechLevelDbfs - -22) < 1)
        Self.run(&detector, frames: 160..<200, noiseDbfs: -50, tone: tone)
        #expect(abs(detector.speechLevelDbfs - -28) < 1)
    }
}
