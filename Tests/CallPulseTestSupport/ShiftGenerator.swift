/// A generated shift (issue 11): six calls and the idle time between them, stereo (agent
/// left, customer/line right), every call placed by design so that the expected calls come
/// from how the audio was made.
///
/// 1. rings twice (NL 425 Hz, 1 s on / 4 s off), a conversation, ended by a busy tone;
/// 2. rings three times, nobody answers (abandoned), ends by the line idle;
///    then the agent talks to a colleague (agent channel only: not a call);
/// 3. auto-answered: a beep in the agent's ear, the agent's greeting, no ring; ends by the line idle;
///    then 3 minutes idle;
/// 4. rings twice, ended by a busy tone;
/// 5. rings once, ends by the line idle (the agent's last words after the customer's);
/// 6. rings once, still talking when the capture stops.
public struct ShiftGenerator {
    public struct PlacedCall: Sendable {
        /// Where the call starts: its first ring's onset, or the greeting's start.
        public var startS: Double
        /// The end of its last speech (or its last ring burst, abandoned); the capture's end for `stop`.
        public var endS: Double
        public var endedBy: String
        public var rings: Int?
        public var answered: Bool
    }

    public static let sampleRateHz = 8000
    public static let lengthS = 412.0
    static let ringHz = [425.0]

    public static let calls: [PlacedCall] = [
        PlacedCall(startS: 5, endS: 23, endedBy: "hangup_tone", rings: 2, answered: true),
        PlacedCall(startS: 37.5, endS: 48.5, endedBy: "line_silence", rings: 3, answered: false),
        PlacedCall(startS: 110.5, endS: 121, endedBy: "line_silence", rings: nil, answered: true),
        PlacedCall(startS: 301, endS: 319, endedBy: "hangup_tone", rings: 2, answered: true),
        PlacedCall(startS: 343.5, endS: 355, endedBy: "line_silence", rings: 1, answered: true),
        PlacedCall(startS: 400, endS: lengthS, endedBy: "stop", rings: 1, answered: true),
    ]

    /// (channel, start s, end s): 0 agent, 1 customer.
    static let speech: [(Int, Double, Double)] = [
        (0, 12, 14), (1, 14.5, 17.5), (0, 18, 20.5), (1, 21, 23),
        (0, 75, 79), (0, 80, 83),
        (0, 110.5, 112.5), (1, 113, 116), (0, 116.5, 119), (1, 119.5, 121),
        (0, 308.2, 310.2), (1, 310.7, 314), (0, 314.5, 317), (1, 317.5, 319),
        (0, 346, 348), (1, 348.5, 352), (0, 352.5, 355),
        (0, 402, 404), (1, 404.5, 408), (0, 408.5, 411),
    ]
    /// Ring burst onsets on the line, 1 s each.
    static let ringOnsetsS: [Double] = [5, 10, 37.5, 42.5, 47.5, 301, 306, 343.5, 400]
    /// Busy tones (425 Hz, 0.5 s on / 0.5 s off, four bursts) on the line.
    static let busyStartsS: [Double] = [23.5, 319.5]

    /// The shift as interleaved S16 samples, at `sampleRateHz` (the same placements at any rate).
    public static func generate(sampleRateHz: Int = ShiftGenerator.sampleRateHz) -> [Int16] {
        var generator = SignalGenerator(sampleRateHz: sampleRateHz, seed: 0x11)
        let count = Int(lengthS * Double(sampleRateHz))
        var channels = [[Double]](repeating: [Double](repeating: 0, count: count), count: 2)
        for c in 0..<2 {
            for i in 0..<count { channels[c][i] = 0.0005 * generator.gaussian() }
        }
        func place(_ signal: [Float], channel: Int, atS start: Double) {
            let offset = Int((start * Double(sampleRateHz)).rounded())
            for (i, value) in signal.enumerated() where offset + i < count { channels[channel][offset + i] += Double(value) }
        }
        for (c, start, end) in speech {
            place(generator.utterance(seconds: end - start, dbfs: c == 0 ? -20 : -23, pitchHz: c == 0 ? 110...170 : 180...260), channel: c, atS: start)
        }
        for onset in ringOnsetsS { place(generator.tones(ringHz, seconds: 1, dbfs: -20), channel: 1, atS: onset) }
        for start in busyStartsS {
            for k in 0..<4 { place(generator.tones(ringHz, seconds: 0.5, dbfs: -20), channel: 1, atS: start + Double(k)) }
        }
        // The auto-answer beep: 1 kHz, 0.15 s, in the agent's ear just before the greeting.
        place(generator.tones([1000], seconds: 0.15, dbfs: -30), channel: 0, atS: 110.1)
        var interleaved = [Int16](repeating: 0, count: 2 * count)
        for i in 0..<count {
            for c in 0..<2 { interleaved[2 * i + c] = Int16(max(-32_768, min(32_767, (channels[c][i] * 32_768).rounded()))) }
        }
        return interleaved
    }
}
