import ArgumentParser
import CallPulseCore

/// Every *default* threshold of SPEC "Definitions" and "Alerts", as options shared by
/// the commands that analyse audio.
struct ThresholdOptions: ParsableArguments {
    @Option(name: .customLong("pause-min"), help: ArgumentHelp("Shortest mutual silence that counts as a pause, in seconds.", valueName: "S"))
    var pauseMinS: Double = ConversationConfig().pauseMinS

    @Option(name: .customLong("dead-air-min"), help: ArgumentHelp("Shortest pause that counts as dead air, in seconds.", valueName: "S"))
    var deadAirMinS: Double = ConversationConfig().deadAirMinS

    @Option(name: .customLong("backchannel-max"), help: ArgumentHelp("Longest short acknowledgement inside the other's speech (a backchannel), in seconds.", valueName: "S"))
    var backchannelMaxS: Double = ConversationConfig().backchannelMaxS

    @Option(name: .customLong("interruption-min-overlap"), help: ArgumentHelp("Shortest overlap that makes an interruption, in seconds.", valueName: "S"))
    var interruptionMinOverlapS: Double = ConversationConfig().interruptionMinOverlapS

    @Option(name: .customLong("max-rings"), help: ArgumentHelp("Alert when the call rings more often than this before it is answered.", valueName: "N"))
    var maxRings: Int = AlertLimits().maxRings

    @Option(name: .customLong("max-agent-share"), help: ArgumentHelp("Alert when the agent's share of the talk exceeds this (0-1).", valueName: "RATIO"))
    var maxAgentShare: Double = AlertLimits().maxAgentShare

    @Option(name: .customLong("max-greeting-latency"), help: ArgumentHelp("Alert when the agent takes longer than this to speak after the answer, in seconds.", valueName: "S"))
    var maxGreetingLatencyS: Double = AlertLimits().maxGreetingLatencyS

    @Option(name: .customLong("max-agent-interruptions"), help: ArgumentHelp("Alert when the agent interrupts at least this often.", valueName: "N"))
    var maxAgentInterruptions: Int = AlertLimits().maxAgentInterruptions

    @Option(name: .customLong("min-snr"), help: ArgumentHelp("Alert when a channel's signal-to-noise ratio is below this, in dB.", valueName: "DB"))
    var minSNRdB: Double = AlertLimits().minSNRdB

    @Option(name: .customLong("max-clipped-ratio"), help: ArgumentHelp("Alert when more than this fraction of a channel's samples clip.", valueName: "RATIO"))
    var maxClippedRatio: Double = AlertLimits().maxClippedRatio

    @Option(name: .customLong("max-monologue"), help: ArgumentHelp("Alert when the agent talks longer than this without a break, in seconds.", valueName: "S"))
    var maxAgentMonologueS: Double = AlertLimits().maxAgentMonologueS

    /// The `--min-snr` a user can mean, dB: levels run from -140 dBFS (the meter's floor) to
    /// about 0 dBFS, so an SNR beyond ±200 dB is never measured; NaN and infinity are typos.
    static let snrRangeDb: ClosedRange<Double> = -200...200

    func validate() throws {
        for (name, value) in [
            ("--pause-min", pauseMinS), ("--dead-air-min", deadAirMinS), ("--backchannel-max", backchannelMaxS),
            ("--interruption-min-overlap", interruptionMinOverlapS), ("--max-greeting-latency", maxGreetingLatencyS),
            ("--max-monologue", maxAgentMonologueS),
        ] where !(value > 0 && value <= 86_400) {
            throw ValidationError("\(name) must be a number of seconds above 0, not \(value).")
        }
        guard deadAirMinS >= pauseMinS else {
            throw ValidationError("--dead-air-min (\(deadAirMinS) s) must not be shorter than --pause-min (\(pauseMinS) s).")
        }
        guard Self.snrRangeDb.contains(minSNRdB) else {
            throw ValidationError("--min-snr must be a number of dB between \(Int(Self.snrRangeDb.lowerBound)) and \(Int(Self.snrRangeDb.upperBound)), not \(minSNRdB).")
        }
        guard (0...1).contains(maxAgentShare) else {
            throw ValidationError("--max-agent-share must be between 0 and 1, not \(maxAgentShare).")
        }
        guard (0...1).contains(maxClippedRatio) else {
            throw ValidationError("--max-clipped-ratio must be between 0 and 1, not \(maxClippedRatio).")
        }
        guard maxRings >= 0, maxAgentInterruptions >= 1 else {
            throw ValidationError("--max-rings must be 0 or more and --max-agent-interruptions 1 or more.")
        }
    }

    var conversation: ConversationConfig {
        var config = ConversationConfig()
        config.pauseMinS = pauseMinS
        config.deadAirMinS = deadAirMinS
        config.backchannelMaxS = backchannelMaxS
        config.interruptionMinOverlapS = interruptionMinOverlapS
        return config
    }

    var limits: AlertLimits {
        var limits = AlertLimits()
        limits.maxRings = maxRings
        limits.maxAgentShare = maxAgentShare
        limits.maxGreetingLatencyS = maxGreetingLatencyS
        limits.maxAgentInterruptions = maxAgentInterruptions
        limits.minSNRdB = minSNRdB
        limits.maxClippedRatio = maxClippedRatio
        limits.maxAgentMonologueS = maxAgentMonologueS
        return limits
    }
}
