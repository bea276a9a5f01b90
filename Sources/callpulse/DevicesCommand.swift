import ArgumentParser
import CallPulseAudio

/// `callpulse devices`: where `callpulse live` can listen.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the audio capture devices callpulse live can listen to.",
        discussion: """
        Names are ALSA PCM names, as `arecord -L` lists them; give one to \
        `callpulse live --device NAME`. Devices marked "headset" look like a headset or a \
        USB call device.
        """
    )

    func run() throws {
        let devices = ALSADevices.captureDevices()
        if devices.isEmpty {
            print("No capture devices found (no sound card, or ALSA cannot see it).")
        } else {
            print("Capture devices (use with `callpulse live --device NAME`):")
            print("")
            for device in devices {
                print((device.looksLikeHeadset ? "  headset  " : "           ") + device.name)
                for line in device.description.split(separator: "\n") {
                    print("             " + line)
                }
            }
        }
        print("")
        print(Self.monitorHint)
    }

    /// How to reach the customer's side and the ringing: they play on the headset, so they
    /// are captured from the playback's monitor source of the sound server.
    static let monitorHint = """
    The customer's voice and the ringing play on the headset: capture them from its playback \
    monitor. Under PipeWire or PulseAudio, find the headset's sources:
      pactl list short sources          # alsa_input.…headset… and alsa_output.…headset….monitor
    name them in ~/.asoundrc (the softphone keeps the headset; the sound server shares it):
      pcm.headset_mic     { type pulse device "alsa_input.…headset…" }
      pcm.headset_monitor { type pulse device "alsa_output.…headset….monitor" }
    and listen to both:
      callpulse live --device headset_mic --line-device headset_monitor
    """
}
