import CALSA

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A capture PCM as `arecord -L` lists it.
public struct CaptureDevice: Equatable, Sendable {
    /// The name to give `--device`, e.g. `default`, `plughw:CARD=Headset,DEV=0`.
    public var name: String
    /// ALSA's description, one or more lines.
    public var description: String
    /// Whether name or description look like a headset (see `ALSADevices.headsetWords`).
    public var looksLikeHeadset: Bool

    public init(name: String, description: String, looksLikeHeadset: Bool) {
        self.name = name
        self.description = description
        self.looksLikeHeadset = looksLikeHeadset
    }
}

/// The capture PCMs ALSA knows (`snd_device_name_hint`, as `arecord -L`).
public enum ALSADevices {
    /// Words that mark a headset or a USB call device in an ALSA name or description
    /// (lower case): the generic words and the makers that sell contact-centre headsets.
    public static let headsetWords = [
        "headset", "headphone", "usb audio", "usb", "jabra", "plantronics", "poly", "sennheiser",
        "epos", "logitech", "h390", "h340", "yealink", "evolve", "blackwire", "savi",
    ]

    /// Every PCM that can capture, in ALSA's order.
    public static func captureDevices() -> [CaptureDevice] {
        callpulse_alsa_silence_diagnostics()
        var hints: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
        guard snd_device_name_hint(-1, "pcm", &hints) >= 0, let hints else { return [] }
        defer { snd_device_name_free_hint(hints) }
        var devices: [CaptureDevice] = []
        var index = 0
        while let hint = hints[index] {
            index += 1
            let name = string(snd_device_name_get_hint(hint, "NAME"))
            let description = string(snd_device_name_get_hint(hint, "DESC"))
            // IOID is absent for PCMs that both play and capture, "Output" for playback only.
            let direction = string(snd_device_name_get_hint(hint, "IOID"))
            guard let name, direction != "Output" else { continue }
            devices.append(CaptureDevice(
                name: name, description: description ?? "",
                looksLikeHeadset: looksLikeHeadset(name: name, description: description ?? "")))
        }
        return devices
    }

    /// Whether a PCM's name or description contains one of `headsetWords`.
    public static func looksLikeHeadset(name: String, description: String) -> Bool {
        let text = (name + " " + description).lowercased()
        return headsetWords.contains { text.contains($0) }
    }

    /// Takes a string alsa-lib allocated with malloc and frees it.
    private static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
