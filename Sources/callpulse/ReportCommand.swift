import ArgumentParser
import CallPulseCore
import CallPulseRender
import CallPulseStore
import Foundation

/// `callpulse report`: per agent over a period, and the calls to review.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Review stored calls per agent: answer speed, talk share, response latency, dead air, interruptions, and the calls to listen to.",
        discussion: """
        For each agent over the period: the number of calls; median and 90th percentile of the \
        seconds from first ring to answer, of the agent's share of the talk and of the response \
        latency; the share of calls answered within the ring limit, without dead air and without \
        the agent interrupting; and the calls that broke the most rules, with why. \
        With --html FILE, also one self-contained page (no network, no script) with a timeline \
        of every call, that prints well in black and white.
        """
    )

    @OptionGroup var period: PeriodOptions

    @Option(help: ArgumentHelp("Also write the report as one HTML file, with a timeline per call.", valueName: "FILE"))
    var html: String?

    @Option(name: .customLong("max-rings"), help: ArgumentHelp("The ring limit the answer share is measured against.", valueName: "N"))
    var maxRings: Int = AlertLimits().maxRings

    @Option(help: ArgumentHelp("How many calls to list for review per agent.", valueName: "N"))
    var review: Int = 3

    @OptionGroup var location: StoreLocation

    func validate() throws {
        guard maxRings >= 0 else { throw ValidationError("--max-rings must be 0 or more.") }
        guard review >= 0 else { throw ValidationError("--review must be 0 or more.") }
        if let html, html.isEmpty { throw ValidationError("--html needs a file path.") }
    }

    func run() throws {
        let store = try location.open()
        var limits = AlertLimits()
        limits.maxRings = maxRings
        let stored: StoredSummaries
        let report: Report
        if let team = store as? TeamSessionStore, html == nil {
            // The figures worked out in the database: no summary is fetched.
            stored = StoredSummaries()
            report = try withStore { try team.report(period.filter(flagged: false), limits: limits, reviewCount: review) }
        } else if let local = store as? SessionStore, html == nil,
                  let worked = try withStore({ try local.report(period.filter(flagged: false), limits: limits, reviewCount: review) }) {
            // The same in SQLite, from the columns the store keeps.
            stored = StoredSummaries(damaged: worked.damaged)
            report = worked.report
        } else {
            stored = try withStore { try store.summaries(period.filter(flagged: false)) }
            report = Report(summaries: stored.summaries, limits: limits, reviewCount: review)
        }
        let summaries = stored.summaries
        let periodText = period.periodDescription(flagged: false)
        print(ReportTextRenderer.render(report, period: periodText, width: terminalColumns()))
        // An HTML file that cannot be written is an output failure (exit 1), said after the
        // damaged sessions are: the text report and those still come out.
        var htmlUnwritten = false
        if let html {
            let page = HTMLReportRenderer.render(report, summaries: summaries, period: periodText, generatedAt: StoreDate.string(Date()))
            if let reason = writePrivateFile(page + "\n", to: html) {
                printError("cannot write the HTML report \(html): \(reason)")
                htmlUnwritten = true
            } else {
                print("\nHTML report written to \(html)")
            }
        }
        // The damaged sessions, after the report of the others.
        try reportDamaged(stored)
        if htmlUnwritten { throw CommandFailure(status: .output) }
    }
}

/// Writes `text` to `path`, readable by the owner only (0600, also when it existed);
/// returns why it failed, or `nil`.
func writePrivateFile(_ text: String, to path: String) -> String? {
    let descriptor = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { return String(cString: strerror(errno)) }
    defer { close(descriptor) }
    guard fchmod(descriptor, 0o600) == 0 else { return String(cString: strerror(errno)) }
    let complete = Array(text.utf8).withUnsafeBytes { bytes in
        writeFully(bytes, write: { write(descriptor, $0.baseAddress!, $0.count) }, interrupted: { errno == EINTR })
    }
    return complete ? nil : String(cString: strerror(errno))
}
