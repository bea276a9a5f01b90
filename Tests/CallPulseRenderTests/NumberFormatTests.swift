import Testing
@testable import CallPulseRender

@Suite struct NumberFormatTests {
    @Test(arguments: [
        (0.0, "0:00.00"), (0.52, "0:00.52"), (14.1, "0:14.10"), (59.999, "1:00.00"), (60.0, "1:00.00"),
        (183.2, "3:03.20"), (4320.0, "72:00.00"), (-1.5, "-0:01.50"),
    ])
    func clockTime(seconds: Double, text: String) {
        #expect(NumberFormat.clock(seconds) == text)
    }

    @Test(arguments: [
        (14.1, 2, "14.10"), (0.625, 2, "0.63"), (-22.1, 1, "-22.1"), (-0.04, 1, "0.0"), (3.0, 0, "3"),
        (0.0012 * 100, 3, "0.120"), (1234.5, 0, "1235"), (0.05, 2, "0.05"),
    ])
    func fixedDecimals(value: Double, decimals: Int, text: String) {
        #expect(NumberFormat.fixed(value, decimals: decimals) == text)
    }

    @Test(arguments: [(0.43, "0.43"), (14.1, "14.1"), (183.2, "183.2"), (3.0, "3"), (-38.0, "-38"), (0.0012, "0.0012")])
    func plainNumbers(value: Double, text: String) {
        #expect(NumberFormat.plain(value) == text)
    }

    @Test func nonFiniteIsUnknown() {
        #expect(NumberFormat.fixed(.nan, decimals: 2) == "n/a")
        #expect(NumberFormat.clock(.infinity) == "n/a")
        #expect(NumberFormat.plain(.nan) == "n/a")
        #expect(NumberFormat.seconds(nil) == "n/a")
    }
}
