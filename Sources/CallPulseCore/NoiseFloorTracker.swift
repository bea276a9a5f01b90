/// Tracks a channel's noise floor by minimum statistics (R. Martin, IEEE TSAP 2001): the
/// minimum of the smoothed frame power over a sliding window, corrected for the bias of a
/// minimum. It needs no voice decision to learn, so long speech cannot drag it up and a
/// noise that grows is followed within one window.
///
/// A minimum alone follows a rising noise only after a whole window: a fan that starts
/// would read as 4 s of speech. So a level that stays steady (frame levels within
/// `steadySpreadDb` over `steadyFrames`) is taken as the new floor at once: voices never
/// hold that still, stationary noise, hum and continuous tones do.
///
/// The window is kept as `subwindowCount` sub-window minima, so each frame costs O(1).
public struct NoiseFloorTracker: Sendable {
    /// Frames per sub-window: 0.5 s.
    public static let subwindowFrames = 50
    /// Sub-windows in the search window: 8 × 0.5 s = 4 s, long enough to span the
    /// pauses between phrases of a monologue, short enough to follow a noise change.
    public static let subwindowCount = 8
    /// Smoothing of frame power before the minimum search (first-order, per frame). 0.7
    /// averages about three frames: a single quiet frame in speech is not a floor.
    public static let smoothing = 0.7
    /// Added to the minimum, in dB: the minimum of ~400 smoothed noise frames lies about
    /// 1.5 dB under their mean (measured on generated white and pink noise, 8-48 kHz).
    public static let biasCompensationDb = 1.5
    /// Lowest floor reported, dBFS: digital silence still has a finite floor.
    public static let lowestFloorDb = -100.0
    /// Frames over which steadiness is judged: 0.5 s.
    public static let steadyFrames = 50
    /// Frames averaged before steadiness is judged: 50 ms, three periods of 60 Hz hum, so
    /// that a periodic noise whose period does not divide 10 ms still reads as steady.
    public static let steadySmoothingFrames = 5
    /// Standard deviation of frame levels, dB, under which the level is steady noise.
    /// White noise in 80-sample frames spreads 0.7 dB, pink noise about 1.2 dB; a voice,
    /// with its syllables, 6 dB or more (measured on generated noise and espeak-ng speech).
    public static let steadySpreadDb = 2.0

    /// Linear powers of the last `steadySmoothingFrames` frames and their sum.
    private var shortPowers: [Double]
    private var shortPosition = 0
    private var recentDb: [Double]
    private var recentPosition = 0
    private var recentCount = 0
    private var recentSum = 0.0
    private var recentSumOfSquares = 0.0

    private var smoothedDb: Double?
    private var currentMinimumDb = Double.infinity
    private var framesInSubwindow = 0
    private var subwindowMinima: [Double]
    private var nextSubwindow = 0
    private var filledSubwindows = 0

    /// Current floor estimate in dB (power re full scale), or `nil` before the first frame.
    public private(set) var floorDb: Double?
    /// The floor as a linear power (kept in step with `floorDb`).
    public private(set) var floorPower = 0.0

    public init() {
        subwindowMinima = [Double](repeating: .infinity, count: Self.subwindowCount)
        recentDb = [Double](repeating: 0, count: Self.steadyFrames)
        shortPowers = [Double](repeating: 0, count: Self.steadySmoothingFrames)
    }

    /// Feeds one frame's power in dB and returns the updated floor.
    @discardableResult
    public mutating func update(powerDb: Double) -> Double {
        update(power: power(decibels: powerDb), powerDb: powerDb)
    }

    /// Feeds one frame's power, linear and in dB (both known to the caller: no
    /// logarithm is taken twice), and returns the updated floor in dB.
    @discardableResult
    public mutating func update(power framePower: Double, powerDb: Double) -> Double {
        let smoothed: Double
        if let previous = smoothedDb {
            smoothed = Self.smoothing * previous + (1 - Self.smoothing) * powerDb
        } else {
            smoothed = powerDb
        }
        smoothedDb = smoothed
        currentMinimumDb = min(currentMinimumDb, smoothed)
        framesInSubwindow += 1
        if framesInSubwindow == Self.subwindowFrames {
            subwindowMinima[nextSubwindow] = currentMinimumDb
            nextSubwindow = (nextSubwindow + 1) % Self.subwindowCount
            filledSubwindows = min(filledSubwindows + 1, Self.subwindowCount)
            currentMinimumDb = .infinity
            framesInSubwindow = 0
        }
        var minimum = currentMinimumDb
        for value in subwindowMinima where value < minimum { minimum = value }
        var floor = max(Self.lowestFloorDb, minimum + Self.biasCompensationDb)
        shortPowers[shortPosition] = framePower
        shortPosition = (shortPosition + 1) % Self.steadySmoothingFrames
        let shortDb = decibels(power: shortPowers.reduce(0, +) / Double(Self.steadySmoothingFrames))
        if let steadyDb = steadyLevel(adding: shortDb), steadyDb > floor {
            // Restart the search at the steady level; lower minima still pull it down at once.
            for index in subwindowMinima.indices { subwindowMinima[index] = steadyDb - Self.biasCompensationDb }
            floor = max(Self.lowestFloorDb, steadyDb)
        }
        if floor != floorDb {
            floorDb = floor
            floorPower = power(decibels: floor)
        }
        return floor
    }

    /// Adds a frame level to the steadiness window; returns the window's mean level when
    /// the window is full and steady.
    private mutating func steadyLevel(adding powerDb: Double) -> Double? {
        if recentCount == Self.steadyFrames {
            let leaving = recentDb[recentPosition]
            recentSum -= leaving
            recentSumOfSquares -= leaving * leaving
        } else {
            recentCount += 1
        }
        recentDb[recentPosition] = powerDb
        recentSum += powerDb
        recentSumOfSquares += powerDb * powerDb
        recentPosition = (recentPosition + 1) % Self.steadyFrames
        if recentPosition == 0 {
            // Re-add from scratch once per window so rounding cannot drift over hours.
            recentSum = recentDb.reduce(0, +)
            recentSumOfSquares = recentDb.reduce(0) { $0 + $1 * $1 }
        }
        guard recentCount == Self.steadyFrames else { return nil }
        let mean = recentSum / Double(recentCount)
        let variance = max(0, recentSumOfSquares / Double(recentCount) - mean * mean)
        return variance < Self.steadySpreadDb * Self.steadySpreadDb ? mean : nil
    }
}
