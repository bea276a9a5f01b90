/// Analysis time base: every time in callpulse is a whole number of 10 ms frames
/// (SPEC "Audio model"). Working in integer frames keeps boundary decisions exact
/// (a 0.99 s silence is 99 frames, never 0.98999…).
public enum FrameClock {
    /// Length of one analysis frame, in milliseconds.
    public static let frameDurationMs = 10
    /// Frames per second.
    public static let framesPerSecond = 1000 / frameDurationMs

    /// Seconds for a frame count (exact to 2 decimals).
    @inlinable
    public static func seconds(_ frames: Int) -> Double {
        Double(frames) / Double(framesPerSecond)
    }

    /// Frames for a duration in seconds, rounded to the nearest frame.
    @inlinable
    public static func frames(_ seconds: Double) -> Int {
        Int(saturating: (seconds * Double(framesPerSecond)).rounded())
    }

    /// First sample of frame `index` at `sampleRateHz`. Rates that are not a multiple of
    /// 100 Hz (11 025 Hz) give frames of 110 or 111 samples; frame boundaries never drift.
    @inlinable
    public static func firstSample(ofFrame index: Int, sampleRateHz: Int) -> Int {
        index * sampleRateHz / framesPerSecond
    }

    /// Frames complete once `samples` samples have come: the largest n with
    /// `firstSample(ofFrame: n) <= samples` (the inverse of `firstSample`, exact at 11 025 Hz).
    @inlinable
    public static func framesComplete(samples: Int, sampleRateHz: Int) -> Int {
        (framesPerSecond * (samples + 1) - 1) / sampleRateHz
    }
}

/// Rounds to 2 decimals, the precision of every time and ratio in the summary (SPEC).
@inlinable
public func roundedToHundredths(_ value: Double) -> Double {
    (value * 100).rounded() / 100
}
