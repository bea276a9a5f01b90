/// Who is speaking. `mixed` is the single party of a mono recording that carries both
/// voices (SPEC layout `mixed`).
public enum Party: String, Sendable, Codable, CaseIterable, Comparable {
    case agent
    case customer
    case mixed

    public static func < (lhs: Party, rhs: Party) -> Bool {
        lhs.order < rhs.order
    }

    private var order: Int {
        switch self {
        case .agent: 0
        case .customer: 1
        case .mixed: 2
        }
    }

    /// The other party of a two-party call.
    public var other: Party {
        switch self {
        case .agent: .customer
        case .customer: .agent
        case .mixed: .mixed
        }
    }
}

/// A maximal interval in which one party speaks (SPEC "Speech segment"), in 10 ms frames:
/// `startFrame` is the first speech frame, `endFrame` the first frame after it.
public struct Segment: Equatable, Hashable, Sendable {
    public var party: Party
    public var startFrame: Int
    public var endFrame: Int

    public init(party: Party, startFrame: Int, endFrame: Int) {
        precondition(endFrame >= startFrame, "a segment cannot end before it starts")
        self.party = party
        self.startFrame = startFrame
        self.endFrame = endFrame
    }

    /// Convenience for tests and label files: seconds, rounded to the nearest frame.
    public init(party: Party, startS: Double, endS: Double) {
        self.init(party: party, startFrame: FrameClock.frames(startS), endFrame: FrameClock.frames(endS))
    }

    public var lengthFrames: Int { endFrame - startFrame }
    public var startS: Double { FrameClock.seconds(startFrame) }
    public var endS: Double { FrameClock.seconds(endFrame) }
    public var durationS: Double { FrameClock.seconds(lengthFrames) }

    /// Whether the party speaks during frame `frame`.
    public func contains(frame: Int) -> Bool {
        frame >= startFrame && frame < endFrame
    }
}
