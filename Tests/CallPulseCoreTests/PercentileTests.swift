import Testing
@testable import CallPulseCore

struct PercentileTests {
    @Test func emptyHasNoPercentile() {
        #expect(Percentile.linear(sortedValues: [], fraction: 0.5) == nil)
    }

    @Test func singleValue() {
        #expect(Percentile.linear(sortedValues: [7], fraction: 0.9) == 7)
    }

    @Test func oddCountMedianAndP90() {
        // h = 4 · 0.9 = 3.6: 0.7 + 0.6 · (1.0 - 0.7) = 0.88.
        let values = [-0.2, 0.3, 0.5, 0.7, 1.0]
        #expect(Percentile.linear(sortedValues: values, fraction: 0.5) == 0.5)
        let p90 = Percentile.linear(sortedValues: values, fraction: 0.9)!
        #expect(abs(p90 - 0.88) < 1e-12)
    }

    @Test func evenCountInterpolates() {
        // Median of 1, 2, 3, 4 is 2.5; p90: h = 2.7, 3 + 0.7 · 1 = 3.7.
        #expect(Percentile.linear(values: [4, 1, 3, 2], fraction: 0.5) == 2.5)
        #expect(abs(Percentile.linear(values: [4, 1, 3, 2], fraction: 0.9)! - 3.7) < 1e-12)
        #expect(Percentile.linear(values: [4, 1, 3, 2], fraction: 0) == 1)
        #expect(Percentile.linear(values: [4, 1, 3, 2], fraction: 1) == 4)
    }

    @Test func frameClockRoundTrip() {
        #expect(FrameClock.frames(0.99) == 99)
        #expect(FrameClock.seconds(100) == 1.0)
    }
}
