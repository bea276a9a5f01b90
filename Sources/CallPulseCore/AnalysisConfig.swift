/// How the channels of the input map to parties (SPEC "Audio model").
public enum ChannelLayout: String, Sendable, Codable, CaseIterable {
    /// Stereo: channel 0 agent, channel 1 customer (the stereo default); also two mono inputs.
    case agentCustomer = "agent,customer"
    /// Stereo: channel 0 customer, channel 1 agent.
    case customerAgent = "customer,agent"
    /// Mono headset microphone only: customer figures are unknown (the mono default).
    case agentOnly = "agent"
    /// Mono with both voices on one channel: speech and silence figures only.
    case mixed = "mixed"

    /// Number of input channels the layout expects.
    public var channelCount: Int {
        switch self {
        case .agentCustomer, .customerAgent: 2
        case .agentOnly, .mixed: 1
        }
    }

    /// The party carried by each input channel, in channel order.
    public var parties: [Party] {
        switch self {
        case .agentCustomer: [.agent, .customer]
        case .customerAgent: [.customer, .agent]
        case .agentOnly: [.agent]
        case .mixed: [.mixed]
        }
    }

    /// Whether both parties are heard separately, so that figures comparing them exist.
    public var hasBothParties: Bool { channelCount == 2 }
}

/// The conversation thresholds of SPEC "Definitions". Every value marked *default* there is
/// a field here, in seconds; the analysis converts them to whole 10 ms frames.
public struct ConversationConfig: Sendable, Equatable {
    /// Shortest mutual silence that is a pause (SPEC `pause_min_s`, default 1.0 s).
    public var pauseMinS: Double = 1.0
    /// Shortest pause that is also dead air (SPEC `dead_air_min_s`, default 5.0 s, as Google CCAI).
    public var deadAirMinS: Double = 5.0
    /// A segment inside the other's speech shorter than this is a backchannel (default 1.0 s).
    public var backchannelMaxS: Double = 1.0
    /// Both must speak together at least this long for an interruption (default 0.5 s).
    public var interruptionMinOverlapS: Double = 0.5
    /// The interrupted party must have been speaking at least this long (SPEC: 0.3 s).
    public var interruptionMinHeldS: Double = 0.3
    /// An onset within the other's last this-many seconds of speech is a smooth hand-over (0.5 s).
    public var handOverS: Double = 0.5
    /// The interrupted party stops within this time for the interruption to take the floor (2 s).
    public var takenFloorS: Double = 2.0
    /// Starts this close together after a silence are simultaneous, not interruptions (0.3 s).
    public var simultaneousStartS: Double = 0.3

    public init() {}
}

/// Rules that raise an alert (SPEC "Alerts"); every limit is configurable.
public struct AlertLimits: Sendable, Equatable {
    /// Alert when rings before answer exceed this (default 3: "answer within three rings").
    public var maxRings: Int = 3
    /// Alert when the agent's talk share exceeds this ("listen more", default 0.65).
    public var maxAgentShare: Double = 0.65
    /// Alert when the greeting latency exceeds this, in seconds (default 3).
    public var maxGreetingLatencyS: Double = 3.0
    /// Alert when the agent interrupts at least this often (default 2).
    public var maxAgentInterruptions: Int = 2
    /// Alert when a party's channel has a signal-to-noise ratio below this, in dB (default 15).
    public var minSNRdB: Double = 15.0
    /// Alert when more than this fraction of a channel's samples clip (default 0.001).
    public var maxClippedRatio: Double = 0.001
    /// Alert when the agent's longest monologue exceeds this, in seconds (default 90).
    public var maxAgentMonologueS: Double = 90.0

    public init() {}
}

/// Speech-segment post-processing of SPEC "Speech segment": bridge short gaps first,
/// then drop short bursts.
public struct SegmentationConfig: Sendable, Equatable {
    /// Gaps shorter than this, in seconds, are part of the segment (SPEC: 200 ms).
    public var bridgeGapS: Double = 0.2
    /// Bursts shorter than this, in seconds, are not speech (SPEC: 100 ms).
    public var minBurstS: Double = 0.1

    public init() {}
}
