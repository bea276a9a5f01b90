/// Turns what the frame pipeline found into the SPEC summary: conversation figures over
/// the conversation window, levels, segments, and the alerts they break.
public enum SummaryBuilder {
    /// Builds the summary. `session.durationS` and `ring` are taken from the analysis.
    public static func build(
        analysis: CallAnalysis,
        source: Summary.Source,
        session: Summary.Session,
        conversation: ConversationConfig = ConversationConfig(),
        limits: AlertLimits = AlertLimits()
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
        return summary
    }
}
