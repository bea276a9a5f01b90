import CallPulseCore
import Testing
@testable import CallPulseRender

/// A minimal RFC 4180 reader for one record: fields separated by commas, quoted fields may
/// hold commas, line breaks and doubled quotes.
private func csvFields(_ record: String) -> [String] {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var characters = Array(record)[...]
    while let character = characters.popFirst() {
        if quoted {
            if character == "\"" {
                if characters.first == "\"" {
                    field.append("\"")
                    characters.removeFirst()
                } else {
                    quoted = false
                }
            } else {
                field.append(character)
            }
        } else if character == "\"" {
            quoted = true
        } else if character == "," {
            fields.append(field)
            field = ""
        } else {
            field.append(character)
        }
    }
    fields.append(field)
    return fields
}

private func record(_ summary: Summary) -> [String: String] {
    let names = csvFields(CSVRenderer.header)
    let values = csvFields(CSVRenderer.row(summary))
    return Dictionary(uniqueKeysWithValues: zip(names, values))
}

@Suite struct CSVRendererTests {
    @Test func headerListsTheBriefsColumnsInOrder() {
        #expect(CSVRenderer.header == [
            "path,duration_s,rings,ring_to_answer_s,answered,agent_s,customer_s,overlap_s,silence_s,",
            "agent_share,agent_pct,customer_pct,greeting_latency_s,pauses,dead_air,",
            "interruptions_by_agent,interruptions_by_customer,backchannels_agent,backchannels_customer,",
            "turns,agent_longest_monologue_s,customer_longest_monologue_s,",
            "response_latency_median_s,response_latency_p90_s,switches_per_min,",
            "agent_speech_dbfs,agent_noise_dbfs,agent_snr_db,agent_clipped_ratio,",
            "customer_speech_dbfs,customer_noise_dbfs,customer_snr_db,customer_clipped_ratio,alerts",
        ].joined())
    }

    @Test(arguments: [Fixtures.fullCall, Fixtures.sparseCall, Fixtures.abandonedCall])
    func rowHasAsManyFieldsAsTheHeader(summary: Summary) {
        #expect(csvFields(CSVRenderer.row(summary)).count == csvFields(CSVRenderer.header).count)
        #expect(!CSVRenderer.row(summary).contains("\n"))
    }

    @Test func rowCarriesTheFixtureFigures() {
        let fields = record(Fixtures.fullCall)
        let expected: [String: String] = [
            "path": "Samples/call.wav", "duration_s": "183.2", "rings": "4", "ring_to_answer_s": "13.58",
            "answered": "true", "agent_s": "61.3", "customer_s": "80.1", "overlap_s": "3.2", "silence_s": "25.4",
            "agent_share": "0.43", "agent_pct": "0.37", "customer_pct": "0.48", "greeting_latency_s": "0.62",
            "pauses": "2", "dead_air": "1", "interruptions_by_agent": "1", "interruptions_by_customer": "1",
            "backchannels_agent": "12", "backchannels_customer": "3", "turns": "41",
            "agent_longest_monologue_s": "22.4", "customer_longest_monologue_s": "31",
            "response_latency_median_s": "0.41", "response_latency_p90_s": "1.2", "switches_per_min": "6.1",
            "agent_speech_dbfs": "-22.1", "agent_noise_dbfs": "-61.3", "agent_snr_db": "39.2", "agent_clipped_ratio": "0",
            "customer_speech_dbfs": "-25.4", "customer_noise_dbfs": "-38", "customer_snr_db": "12.6",
            "customer_clipped_ratio": "0.0012", "alerts": "rings;dead_air;snr;clipping",
        ]
        #expect(fields == expected)
    }

    @Test func unknownFiguresAreEmptyFields() {
        let fields = record(Fixtures.sparseCall)
        for column in [
            "rings", "ring_to_answer_s", "answered", "customer_s", "overlap_s", "agent_share", "customer_pct",
            "greeting_latency_s", "interruptions_by_agent", "interruptions_by_customer",
            "backchannels_agent", "backchannels_customer", "agent_longest_monologue_s",
            "customer_longest_monologue_s", "response_latency_median_s", "response_latency_p90_s",
            "switches_per_min", "agent_speech_dbfs", "agent_snr_db",
            "customer_speech_dbfs", "customer_noise_dbfs", "customer_snr_db", "customer_clipped_ratio", "alerts",
        ] {
            #expect(fields[column] == "", "\(column) should be empty")
        }
        // Known figures of the same summary are not empty.
        #expect(fields["agent_s"] == "40")
        #expect(fields["agent_noise_dbfs"] == "-60")
        #expect(fields["pauses"] == "0")
        #expect(fields["turns"] == "0")
    }

    @Test func abandonedCallIsNotAnswered() {
        let fields = record(Fixtures.abandonedCall)
        #expect(fields["rings"] == "2")
        #expect(fields["answered"] == "false")
        #expect(fields["ring_to_answer_s"] == "")
    }

    @Test(arguments: [
        ("plain.wav", "plain.wav"),
        ("calls/a,b.wav", "\"calls/a,b.wav\""),
        ("say \"hi\".wav", "\"say \"\"hi\"\".wav\""),
        ("two\nlines.wav", "\"two\nlines.wav\""),
        ("cr\r.wav", "\"cr\r.wav\""),
    ])
    func fieldsAreQuotedAsRFC4180Asks(field: String, quoted: String) {
        #expect(CSVRenderer.quoted(field) == quoted)
    }

    @Test func aPathWithCommaAndQuotesSurvivesTheRow() {
        var summary = Fixtures.fullCall
        summary.source.path = "calls/2026,11/\"vip\".wav"
        let row = CSVRenderer.row(summary)
        #expect(row.hasPrefix("\"calls/2026,11/\"\"vip\"\".wav\",183.2,"))
        #expect(csvFields(row).first == summary.source.path)
        #expect(csvFields(row).count == csvFields(CSVRenderer.header).count)
    }
}
