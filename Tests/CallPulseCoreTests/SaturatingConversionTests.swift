import CallPulseCore
import Testing

@Suite struct SaturatingConversionTests {
    @Test(arguments: [
        (0.0, 0), (-0.0, 0), (2.9, 2), (-2.9, -2), (.nan, 0), (-.nan, 0), (.infinity, .max), (-.infinity, .min),
        (1e300, .max), (-1e300, .min), (9_223_372_036_854_775_808.0, .max), (-9_223_372_036_854_775_808.0, .min),
        (9_223_372_036_854_774_784.0, 9_223_372_036_854_774_784), (1e17, 100_000_000_000_000_000),
    ] as [(Double, Int)])
    func neverTraps(value: Double, expected: Int) {
        #expect(Int(saturating: value) == expected)
    }

    /// Frames of an absurd time: held to Int's range instead of trapping.
    @Test func framesOfAnAbsurdTime() {
        #expect(FrameClock.frames(1e300) == .max)
        #expect(FrameClock.frames(.nan) == 0)
    }
}
