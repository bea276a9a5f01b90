import CallPulseCore

/// Why live capture could not start or go on. Each case reads as one full sentence that
/// names the device and says what to try (SPEC "Errors": exit status 4).
public enum CaptureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The PCM name is unknown to ALSA, or its card is not there.
    case noSuchDevice(device: String, reason: String)
    /// Another program holds the device.
    case busy(device: String)
    /// The user may not open the device.
    case permissionDenied(device: String)
    /// The device offers none of the sample formats callpulse reads (S16, S32, FLOAT).
    case unsupportedFormat(device: String)
    /// The device cannot capture near the asked rate inside 8-48 kHz.
    case unsupportedRate(device: String, requestedHz: Int, offeredHz: Int?)
    /// The device cannot capture the asked number of channels.
    case unsupportedChannels(device: String, requested: Int)
    /// Two PCMs (`--device`, `--line-device`) settled on different rates.
    case rateMismatch(device: String, sampleRateHz: Int, otherDevice: String, otherSampleRateHz: Int)
    /// The device went away while capturing (USB headset pulled, sound server gone).
    case deviceLost(device: String, reason: String)
    /// The device delivered nothing for `seconds` (a hung driver, a stalled stream).
    case stalled(device: String, seconds: Double)
    /// Any other ALSA failure, with its text.
    case failed(device: String, operation: String, reason: String)

    public var description: String {
        switch self {
        case let .noSuchDevice(device, reason):
            "audio device '\(device)' cannot be opened (\(reason)); list the capture devices with `callpulse devices`"
        case let .busy(device):
            "audio device '\(device)' is busy (another program is using it); close it or pick another with `callpulse devices`"
        case let .permissionDenied(device):
            "audio device '\(device)': permission denied; add yourself to the 'audio' group or pick another with `callpulse devices`"
        case let .unsupportedFormat(device):
            "audio device '\(device)' offers none of S16, S32 or FLOAT samples; try its 'plughw:' name from `callpulse devices`"
        case let .unsupportedRate(device, requested, offered):
            "audio device '\(device)' cannot capture at \(requested) Hz"
                + (offered.map { " (it offers \($0) Hz)" } ?? "")
                + "; callpulse needs 8000-48000 Hz: try --rate 16000 or a 'plughw:' name from `callpulse devices`"
        case let .unsupportedChannels(device, requested):
            "audio device '\(device)' cannot capture \(requested) channel\(requested == 1 ? "" : "s"); try --channels \(requested == 1 ? 2 : 1)"
                + " (with --layout \(requested == 1 ? "agent,customer" : "agent")) or a 'plughw:' name from `callpulse devices`"
        case let .rateMismatch(device, rate, other, otherRate):
            "audio devices '\(device)' (\(rate) Hz) and '\(other)' (\(otherRate) Hz) do not agree on a rate; try --rate \(min(rate, otherRate)) or 'plughw:' names from `callpulse devices`"
        case let .deviceLost(device, reason):
            "audio device '\(device)' went away during the call (\(reason)); the call so far is kept"
        case let .stalled(device, seconds):
            "audio device '\(device)' delivered no audio for \(Int(saturating: seconds)) s (the device or its driver hung); the call so far is kept; check it with `callpulse devices`"
        case let .failed(device, operation, reason):
            "audio device '\(device)': \(operation) failed (\(reason)); check it with `callpulse devices`"
        }
    }
}
