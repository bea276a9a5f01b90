/// SPEC "Alerts": the rules of good call handling that a summary can break.
///
/// Each rule compares one figure with its limit in `AlertLimits`; a figure that is unknown
/// (`nil`) never alerts. Every limit is a strict bound ("more than 3 rings") except the agent's
/// interruptions, which alert at the limit ("2 or more"), as the SPEC writes them.
/// Alerts come in `Alert.Rule` order; SNR and clipping give one alert per channel, in
/// `summary.levels` order.
public enum AlertRules {
    /// The alerts `summary` raises under `limits`.
    public static func evaluate(_ summary: Summary, limits: AlertLimits) -> [Alert] {
        var alerts: [Alert] = []

        if let ring = summary.ring, ring.rings > limits.maxRings {
            let rings = plural(ring.rings, "ring")
            alerts.append(Alert(
                rule: .rings, value: Double(ring.rings), limit: Double(limits.maxRings),
                message: ring.answered
                    ? "answered after \(rings): answer within \(limits.maxRings)"
                    : "caller hung up after \(rings): answer within \(limits.maxRings)"))
        }

        if let share = summary.talk.agentShare, share > limits.maxAgentShare {
            alerts.append(Alert(
                rule: .agentShare, value: share, limit: limits.maxAgentShare,
                message: "agent talked \(percent(share)) of the time: listen more"))
        }

        let deadAir = summary.deadAirPauses
        if let longest = deadAir.map(\.durationS).max() {
            let count = deadAir.count
            alerts.append(Alert(
                rule: .deadAir, value: Double(count), limit: 0,
                message: "\(count) dead-air \(count == 1 ? "silence" : "silences") (longest \(decimal(longest)) s): "
                    + "say what you are doing"))
        }

        if let latency = summary.greetingLatencyS, latency > limits.maxGreetingLatencyS {
            alerts.append(Alert(
                rule: .greetingLatency, value: latency, limit: limits.maxGreetingLatencyS,
                message: "agent greeted \(decimal(latency)) s after the answer: "
                    + "greet within \(decimal(limits.maxGreetingLatencyS)) s"))
        }

        let agentInterruptions = summary.interruptionCount(by: .agent)
        // At the limit counts ("2 or more"); a limit of 0 still needs one interruption to alert.
        if agentInterruptions >= limits.maxAgentInterruptions && agentInterruptions > 0 {
            alerts.append(Alert(
                rule: .agentInterruptions, value: Double(agentInterruptions),
                limit: Double(limits.maxAgentInterruptions),
                message: "agent interrupted the customer \(plural(agentInterruptions, "time")): let them finish"))
        }

        for levels in summary.levels {
            if let snr = levels.snrDb, snr < limits.minSNRdB {
                alerts.append(Alert(
                    rule: .snr, value: snr, limit: limits.minSNRdB,
                    message: "\(channelName(levels.party)) is noisy: SNR \(decimal(snr)) dB, "
                        + "at least \(decimal(limits.minSNRdB)) dB wanted",
                    party: levels.party))
            }
        }
        for levels in summary.levels where levels.clippedRatio > limits.maxClippedRatio {
            alerts.append(Alert(
                rule: .clipping, value: levels.clippedRatio, limit: limits.maxClippedRatio,
                message: "\(channelName(levels.party)) clips on \(percent(levels.clippedRatio, decimals: 2)) "
                    + "of samples: lower the input gain",
                party: levels.party))
        }

        if let monologue = summary.turns.agentLongestMonologueS, monologue > limits.maxAgentMonologueS {
            alerts.append(Alert(
                rule: .monologue, value: monologue, limit: limits.maxAgentMonologueS,
                message: "agent spoke \(decimal(monologue)) s without a break: "
                    + "check in with the customer within \(decimal(limits.maxAgentMonologueS)) s"))
        }
        return alerts
    }

    /// One line per rule, as the advice it enforces ("answer within 3 rings"), for a legend.
    public static func rules(limits: AlertLimits) -> [(rule: Alert.Rule, description: String)] {
        Alert.Rule.allCases.map { rule in
            switch rule {
            case .rings:
                (rule, "answer within \(plural(limits.maxRings, "ring"))")
            case .agentShare:
                (rule, "agent talks at most \(percent(limits.maxAgentShare)) of the time: listen more")
            case .deadAir:
                (rule, "no dead air: no long silence on the line")
            case .greetingLatency:
                (rule, "greet within \(decimal(limits.maxGreetingLatencyS)) s of the answer")
            case .agentInterruptions:
                (rule, "agent interrupts fewer than \(plural(limits.maxAgentInterruptions, "time"))")
            case .snr:
                (rule, "signal-to-noise ratio at least \(decimal(limits.minSNRdB)) dB on each channel: keep it quiet")
            case .clipping:
                (rule, "at most \(percent(limits.maxClippedRatio, decimals: 2)) of samples clipped on each channel")
            case .monologue:
                (rule, "agent monologues at most \(decimal(limits.maxAgentMonologueS)) s")
            }
        }
    }

    // MARK: - Wording

    static func channelName(_ party: Party) -> String {
        switch party {
        case .agent: "agent's channel"
        case .customer: "customer's channel"
        case .mixed: "the mixed channel"
        }
    }

    static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// A fraction as a percentage: `percent(0.72)` is "72%", `percent(0.0015, decimals: 2)` "0.15%".
    static func percent(_ fraction: Double, decimals: Int = 0) -> String {
        decimal(fraction * 100, decimals: decimals) + "%"
    }

    /// `value` rounded to at most `decimals` decimals, without trailing zeros: 3.4, 15, 0.15.
    /// (Core has no Foundation, hence no `String(format:)`.)
    static func decimal(_ value: Double, decimals: Int = 2) -> String {
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int(saturating: (abs(value) * Double(scale)).rounded())
        let sign = value < 0 && scaled != 0 ? "-" : ""
        var text = "\(scaled / scale)"
        var fraction = scaled % scale
        var digits = decimals
        while digits > 0 && fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        if digits > 0 {
            let fractionText = "\(fraction)"
            text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return sign + text
    }
}

extension AlertLimits {
    /// The limits a stored summary was judged by: the defaults, with the limit of each alert
    /// it holds (so `sessions show` words a rule broken under `--max-rings 5` as 5 rings).
    /// A rule that did not fire keeps its default: the summary does not say what it was.
    public init(judging summary: Summary) {
        self.init()
        for alert in summary.alerts {
            switch alert.rule {
            case .rings: maxRings = Int(saturating: alert.limit)
            case .agentShare: maxAgentShare = alert.limit
            case .deadAir: break
            case .greetingLatency: maxGreetingLatencyS = alert.limit
            case .agentInterruptions: maxAgentInterruptions = Int(saturating: alert.limit)
            case .snr: minSNRdB = alert.limit
            case .clipping: maxClippedRatio = alert.limit
            case .monologue: maxAgentMonologueS = alert.limit
            }
        }
    }
}
