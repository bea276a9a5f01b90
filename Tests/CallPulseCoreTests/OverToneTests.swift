import CallPulseCore
import Testing

/// A voice over a tone the channel's tone detector holds (issue 8, `overToneMarginDb`): a
/// mains harmonic in the ringing band is held between the words and under the softer ones,
/// and comes back after every word; a voice 6 dB over the tone's own level is not the tone.
@Suite struct OverToneTests {
    typealias Observation = VoiceActivityDetector.Observation

    /// Line noise at -50 dBFS, 3 s: the background.
    static let line: [Observation] = Array(repeating: .init(levelDbfs: -50, snrDb: 0, explainedByLeak: false, predictionResidual: 0.5, voicing: 0.2), count: 300)

    /// A steady tone at `levelDbfs`, known to the tone detector (from its 25th frame on, as the
    /// analyser reports it), `frames` long.
    static func knownTone(_ levelDbfs: Double, pitchHz: Double, frames: Int = 200) -> [Observation] {
        (0..<frames).map { n in
            .init(levelDbfs: levelDbfs, snrDb: levelDbfs + 50, explainedByLeak: false, predictionResidual: 0.5,
                  toneAgeFrames: 25 + n, voicing: 0.9, pendingToneDbfs: levelDbfs, tonePitchHz: pitchHz)
        }
    }

    /// A voiced frame at `levelDbfs` while the tone detector hears the tone of `pitchHz` again
    /// (its first blocks: not known yet, `known` false) or knows it (`known` true, since `age` frames).
    static func voice(_ levelDbfs: Double, pitchHz: Double, known: Bool = false, age: Int = 25) -> Observation {
        .init(levelDbfs: levelDbfs, snrDb: levelDbfs + 50, explainedByLeak: false, predictionResidual: 0.5,
              toneAgeFrames: known ? age : nil, voicing: 0.9, pendingToneDbfs: -49, tonePitchHz: pitchHz)
    }

    static func feed(_ detector: inout VoiceActivityDetector, _ frames: [Observation]) {
        for frame in frames { _ = detector.process(frame) }
    }

    @Test("a voice over the line's hum stands over it from the hum's first block after a word, and from the first frame it is known again")
    func voiceOverRememberedHum() {
        var detector = VoiceActivityDetector()
        Self.feed(&detector, Self.line + Self.knownTone(-49, pitchHz: 360))
        // The hum comes back under the next word: heard (pending), not yet known.
        Self.feed(&detector, [Self.voice(-30, pitchHz: 361)])
        #expect(detector.standsOverTone, "a voice 19 dB over the remembered hum, while the hum is heard again")
        // Known again in the middle of the word: its level starts from the remembered one.
        var fresh = VoiceActivityDetector()
        Self.feed(&fresh, Self.line + Self.knownTone(-49, pitchHz: 360) + Array(repeating: Self.line[0], count: 30))
        Self.feed(&fresh, [Self.voice(-30, pitchHz: 360, known: true)])
        #expect(fresh.standsOverTone, "the voice on the frame the hum is known again")
        // Without a remembered tone (another pitch), the first known frame sets the tone's level.
        var other = VoiceActivityDetector()
        Self.feed(&other, Self.line + Self.knownTone(-49, pitchHz: 360) + Array(repeating: Self.line[0], count: 30))
        Self.feed(&other, [Self.voice(-30, pitchHz: 440, known: true)])
        #expect(!other.standsOverTone)
    }

    @Test("a ring is not remembered as the line's tone: the next burst's frames are its own")
    func ringIsNotRemembered() {
        var detector = VoiceActivityDetector()
        // A ring 30 dB over the line, then heard again (its next burst) under something 15 dB louder.
        Self.feed(&detector, Self.line + Self.knownTone(-20, pitchHz: 425, frames: 100))
        Self.feed(&detector, Array(repeating: Self.line[0], count: 200))
        Self.feed(&detector, Array(repeating: Self.voice(-5, pitchHz: 425), count: 3))
        #expect(!detector.standsOverTone, "a remembered ring made the next burst's onset stand over it")
    }

    @Test("an amplitude-modulated ring does not stand over itself")
    func modulatedRing() {
        var detector = VoiceActivityDetector()
        Self.feed(&detector, Self.line)
        // 16 Hz modulation, full depth: frame levels swing 20 dB over a 6-frame period. The
        // tone is known from its 25th frame, which falls in a trough.
        let swing = [-20.0, -21, -25, -40, -25, -21]
        var over = 0
        for n in 0..<300 {
            let level = swing[(n + 2) % swing.count]
            _ = detector.process(.init(levelDbfs: level, snrDb: level + 50, explainedByLeak: false, predictionResidual: 0.5,
                                       toneAgeFrames: n >= 25 ? n : nil, voicing: 0.9, pendingToneDbfs: -22, tonePitchHz: 420))
            if detector.standsOverTone { over += 1 }
        }
        #expect(over == 0, "\(over) frames of the ring stood over it")
    }
}
