import Testing
@testable import CallPulseCore

@Test func frameClockRoundTripRender() {
    #expect(FrameClock.frames(0.99) == 99)
    #expect(FrameClock.seconds(100) == 1.0)
}
