/// One steady tone burst in the ringing band, in 10 ms frames (`endFrame` is the first frame
/// after it).
public struct ToneBurst: Equatable, Hashable, Sendable {
    public var startFrame: Int
    public var endFrame: Int
    /// The tone frequencies found (one, or the two of a dual tone), Hz.
    public var frequenciesHz: [Double]

    public init(startFrame: Int, endFrame: Int, frequenciesHz: [Double]) {
        precondition(endFrame >= startFrame, "a burst cannot end before it starts")
        self.startFrame = startFrame
        self.endFrame = endFrame
        self.frequenciesHz = frequenciesHz
    }

    public var startS: Double { FrameClock.seconds(startFrame) }
    public var endS: Double { FrameClock.seconds(endFrame) }
    public var durationS: Double { FrameClock.seconds(endFrame - startFrame) }
}

/// One ring: one cycle of a ringing cadence (SPEC "Ring"), made of one or more bursts.
public struct Ring: Equatable, Hashable, Sendable {
    /// Onset of the ring's first burst.
    public var onsetFrame: Int
    /// End of the ring's last burst.
    public var endFrame: Int
    public var bursts: [ToneBurst]

    public init(bursts: [ToneBurst]) {
        precondition(!bursts.isEmpty, "a ring has at least one burst")
        self.onsetFrame = bursts[0].startFrame
        self.endFrame = bursts[bursts.count - 1].endFrame
        self.bursts = bursts
    }

    public var onsetS: Double { FrameClock.seconds(onsetFrame) }
}

/// Reported while it rings: ring number `ringNumber` (1-based) started at `onsetFrame`.
/// The first ring of a session is provisional: a tone that later proves to be a dial or
/// busy tone is not in `RingDetector.rings`, and the next real ring reuses its number.
public struct RingEvent: Equatable, Sendable {
    public var ringNumber: Int
    public var onsetFrame: Int

    public init(ringNumber: Int, onsetFrame: Int) {
        self.ringNumber = ringNumber
        self.onsetFrame = onsetFrame
    }
}
