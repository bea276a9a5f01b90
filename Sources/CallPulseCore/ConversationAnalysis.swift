/// Conversation figures of SPEC "Definitions" computed from speech segments.
/// (Interface placeholder: filled in by the conversation-analysis work.)
public struct ConversationFigures: Equatable, Sendable {
    public var talk: Summary.Talk
    public var greetingLatencyS: Double?
    public var pauses: [Pause]
    public var interruptions: [Interruption]
    public var backchannels: Summary.Backchannels
    public var turns: Summary.Turns
    public var responseLatency: Summary.ResponseLatency
    public var switchesPerMin: Double?

    public init(
        talk: Summary.Talk, greetingLatencyS: Double?, pauses: [Pause], interruptions: [Interruption],
        backchannels: Summary.Backchannels, turns: Summary.Turns, responseLatency: Summary.ResponseLatency,
        switchesPerMin: Double?
    ) {
        self.talk = talk
        self.greetingLatencyS = greetingLatencyS
        self.pauses = pauses
        self.interruptions = interruptions
        self.backchannels = backchannels
        self.turns = turns
        self.responseLatency = responseLatency
        self.switchesPerMin = switchesPerMin
    }
}
