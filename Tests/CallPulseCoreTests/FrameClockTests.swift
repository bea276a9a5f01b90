import CallPulseCore
import Testing

@Suite struct FrameClockTests {
    /// `framesComplete` undoes `firstSample`: a frame is complete exactly when the first
    /// sample of the next one has come, at rates that divide into 10 ms frames and at those
    /// that do not (11 025 Hz: 110 or 111 samples a frame).
    @Test(arguments: [8000, 11025, 16000, 22050, 44100, 48000])
    func framesCompleteInvertsFirstSample(rateHz: Int) {
        for frame in 1..<2000 {
            let first = FrameClock.firstSample(ofFrame: frame, sampleRateHz: rateHz)
            #expect(FrameClock.framesComplete(samples: first, sampleRateHz: rateHz) == frame)
            #expect(FrameClock.framesComplete(samples: first - 1, sampleRateHz: rateHz) == frame - 1)
        }
        #expect(FrameClock.framesComplete(samples: 0, sampleRateHz: rateHz) == 0)
    }
}
