import ArgumentParser
import CallPulseCore

/// `--layout agent,customer | customer,agent | agent | mixed`, parsed (and refused, with the
/// choices listed) by ArgumentParser from the raw values, in `analyze` and `live` alike.
extension ChannelLayout: ExpressibleByArgument {}
