import CALSA

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The sample formats callpulse reads from a capture device, in the order it asks for them:
/// 16-bit first (what headsets and telephony deliver), then 32-bit, then float.
public enum CaptureSampleFormat: String, CaseIterable, Sendable {
    case s16 = "S16_LE"
    case s32 = "S32_LE"
    case float = "FLOAT_LE"

    public var bytesPerSample: Int {
        switch self {
        case .s16: 2
        case .s32, .float: 4
        }
    }

    var alsaFormat: snd_pcm_format_t {
        switch self {
        case .s16: SND_PCM_FORMAT_S16_LE
        case .s32: SND_PCM_FORMAT_S32_LE
        case .float: SND_PCM_FORMAT_FLOAT_LE
        }
    }
}

/// What a capture device agreed to deliver.
public struct CaptureFormat: Equatable, Sendable {
    public var sampleRateHz: Int
    public var channelCount: Int
    public var sampleFormat: CaptureSampleFormat
    /// Sample frames per period: one `read` returns at most this many.
    public var periodFrames: Int
    /// Sample frames the device buffers before it overruns.
    public var bufferFrames: Int

    public init(sampleRateHz: Int, channelCount: Int, sampleFormat: CaptureSampleFormat, periodFrames: Int, bufferFrames: Int) {
        self.sampleRateHz = sampleRateHz
        self.channelCount = channelCount
        self.sampleFormat = sampleFormat
        self.periodFrames = periodFrames
        self.bufferFrames = bufferFrames
    }
}

/// What one `read` produced.
public enum CaptureRead: Equatable, Sendable {
    /// This many sample frames were written to the buffer.
    case frames(Int)
    /// The device overran (-EPIPE) or was suspended (-ESTRPIPE) and has been restarted:
    /// about `lostFrames` sample frames were never delivered. Nothing was written; the
    /// caller keeps the timeline by counting them as silence.
    case gap(lostFrames: Int)
}

/// One ALSA capture PCM, opened blocking, interleaved, in the format negotiated at `init`.
/// Bytes in, Float samples (full scale 1.0) out, with the same scaling as the WAV reader,
/// so that the same audio gives the same figures live and offline.
public final class ALSACapture {
    /// Period length asked for, in milliseconds: 40 ms, four analysis frames. Each period wakes
    /// the process (the capture thread and the session), and on the shared virtual machine
    /// those wake-ups are most of a paced `callpulse live`'s CPU: 60 s paced at 16 kHz took
    /// 1.04-1.12 % of a core with 20 ms periods and 0.67 % with 40 ms (README "Performance"),
    /// under the 1 % a whole shift asks for. From a read to the screen stays ~40 ms; the sound
    /// waits up to one period more in the device before the read.
    public static let periodMs = 40
    /// Device buffer asked for, in milliseconds: 250 ms (about 6 periods) absorbs a slow redraw
    /// or a busy machine without an overrun while keeping the delay of a late read bounded.
    public static let bufferMs = 250
    /// Sample rates callpulse analyses (SPEC "Audio model").
    public static let supportedRatesHz: ClosedRange<Int> = 8_000...48_000

    public let device: String
    public let format: CaptureFormat
    /// Overruns and suspends recovered so far.
    public private(set) var gapCount = 0
    /// Sample frames lost in those gaps (estimated from the time the device was not read).
    public private(set) var lostFrames = 0

    private var pcm: OpaquePointer?
    private var loadedConfiguration: OpaquePointer?
    private let raw: UnsafeMutableRawPointer
    /// Monotonic time of the last successful read, nanoseconds; 0 before the first.
    private var lastReadNs: UInt64 = 0

