import Testing
@testable import CallPulseCore

@Test func frameClockRoundTripCLI() {
    #expect(FrameClock.frames(0.99) == 99)
    #expect(FrameClock.seconds(100) == 1.0)
}
