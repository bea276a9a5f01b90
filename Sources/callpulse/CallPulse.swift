import ArgumentParser

@main
struct CallPulse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callpulse",
        abstract: "Measures call-handling practice from call audio."
    )
}
