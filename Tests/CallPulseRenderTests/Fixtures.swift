import CallPulseCore

/// Hand-built summaries: every figure is typed here, so the expectations in the tests follow
/// from these values, not from any analysis.
enum Fixtures {
    /// A stereo call with ringing, both parties heard, four rules broken (rings, dead air,
    /// SNR and clipping on the customer channel) and four kept.
    static let fullCall = Summary(
        source: .init(kind: "wav", path: "Samples/call.wav", sampleRateHz: 8000, channels: 2, format: "pcm16", layout: .agentCustomer),
        session: .init(id: "c0ffee", agent: "anna", startedAt: "2026-11-23T10:00:00Z", durationS: 183.2),
        ring: RingSummary(
            rings: 4, firstRingS: 0.52, answeredS: 14.1, ringToAnswerS: 13.58, answered: true,
            toneHz: [425], onOffS: [1.0, 4.0]
        ),
        talk: .init(agentS: 61.3, customerS: 80.1, overlapS: 3.2, silenceS: 25.4, agentShare: 0.43, agentPct: 0.37, customerPct: 0.48),
        greetingLatencyS: 0.62,
        pauses: [
            Pause(startFrame: 2010, endFrame: 2160, kind: .gap, before: .agent, after: .customer, deadAir: false),
            Pause(startFrame: 5000, endFrame: 5590, kind: .pause, before: .customer, after: .customer, deadAir: true),
        ],
        interruptions: [
            Interruption(atFrame: 4520, by: .agent, overlapFrames: 90, takenFloor: true),
            Interruption(atFrame: 9000, by: .customer, overlapFrames: 50, takenFloor: false),
        ],
        backchannels: .init(agent: 12, customer: 3),
        turns: .init(count: 41, agentLongestMonologueS: 22.4, customerLongestMonologueS: 31.0),
        responseLatency: .init(medianS: 0.41, p90S: 1.2, count: 19),
        switchesPerMin: 6.1,
        levels: [
            ChannelLevels(party: .agent, speechDbfs: -22.1, noiseDbfs: -61.3, snrDb: 39.2, clippedRatio: 0.0),
            ChannelLevels(party: .customer, speechDbfs: -25.4, noiseDbfs: -38.0, snrDb: 12.6, clippedRatio: 0.0012),
        ],
        segments: [
            Segment(party: .agent, startFrame: 1460, endFrame: 1620),
            Segment(party: .customer, startFrame: 1650, endFrame: 2010),
            Segment(party: .agent, startFrame: 2160, endFrame: 3000),
        ],
        alerts: [
            Alert(rule: .rings, value: 4, limit: 3, message: "answered after 4 rings"),
            Alert(rule: .deadAir, value: 5.9, limit: 5, message: "5.9 s of dead air at 0:50.00"),
            Alert(rule: .snr, value: 12.6, limit: 15, message: "customer channel is noisy: SNR 12.6 dB"),
            Alert(rule: .clipping, value: 0.0012, limit: 0.001, message: "customer channel clips 0.120% of samples"),
        ]
    )

    /// A mono headset recording (layout `agent`) without ringing, where most figures are
    /// unknown: customer talk, share, greeting latency, backchannels, monologues, latency,
    /// switches, the agent's speech level and SNR.
    static let sparseCall = Summary(
        source: .init(kind: "wav", path: "mono.wav", sampleRateHz: 16000, channels: 1, format: "float32", layout: .agentOnly),
        session: .init(id: "beef", agent: nil, startedAt: nil, durationS: 50.0),
        ring: nil,
        talk: .init(agentS: 40.0, customerS: nil, overlapS: nil, silenceS: 10.0, agentShare: nil, agentPct: 0.8, customerPct: nil),
        greetingLatencyS: nil,
        pauses: [],
        interruptions: [],
        backchannels: .init(agent: nil, customer: nil),
        turns: .init(count: 0, agentLongestMonologueS: nil, customerLongestMonologueS: nil),
        responseLatency: .init(medianS: nil, p90S: nil, count: 0),
        switchesPerMin: nil,
        levels: [ChannelLevels(party: .agent, speechDbfs: nil, noiseDbfs: -60.0, snrDb: nil, clippedRatio: 0.0)],
        segments: [],
        alerts: []
    )

    /// An abandoned call: it rang twice and nobody answered.
    static let abandonedCall: Summary = {
        var summary = sparseCall
        summary.source.path = "abandoned.wav"
        summary.ring = RingSummary(
            rings: 2, firstRingS: 1.0, answeredS: nil, ringToAnswerS: nil, answered: false,
            toneHz: [440, 480], onOffS: [2.0, 4.0]
        )
        return summary
    }()
}

/// `text` with ANSI escape sequences (`ESC [ … m`) removed.
func strippingANSI(_ text: String) -> String {
    var result = ""
    var inEscape = false
    for character in text {
        if inEscape {
            if character == "m" { inEscape = false }
        } else if character == "\u{1B}" {
            inEscape = true
        } else {
            result.append(character)
        }
    }
    return result
}
