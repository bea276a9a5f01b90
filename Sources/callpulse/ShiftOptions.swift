import ArgumentParser
import CallPulseCore

/// How a capture is cut into calls (SPEC "Calls in a shift"), shared by `live` and
/// `analyze --split-calls`.
struct ShiftOptions: ParsableArguments {
    @Option(name: .customLong("call-end-silence"), help: ArgumentHelp("A call ends when the line (customer side) has been idle, no speech and no ring, this long, in seconds.", valueName: "S"))
    var callEndSilenceS: Double = CallSplitter.Config().callEndSilenceS

    func validate() throws {
        // The sample history must still hold the call's audio when the line idle ends it.
        guard callEndSilenceS.isFinite, callEndSilenceS >= 1, callEndSilenceS <= Double(CallSplitter.historyS) - 5 else {
            throw ValidationError("--call-end-silence must lie between 1 and \(CallSplitter.historyS - 5) seconds.")
        }
    }

    var config: CallSplitter.Config {
        var config = CallSplitter.Config()
        config.callEndSilenceS = callEndSilenceS
        return config
    }
}
