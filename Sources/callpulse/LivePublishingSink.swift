import CallPulseAudio
import CallPulseCore
import CallPulseStore
import Foundation

/// Passes everything on to the monitor's own sink (terminal view or NDJSON) and hands the
/// wallboard's tile to the publisher (SPEC "Supervisor dashboard": the live state travels
/// through the store).
final class LivePublishingSink: LiveSessionSink {
    private let inner: any LiveSessionSink
    private let publisher: LiveStatePublisher
    private let agent: String
    private let monitor: String
    private let deadAirMinS: Double
    private let limits: AlertLimits
    /// Capture time the current call started at, seconds (shift mode: its offset).
    private var callStartS = 0.0

    init(_ inner: any LiveSessionSink, publisher: LiveStatePublisher, agent: String, monitor: String, deadAirMinS: Double, limits: AlertLimits) {
        self.inner = inner
        self.publisher = publisher
        self.agent = agent
        self.monitor = monitor
        self.deadAirMinS = deadAirMinS
        self.limits = limits
        publisher.update(LiveTile(agent: agent, monitor: monitor, state: .idle, atMs: 0))
    }

    var cadence: LiveSession.Cadence { inner.cadence }
    func wantsUpdateNow() -> Bool { inner.wantsUpdateNow() }
    func gap(_ event: LiveEvent) { inner.gap(event) }
    func finish(_ summary: Summary, atS: Double) { inner.finish(summary, atS: atS) }
    func recordingFailed(_ error: WAVError) { inner.recordingFailed(error) }
    func shiftEnded(_ shift: ShiftFigures, atS: Double) { inner.shiftEnded(shift, atS: atS) }

    func update(_ snapshot: LiveSnapshot, events: [LiveEvent], tick: Bool, atS: Double) -> Bool {
        publisher.update(LiveTile(
            agent: agent, monitor: monitor, activity: snapshot.activity, summary: snapshot.summary,
            inCallS: max(0, atS - callStartS), deadAirMinS: deadAirMinS, limits: limits))
        return inner.update(snapshot, events: events, tick: tick, atS: atS)
    }

    func callStarted(index: Int, offsetS: Double, atS: Double) {
        callStartS = offsetS
        inner.callStarted(index: index, offsetS: offsetS, atS: atS)
    }

    func callEnded(_ summary: Summary, shift: ShiftFigures, atS: Double) {
        publisher.update(LiveTile(agent: agent, monitor: monitor, state: .idle, atMs: 0))
        inner.callEnded(summary, shift: shift, atS: atS)
    }

    func idle(sinceS: Double, shift: ShiftFigures, atS: Double) {
        publisher.update(LiveTile(agent: agent, monitor: monitor, state: .idle, atMs: 0))
        inner.idle(sinceS: sinceS, shift: shift, atS: atS)
    }
}