    /// Opens `device` for capture and negotiates `sampleRateHz` (the nearest the device
    /// offers, inside 8-48 kHz), exactly `channelCount` channels, the first of
    /// `sampleFormats` it accepts and periods of about `periodMs`.
    ///
    /// `configuration`: ALSA configuration text to open the PCM from instead of the
    /// system's (`snd_pcm_open_lconf`), e.g. a `file` plugin PCM for tests.
    public init(
        device: String, sampleRateHz: Int, channelCount: Int,
        sampleFormats: [CaptureSampleFormat] = CaptureSampleFormat.allCases,
        configuration: String? = nil
    ) throws(CaptureError) {
        precondition(channelCount >= 1 && !sampleFormats.isEmpty, "capture needs a channel and a format")
        callpulse_alsa_silence_diagnostics()
        self.device = device
        var handle: OpaquePointer?
        var config: OpaquePointer?
        var status: Int32
        if let configuration {
            status = configuration.withCString { text in
                snd_config_load_string(&config, text, strlen(text))
            }
            if status < 0 {
                throw .failed(device: device, operation: "loading the ALSA configuration", reason: Self.text(status))
            }
            status = snd_pcm_open_lconf(&handle, device, SND_PCM_STREAM_CAPTURE, 0, config)
        } else {
            status = snd_pcm_open(&handle, device, SND_PCM_STREAM_CAPTURE, 0)
        }
        guard status >= 0, let handle else {
            if let config { snd_config_delete(config) }
            throw Self.openError(device: device, status: status)
        }
        do {
            format = try Self.negotiate(
                pcm: handle, device: device, sampleRateHz: sampleRateHz, channelCount: channelCount,
                sampleFormats: sampleFormats)
        } catch {
            snd_pcm_close(handle)
            if let config { snd_config_delete(config) }
            throw error
        }
        pcm = handle
        self.loadedConfiguration = config
        raw = UnsafeMutableRawPointer.allocate(
            byteCount: format.periodFrames * format.channelCount * format.sampleFormat.bytesPerSample, alignment: 16)
    }

    deinit {
        close()
        raw.deallocate()
    }

    /// Closes the device (also done when the capture is dropped).
    public func close() {
        if let pcm { snd_pcm_close(pcm) }
        pcm = nil
        if let loadedConfiguration { snd_config_delete(loadedConfiguration) }
        loadedConfiguration = nil
    }

    /// Waits for the next period and converts it into `samples` (room for at least
    /// `format.periodFrames * format.channelCount` samples). Overruns and suspends are
    /// recovered and reported as a `.gap`; a device that went away throws `.deviceLost`.
    public func read(into samples: UnsafeMutableBufferPointer<Float>) throws(CaptureError) -> CaptureRead {
        guard let pcm else { throw .deviceLost(device: device, reason: "it was closed") }
        let channels = format.channelCount
        precondition(samples.count >= format.periodFrames * channels, "buffer smaller than a period")
        while true {
            let got = snd_pcm_readi(pcm, raw, snd_pcm_uframes_t(format.periodFrames))
            if got > 0 {
                lastReadNs = Self.monotonicNs()
                convert(frames: Int(got), into: samples)
                return .frames(Int(got))
            }
            if got == 0 || got == -Int(EAGAIN) || got == -Int(EINTR) { continue }
            let code = Int32(got)
            switch -code {
            case EPIPE:
                // Overrun: the device buffer filled while nobody read it.
                try recover(status: code)
                return .gap(lostFrames: noteGap())
            case ESTRPIPE:
                // Suspended (machine asleep): resume if the driver can, else restart.
                var resumed = snd_pcm_resume(pcm)
                while resumed == -EAGAIN {
                    usleep(100_000)
                    resumed = snd_pcm_resume(pcm)
                }
                if resumed < 0 { try recover(status: code) }
                return .gap(lostFrames: noteGap())
            case ENODEV, EBADFD, EIO, ENOTTY, ENXIO, ESHUTDOWN:
                throw .deviceLost(device: device, reason: Self.text(code))
            default:
                throw .failed(device: device, operation: "reading", reason: Self.text(code))
            }
        }
    }

    // MARK: - Private

    private func recover(status: Int32) throws(CaptureError) {
        guard let pcm else { return }
        let prepared = snd_pcm_prepare(pcm)
        if prepared < 0 {
            throw .deviceLost(device: device, reason: Self.text(status) + ", then " + Self.text(prepared))
        }
    }

    /// Counts a gap and estimates its length: everything the device produced since the last
    /// read was dropped (the full buffer by the restart, the rest never captured).
    private func noteGap() -> Int {
        let now = Self.monotonicNs()
        let lost = lastReadNs == 0 ? 0 : Int((now &- lastReadNs) * UInt64(format.sampleRateHz) / 1_000_000_000)
        lastReadNs = now
        gapCount += 1
        lostFrames += lost
        return lost
    }

