/// Figures derived from a summary's lists, worked out here once for every renderer, the
/// store, the alerts and the live events (they are not SPEC JSON keys of their own).
extension Summary {
    /// The pauses that are dead air (SPEC "Dead air"), in time order.
    public var deadAirPauses: [Pause] { pauses.filter(\.deadAir) }

    /// How many pauses are dead air.
    public var deadAirCount: Int { pauses.reduce(0) { $0 + ($1.deadAir ? 1 : 0) } }

    /// How many interruptions `party` made (0 where it made none, whatever the layout).
    public func interruptionCount(by party: Party) -> Int {
        interruptions.reduce(0) { $0 + ($1.by == party ? 1 : 0) }
    }

    /// How many interruptions `party` made, or `nil` when the layout does not hear both
    /// parties apart and interruptions are not judged (SPEC "Audio model").
    public func judgedInterruptionCount(by party: Party) -> Int? {
        source.layout.hasBothParties ? interruptionCount(by: party) : nil
    }
}
