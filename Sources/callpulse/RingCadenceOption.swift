import ArgumentParser
import CallPulseCore
import Foundation

/// `--ring-cadence S,S,…`: the ringing cadence pinned instead of learnt, for the commands
/// that analyse audio (analyze, live).
struct RingCadenceOption: ParsableArguments {
    /// Shortest and longest on or off time of a ringing cadence, seconds: E.180 plans run
    /// from the UK's 0.2 s gap to 5 s silences; 0.05-10 s leaves room on both sides.
    static let timeRangeS: ClosedRange<Double> = 0.05...10

    @Option(name: .customLong("ring-cadence"), help: ArgumentHelp("Pin the ringing cadence instead of learning it: on and off times in seconds, e.g. 1,4 or 0.4,0.2,0.4,2.", valueName: "S,S,..."))
    var ringCadence: String?

    func validate() throws {
        if ringCadence != nil && pinnedCadenceS == nil {
            throw ValidationError("--ring-cadence takes an even number of on/off times in seconds, each between 0.05 and 10, e.g. 1,4 or 0.4,0.2,0.4,2.")
        }
    }

    /// `--ring-cadence` parsed: on/off pairs, each 0.05-10 s (NaN and infinity are outside).
    var pinnedCadenceS: [Double]? {
        guard let ringCadence else { return nil }
        let fields = ringCadence.split(separator: ",", omittingEmptySubsequences: false)
        let times = fields.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard times.count >= 2, times.count % 2 == 0, times.count == fields.count,
              times.allSatisfy({ Self.timeRangeS.contains($0) }) else { return nil }
        return times
    }

    /// The analyzer configuration with the pinned cadence, if any.
    var analyzerConfig: AnalyzerConfig {
        var config = AnalyzerConfig()
        config.ring.pinnedCadenceS = pinnedCadenceS
        return config
    }
}