    private func convert(frames: Int, into samples: UnsafeMutableBufferPointer<Float>) {
        let count = frames * format.channelCount
        switch format.sampleFormat {
        case .s16:
            // Same scale as the WAV reader's pcm16: full scale is 32 768.
            let source = raw.assumingMemoryBound(to: Int16.self)
            let scale: Float = 1.0 / 32_768.0
            for i in 0..<count { samples[i] = Float(Int16(littleEndian: source[i])) * scale }
        case .s32:
            let source = raw.assumingMemoryBound(to: Int32.self)
            let scale: Float = 1.0 / 2_147_483_648.0
            for i in 0..<count { samples[i] = Float(Int32(littleEndian: source[i])) * scale }
        case .float:
            let source = raw.assumingMemoryBound(to: UInt32.self)
            for i in 0..<count {
                let value = Float(bitPattern: UInt32(littleEndian: source[i]))
                // A device never should, but NaN, infinity or absurd values must not poison
                // the analysis: NaN and infinity become silence, the rest is held to ±1000.
                samples[i] = value.isFinite ? min(1000, max(-1000, value)) : 0
            }
        }
    }

    private static func negotiate(
        pcm: OpaquePointer, device: String, sampleRateHz: Int, channelCount: Int, sampleFormats: [CaptureSampleFormat]
    ) throws(CaptureError) -> CaptureFormat {
        var params: OpaquePointer?
        guard snd_pcm_hw_params_malloc(&params) >= 0, let params else {
            throw .failed(device: device, operation: "allocating hardware parameters", reason: "out of memory")
        }
        defer { snd_pcm_hw_params_free(params) }
        var status = snd_pcm_hw_params_any(pcm, params)
        if status < 0 { throw .failed(device: device, operation: "reading its capabilities", reason: text(status)) }
        status = snd_pcm_hw_params_set_access(pcm, params, SND_PCM_ACCESS_RW_INTERLEAVED)
        if status < 0 { throw .failed(device: device, operation: "choosing interleaved access", reason: text(status)) }

        guard let sampleFormat = sampleFormats.first(where: { snd_pcm_hw_params_test_format(pcm, params, $0.alsaFormat) == 0 }) else {
            throw .unsupportedFormat(device: device)
        }
        snd_pcm_hw_params_set_format(pcm, params, sampleFormat.alsaFormat)

        if snd_pcm_hw_params_set_channels(pcm, params, UInt32(channelCount)) < 0 {
            throw .unsupportedChannels(device: device, requested: channelCount)
        }

        var rate = UInt32(clamping: sampleRateHz)
        var direction: Int32 = 0
        status = snd_pcm_hw_params_set_rate_near(pcm, params, &rate, &direction)
        if status < 0 || !supportedRatesHz.contains(Int(rate)) {
            throw .unsupportedRate(device: device, requestedHz: sampleRateHz, offeredHz: status < 0 ? nil : Int(rate))
        }

        var periodUs = UInt32(periodMs * 1000)
        direction = 0
        snd_pcm_hw_params_set_period_time_near(pcm, params, &periodUs, &direction)
        var bufferUs = UInt32(bufferMs * 1000)
        direction = 0
        snd_pcm_hw_params_set_buffer_time_near(pcm, params, &bufferUs, &direction)

        status = snd_pcm_hw_params(pcm, params)
        if status < 0 {
            throw .failed(device: device, operation: "setting \(sampleFormat.rawValue) \(rate) Hz \(channelCount) ch", reason: text(status))
        }
        var periodFrames: snd_pcm_uframes_t = 0
        direction = 0
        snd_pcm_hw_params_get_period_size(params, &periodFrames, &direction)
        var bufferFrames: snd_pcm_uframes_t = 0
        snd_pcm_hw_params_get_buffer_size(params, &bufferFrames)
        let fallbackPeriod = Int(rate) * periodMs / 1000
        return CaptureFormat(
            sampleRateHz: Int(rate), channelCount: channelCount, sampleFormat: sampleFormat,
            periodFrames: periodFrames > 0 ? Int(periodFrames) : fallbackPeriod,
            bufferFrames: Int(bufferFrames))
    }

    private static func openError(device: String, status: Int32) -> CaptureError {
        switch -status {
        case EBUSY, EAGAIN: .busy(device: device)
        case EACCES, EPERM: .permissionDenied(device: device)
        case ENOENT: .noSuchDevice(device: device, reason: "no such device, or no sound card behind it")
        case ENODEV, ENXIO: .noSuchDevice(device: device, reason: "its sound card is not there")
        default: .noSuchDevice(device: device, reason: text(status))
        }
    }

    static func text(_ status: Int32) -> String {
        guard let message = snd_strerror(status) else { return "error \(status)" }
        return String(cString: message)
    }

    /// CLOCK_MONOTONIC now, nanoseconds.
    public static func monotonicNs() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
