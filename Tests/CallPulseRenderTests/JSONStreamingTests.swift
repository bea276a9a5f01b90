@testable import CallPulseCore
import Testing
@testable import CallPulseRender

/// The long lists are written item by item (`JSONValue.generated`); the text must be the
/// one the whole tree gives, pretty and compact, for long and empty lists alike.
@Suite struct JSONStreamingTests {
    static func longCall() -> Summary {
        var summary = Fixtures.fullCall
        summary.segments = (0..<500).map { i in
            Segment(party: i % 2 == 0 ? .agent : .customer, startFrame: 100 * i, endFrame: 100 * i + 80)
        }
        summary.pauses = (0..<120).map { i in
            Pause(startFrame: 1000 * i, endFrame: 1000 * i + 150 + i, kind: i % 3 == 0 ? .gap : .pause,
                  before: .agent, after: i % 3 == 0 ? .customer : .agent, deadAir: i % 7 == 0)
        }
        return summary
    }

    @Test("item-by-item lists write the same text as the whole tree", arguments: [false, true])
    func sameText(compact: Bool) {
        for summary in [Self.longCall(), Fixtures.fullCall, Fixtures.sparseCall, Fixtures.abandonedCall] {
            let whole = JSONWriter.write(SummaryJSON.wholeTree(summary), pretty: !compact)
            #expect(SummaryJSON.render(summary, compact: compact) == whole)
            #expect(SummaryJSON.render([summary, summary], compact: compact)
                == JSONWriter.write(.array([SummaryJSON.wholeTree(summary), SummaryJSON.wholeTree(summary)]), pretty: !compact))
        }
    }
}
