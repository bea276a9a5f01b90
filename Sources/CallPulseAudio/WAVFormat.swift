/// How the samples of a WAV file are stored. The raw value is the name used in the
/// summary's `source.format` field (SPEC "Summary JSON").
public enum SampleEncoding: String, Sendable, CaseIterable {
    /// 8-bit unsigned integer PCM (128 is silence).
    case pcm8
    /// 16-bit signed little-endian integer PCM.
    case pcm16
    /// 24-bit signed little-endian integer PCM (3 bytes per sample).
    case pcm24
    /// 32-bit signed little-endian integer PCM.
    case pcm32
    /// 32-bit IEEE float, full scale 1.0.
    case float32
    /// 64-bit IEEE float, full scale 1.0.
    case float64
    /// ITU-T G.711 mu-law, 8 bits per sample.
    case mulaw
    /// ITU-T G.711 A-law, 8 bits per sample.
    case alaw

    /// Bytes that one sample of one channel occupies in the file.
    public var bytesPerSample: Int {
        switch self {
        case .pcm8, .mulaw, .alaw: 1
        case .pcm16: 2
        case .pcm24: 3
        case .pcm32, .float32: 4
        case .float64: 8
        }
    }
}

/// The audio format of a WAV file, as far as the analysis needs it.
public struct WAVFormat: Equatable, Sendable {
    public var sampleRateHz: Int
    public var channelCount: Int
    public var encoding: SampleEncoding

    public init(sampleRateHz: Int, channelCount: Int, encoding: SampleEncoding) {
        self.sampleRateHz = sampleRateHz
        self.channelCount = channelCount
        self.encoding = encoding
    }

    /// Bytes of one frame (one sample of every channel): the WAV "block align".
    public var bytesPerFrame: Int { channelCount * encoding.bytesPerSample }

    /// Sample rates the analysis accepts (SPEC "Input formats"), in Hz.
    public static let supportedSampleRatesHz: ClosedRange<Int> = 8_000...48_000
    /// Channel counts the analysis accepts: mono and stereo (SPEC "Audio model").
    public static let supportedChannelCounts: ClosedRange<Int> = 1...2
}
