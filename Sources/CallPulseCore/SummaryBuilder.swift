/// Turns what the frame pipeline found into the SPEC summary: conversation figures over
/// the conversation window, levels, segments, and the alerts they break. The only builder:
/// `analyze` feeds it `CallAnalyzer.finish()`, the live view `CallAnalyzer.analysisSoFar`.
public enum SummaryBuilder {
    /// While a session is `inProgress`, the talk-share alert waits until the conversation
    /// is this long, seconds: the first seconds of a call are the agent's greeting, and a
    /// share over them says nothing. (The final summary applies the rule to the whole call.)
    public static let talkShareSettleS = 30.0

    /// Builds the summary. `session.durationS` and `ring` are taken from the analysis.
    /// `inProgress`: the running figures of a session still being captured.
    public static func build(
        analysis: CallAnalysis,
        source: Summary.Source,
        session: Summary.Session,
        conversation: ConversationConfig = ConversationConfig(),
        limits: AlertLimits = AlertLimits(),
        inProgress: Bool = false
    ) -> Summary {
        let ring = analysis.ring
        // SPEC "Conversation window": from answered_s (or 0) to the end of the last speech.
        let windowStartFrame = ring?.answeredS.map(FrameClock.frames) ?? 0
        let figures = ConversationAnalysis.analyze(
            segments: analysis.segments,
            windowStartFrame: windowStartFrame,
            layout: analysis.layout,
            answered: ring?.answered ?? true,
            config: conversation
        )
        var session = session
        session.durationS = analysis.durationS
        var summary = Summary(
            source: source, session: session, ring: ring, talk: figures.talk,
            greetingLatencyS: figures.greetingLatencyS, pauses: figures.pauses,
            interruptions: figures.interruptions, backchannels: figures.backchannels,
            turns: figures.turns, responseLatency: figures.responseLatency,
            switchesPerMin: figures.switchesPerMin, levels: analysis.levels,
            segments: analysis.segments, alerts: []
        )
        summary.alerts = AlertRules.evaluate(summary, limits: limits)
        if inProgress {
            let windowFrames = (analysis.segments.map(\.endFrame).max() ?? windowStartFrame) - windowStartFrame
            if windowFrames < FrameClock.frames(talkShareSettleS) {
                summary.alerts.removeAll { $0.rule == .agentShare }
            }
        }
        return summary
    }
}
