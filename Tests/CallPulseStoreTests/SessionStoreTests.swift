import CallPulseCore
import CallPulseTestSupport
import Foundation
import GRDB
import Testing
@testable import CallPulseStore

@Suite struct SessionStoreTests {
    @Test func inMemoryStoreKeepsTheSummaryWholeAndItsColumns() throws {
        let store = try SessionStore()
        let ring = RingSummary(rings: 2, firstRingS: 0.5, answeredS: 9.5, ringToAnswerS: 9.0, answered: true, toneHz: [425], onOffS: [1, 4])
        let summary = StoreFixtures.summary(
            id: "aa11", agent: "anna", startedAt: "2026-11-23T11:00:00+01:00", ring: ring, agentShare: 0.61,
            greetingLatencyS: 1.25, deadAirPauses: 2, agentInterruptions: 3,
            alerts: [StoreFixtures.deadAirAlert, StoreFixtures.ringsAlert]
        )
        #expect(try store.save(summary) == .inserted)
        let record = try store.record(id: "aa11")
        #expect(try record.summary() == summary)
        #expect(record.agent == "anna")
        // +01:00 is normalised to UTC so that text order is time order.
        #expect(record.startedAt == "2026-11-23T10:00:00Z")
        #expect(record.sortAt == "2026-11-23T10:00:00Z")
        #expect(record.rings == 2)
        #expect(record.ringToAnswerS == 9.0)
        #expect(record.answered == true)
        #expect(record.agentShare == 0.61)
        #expect(record.deadAirCount == 2)
        #expect(record.agentInterruptions == 3)
        #expect(record.greetingLatencyS == 1.25)
        #expect(record.alertCount == 2)
        #expect(record.alerts == "dead_air,rings")
        #expect(!record.summaryJSON.contains("\n"))
    }

    @Test func nullRingIsKeptAsNull() throws {
        let store = try SessionStore()
        try store.save(StoreFixtures.summary(id: "b", agent: nil, startedAt: nil, ring: nil, agentShare: nil, greetingLatencyS: nil))
        let record = try store.record(id: "b")
        #expect(record.rings == nil)
        #expect(record.ringToAnswerS == nil)
        #expect(record.answered == nil)
        #expect(record.agentShare == nil)
        #expect(record.greetingLatencyS == nil)
        #expect(record.startedAt == nil)
        #expect(try record.summary().ring == nil)
    }

    @Test func theSameRecordingAgainReplacesItsSession() throws {
        let store = try SessionStore()
        #expect(try store.save(StoreFixtures.summary(id: "same", agent: "anna", startedAt: "2026-11-01T09:00:00Z")) == .inserted)
        #expect(try store.save(StoreFixtures.summary(id: "same", agent: "bert", startedAt: "2026-11-01T09:00:00Z")) == .replaced)
        #expect(try store.count() == 1)
        #expect(try store.record(id: "same").agent == "bert")
    }

    @Test func filtersByAgentPeriodAndFlag() throws {
        let store = try SessionStore()
        try store.save(StoreFixtures.summary(id: "1", agent: "anna", startedAt: "2026-11-01T09:00:00Z"))
        try store.save(StoreFixtures.summary(id: "2", agent: "anna", startedAt: "2026-11-02T09:00:00Z", alerts: [StoreFixtures.ringsAlert]))
        try store.save(StoreFixtures.summary(id: "3", agent: "bert", startedAt: "2026-11-03T09:00:00Z"))
        try store.save(StoreFixtures.summary(id: "4", agent: "bert", startedAt: "2026-11-04T23:59:59Z", alerts: [StoreFixtures.deadAirAlert]))
        let utc = TimeZone(identifier: "UTC")!
        func ids(_ filter: SessionFilter) throws -> [String] { try store.records(filter).map(\.id) }
        #expect(try ids(SessionFilter()) == ["1", "2", "3", "4"])
        #expect(try ids(SessionFilter(agent: "anna")) == ["1", "2"])
        #expect(try ids(SessionFilter(flaggedOnly: true)) == ["2", "4"])
        let since = StoreDate.parseArgument("2026-11-02", timeZone: utc)
        let until = StoreDate.parseArgument("2026-11-04", endOfDay: true, timeZone: utc)
        #expect(try ids(SessionFilter(since: since)) == ["2", "3", "4"])
        // --until with a plain date takes in that whole day: 23:59:59 is inside.
        #expect(try ids(SessionFilter(since: since, until: until)) == ["2", "3", "4"])
        let untilNoon = StoreDate.parseArgument("2026-11-03T12:00:00Z")
        #expect(try ids(SessionFilter(until: untilNoon)) == ["1", "2", "3"])
        #expect(try ids(SessionFilter(agent: "bert", flaggedOnly: true)) == ["4"])
    }

    @Test func deletesByIDPrefixAndBeforeADate() throws {
        let store = try SessionStore()
        try store.save(StoreFixtures.summary(id: "abc123", agent: "anna", startedAt: "2026-10-01T09:00:00Z"))
        try store.save(StoreFixtures.summary(id: "abd456", agent: "anna", startedAt: "2026-10-15T09:00:00Z"))
        try store.save(StoreFixtures.summary(id: "ff0000", agent: "anna", startedAt: "2026-11-15T09:00:00Z"))
        #expect(throws: StoreError.self) { try store.delete(id: "ab") }
        #expect(throws: StoreError.notFound(id: "zz")) { try store.delete(id: "zz") }
        // LIKE wildcards are text, not patterns: nothing is deleted by a stray `_` or `%`.
        for pattern in ["_", "%", "a_c", "ab%", "f_0000"] {
            #expect(throws: StoreError.notFound(id: pattern)) { try store.delete(id: pattern) }
        }
        #expect(try store.records().count == 3)
        #expect(try store.delete(id: "abc") == "abc123")
        #expect(try store.records().map(\.id) == ["abd456", "ff0000"])
        let before = StoreDate.parseArgument("2026-11-01", timeZone: TimeZone(identifier: "UTC")!)!
        #expect(try store.delete(before: before) == 1)
        #expect(try store.records().map(\.id) == ["ff0000"])
    }

    @Test(arguments: [
        ("2026-11-23", "2026-11-23T00:00:00Z"),
        ("2026-11-23T10:00:00Z", "2026-11-23T10:00:00Z"),
        ("2026-11-23T11:30:00+01:00", "2026-11-23T10:30:00Z"),
        ("2026-11-23T10:00:00.250Z", "2026-11-23T10:00:00Z"),
    ])
    func acceptsPlainDatesAndFullISO8601(text: String, expected: String) throws {
        let date = try #require(StoreDate.parseArgument(text, timeZone: TimeZone(identifier: "UTC")!))
        #expect(StoreDate.string(date) == expected)
    }

    @Test(arguments: ["2026-13-01", "2026-02-30", "yesterday", "23-11-2026", ""])
    func refusesWhatIsNotADate(text: String) {
        #expect(StoreDate.parseArgument(text) == nil)
    }

    @Test func defaultPathFollowsXDG() {
        #expect(SessionStore.defaultPath(environment: ["XDG_DATA_HOME": "/x/data", "HOME": "/home/a"]) == "/x/data/callpulse/sessions.sqlite")
        #expect(SessionStore.defaultPath(environment: ["HOME": "/home/a"]) == "/home/a/.local/share/callpulse/sessions.sqlite")
        // A relative XDG_DATA_HOME is invalid per the XDG spec and ignored.
        #expect(SessionStore.defaultPath(environment: ["XDG_DATA_HOME": "rel", "HOME": "/home/a"]) == "/home/a/.local/share/callpulse/sessions.sqlite")
    }
}

@Suite struct SessionStoreFileTests {
    @Test func aRealFileIsWALWithPrivateModesAndNamedMigrations() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/data/callpulse/sessions.sqlite"
        do {
            let store = try SessionStore(path: path)
            try store.save(StoreFixtures.summary(id: "f1", agent: "anna", startedAt: "2026-11-01T09:00:00Z"))
            #expect(try store.appliedMigrations() == ["v1: session table", "v2: shift columns", "v3: unsent queue", "v4: report columns", "v5: dashboard users and live state"])
            #expect(fileMode(folder.path + "/data/callpulse") == 0o700)
            #expect(fileMode(path) == 0o600)
            #expect(fileMode(path + "-wal") == 0o600)
            #expect(fileMode(path + "-shm") == 0o600)
        }
        // Opened again (a later run): the session is there, the migration not run twice.
        let reopened = try SessionStore(path: path)
        #expect(try reopened.records().map(\.id) == ["f1"])
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") } == ["v1: session table", "v2: shift columns", "v3: unsent queue", "v4: report columns", "v5: dashboard users and live state"])
    }

    @Test func migratesAnEmptyFile() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/sessions.sqlite"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let store = try SessionStore(path: path)
        #expect(try store.appliedMigrations() == ["v1: session table", "v2: shift columns", "v3: unsent queue", "v4: report columns", "v5: dashboard users and live state"])
        #expect(try store.count() == 0)
        try store.save(StoreFixtures.summary(id: "e", agent: nil, startedAt: nil))
        #expect(try store.count() == 1)
    }

    @Test func refusesAStoreFromANewerCallpulse() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/sessions.sqlite"
        _ = try SessionStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99: from the future')") }
        #expect(throws: StoreError.newerSchema(path: path)) { try SessionStore(path: path) }
    }

    @Test func twoWritersAtOnceLoseNothing() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/sessions.sqlite"
        let sessionsPerWriter = 40
        // Two stores on one file: two connection pools, as two callpulse processes would have.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    let store = try SessionStore(path: path)
                    for index in 0..<sessionsPerWriter {
                        try store.save(StoreFixtures.summary(id: "w\(writer)-\(index)", agent: "agent\(writer)", startedAt: "2026-11-01T09:00:00Z", segmentCount: 200))
                    }
                }
            }
            try await group.waitForAll()
        }
        let store = try SessionStore(path: path)
        #expect(try store.count() == 2 * sessionsPerWriter)
        #expect(try store.records(SessionFilter(agent: "agent1")).count == sessionsPerWriter)
    }

    @Test func aLockHeldTooLongIsReportedAsBusy() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/sessions.sqlite"
        let store = try SessionStore(path: path, busyTimeoutS: 0.2)
        let holder = try DatabaseQueue(path: path)
        try holder.inDatabase { db in
            try db.execute(sql: "BEGIN EXCLUSIVE")
            let started = Date()
            #expect(throws: StoreError.busy(path: path, timeoutS: SessionStore.defaultBusyTimeoutS)) {
                try store.save(StoreFixtures.summary(id: "x", agent: nil, startedAt: nil))
            }
            // The busy handler waited before giving up, it did not fail at once.
            #expect(Date().timeIntervalSince(started) >= 0.15)
            try db.execute(sql: "ROLLBACK")
        }
        try store.save(StoreFixtures.summary(id: "x", agent: nil, startedAt: nil))
        #expect(try store.count() == 1)
    }

    /// Random bytes are not an SQLite database at all: refused as not a store (and left as
    /// they are) before SQLite opens them. (Before issue 9 this was `.corrupt`, with advice to
    /// move the file aside, which suits a damaged store, not someone else's file.)
    @Test func randomBytesAreNotAStore() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/sessions.sqlite"
        var generator = SeededGenerator(seed: 0x5EED_0B17E5)
        let bytes = (0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        do {
            _ = try SessionStore(path: path)
            Issue.record("random bytes opened as a store")
        } catch let error as StoreError {
            guard case .notAStore(let errorPath, _) = error else {
                Issue.record("expected .notAStore, got \(error)")
                return
            }
            #expect(errorPath == path)
            #expect(error.description.contains(path))
        }
    }

    @Test func aFolderThatCannotBeCreatedIsReported() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        // A file where the folder should be.
        #expect(FileManager.default.createFile(atPath: folder.path + "/blocker", contents: Data("x".utf8)))
        let path = folder.path + "/blocker/callpulse/sessions.sqlite"
        #expect(throws: StoreError.self) { try SessionStore(path: path) }
        do {
            _ = try SessionStore(path: path)
        } catch let error as StoreError {
            guard case .cannotOpen = error else { Issue.record("expected .cannotOpen, got \(error)"); return }
            #expect(error.description.contains(path))
        }
    }

    /// As root only a read-only mount makes a folder read-only (root ignores permission bits).
    @Test(.enabled(if: getuid() != 0 || tmpfsMountable, "needs a read-only tmpfs mount when run as root"))
    func aReadOnlyFolderIsReported() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let readOnly = folder.path + "/ro"
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
        var mounted = false
        if getuid() == 0 {
            // Root ignores permission bits: a read-only mount is the only honest read-only folder.
            mounted = mountTmpfs(at: readOnly, sizeKiB: 64, readOnly: true)
            try #require(mounted, "mounting a read-only tmpfs failed although the probe could")
        } else {
            _ = chmod(readOnly, 0o500)
        }
        defer {
            if mounted { unmount(readOnly) } else { _ = chmod(readOnly, 0o700) }
        }
        let path = readOnly + "/sessions.sqlite"
        do {
            _ = try SessionStore(path: path)
            Issue.record("a store opened in a read-only folder")
        } catch let error as StoreError {
            guard case .cannotOpen(let errorPath, _) = error else { Issue.record("expected .cannotOpen, got \(error)"); return }
            #expect(errorPath == path)
        }
    }

    @Test(.enabled(if: tmpfsMountable, "needs a 64 KiB tmpfs mount (root)"))
    func aFullDiskIsReported() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let small = folder.path + "/small"
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        try #require(mountTmpfs(at: small, sizeKiB: 64), "mounting a tmpfs failed although the probe could")
        defer { unmount(small) }
        let path = small + "/sessions.sqlite"
        var failure: StoreError?
        do {
            let store = try SessionStore(path: path)
            // Each summary is tens of kilobytes: a 64 KiB disk fills within a few.
            for index in 0..<20 {
                try store.save(StoreFixtures.summary(id: "big\(index)", agent: "anna", startedAt: nil, segmentCount: 1500))
            }
        } catch let error as StoreError {
            failure = error
        }
        let error = try #require(failure)
        switch error {
        case .cannotWrite(let errorPath, _), .cannotOpen(let errorPath, _):
            #expect(errorPath == path)
        default:
            Issue.record("expected a write failure, got \(error)")
        }
    }

    @Test func fallbackFileIsPrivateAndTakesTheFirstFolderThatWorks() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let blocked = folder.path + "/blocker"
        #expect(FileManager.default.createFile(atPath: blocked, contents: Data("x".utf8)))
        let second = folder.path + "/second"
        let now = Date()
        let written = try #require(FallbackFile.write("{\"a\":1}", sessionID: "abc/../1", now: now, folders: [blocked + "/sub", second]))
        #expect(written.hasPrefix(second + "/callpulse-unsaved-"))
        #expect(written.hasSuffix("-abc1.json"))
        #expect(fileMode(written) == 0o600)
        #expect(try String(contentsOfFile: written, encoding: .utf8) == "{\"a\":1}")
        // A second write in the same second does not overwrite the first.
        let again = try #require(FallbackFile.write("{\"b\":2}", sessionID: "abc/../1", now: now, folders: [second]))
        #expect(again != written)
        #expect(try String(contentsOfFile: written, encoding: .utf8) == "{\"a\":1}")
        #expect(try String(contentsOfFile: again, encoding: .utf8) == "{\"b\":2}")
    }
}

/// `report` and `sessions list` worked out from the columns in SQL give what the same
/// sessions' summaries give in memory (`Report(summaries:)`, `SessionListing(summary)`).
@Suite struct SessionStoreReportTests {
    /// Three agents and one without: calls with and without rings (answered, abandoned,
    /// over the limit), shares, dead air, interruptions, alerts of several severities, and two
    /// shifts of cut-out calls. Figures rounded to hundredths as `SummaryBuilder` rounds them
    /// (the summary JSON keeps them so); lengths and offsets multiples of 1/4 s, so every sum is exact.
    static func sessions() -> [Summary] {
        var summaries: [Summary] = []
        let agents: [String?] = ["anna", "bert", "cleo", nil]
        for n in 0..<40 {
            let agent = agents[n % agents.count]
            let rings = n % 5
            let answered = n % 7 != 3
            let ring = rings == 0 ? nil : RingSummary(
                rings: rings, firstRingS: 0.5, answeredS: answered ? 0.5 + 5.25 * Double(rings) : nil,
                ringToAnswerS: answered ? roundedToHundredths(5.25 * Double(rings) - 0.5 + 0.01 * Double(n)) : nil, answered: answered,
                toneHz: [425], onOffS: [1, 4])
            var alerts: [Alert] = []
            if rings > 3 { alerts.append(Alert(rule: .rings, value: Double(rings), limit: 3, message: "answered after \(rings) rings")) }
            if n % 3 == 0 { alerts.append(Alert(rule: .deadAir, value: 5 + Double(n % 4), limit: 5, message: "dead air \(n)")) }
            var summary = StoreFixtures.summary(
                id: String(format: "%02x", n * 37 % 256) + "-\(n)", agent: agent,
                startedAt: "2026-11-\(10 + n % 9)T09:\(10 + n):00Z", durationS: 60 + 0.25 * Double(n),
                ring: ring, agentShare: n % 6 == 5 ? nil : roundedToHundredths(0.3 + 0.01 * Double(n)), greetingLatencyS: 0.5,
                deadAirPauses: n % 3, agentInterruptions: n % 4, alerts: alerts)
            summary.responseLatency.medianS = n % 8 == 1 ? nil : roundedToHundredths(0.25 + 0.05 * Double(n % 11))
            if n % 5 == 2 {
                summary.session.call = Summary.Call(shiftID: "shift-\(n % 2)", index: n, offsetS: 30.5 * Double(n), endedBy: .lineSilence)
            }
            summaries.append(summary)
        }
        return summaries
    }

    @Test(arguments: [
        SessionFilter(), SessionFilter(agent: "bert"), SessionFilter(since: StoreDate.parseTimestamp("2026-11-13T00:00:00Z")),
        SessionFilter(flaggedOnly: true),
    ])
    func reportInSQLEqualsTheReportOfTheSummaries(_ filter: SessionFilter) throws {
        let store = try SessionStore()
        for summary in Self.sessions() { try store.save(summary) }
        var limits = AlertLimits()
        limits.maxRings = 2
        for reviewCount in [0, 3, 50] {
            let inSQL = try #require(try store.report(filter, limits: limits, reviewCount: reviewCount))
            #expect(inSQL.damaged.isEmpty)
            let inMemory = Report(summaries: try store.summaries(filter).summaries, limits: limits, reviewCount: reviewCount)
            #expect(inSQL.report == inMemory, "review \(reviewCount)")
        }
    }

    @Test func listingsFromColumnsEqualThoseOfTheSummaries() throws {
        let store = try SessionStore()
        for summary in Self.sessions() { try store.save(summary) }
        for filter in [SessionFilter(), SessionFilter(agent: "anna", flaggedOnly: true), SessionFilter(shiftID: "shift-0")] {
            let listed = try store.listings(filter)
            #expect(listed.damaged.isEmpty)
            #expect(listed.listings == (try store.summaries(filter).summaries.map(SessionListing.init)))
        }
    }

    @Test func aSummaryThatIsNotJSONIsReportedAndLeftOut() throws {
        let store = try SessionStore()
        for summary in Self.sessions() { try store.save(summary) }
        let id = Self.sessions()[5].session.id
        try store.damageForTest(id: id)
        let listed = try store.listings(SessionFilter())
        #expect(listed.listings.count == 39 && !listed.listings.contains { $0.id == id })
        #expect(listed.damaged.count == 1 && "\(listed.damaged[0])".contains(id))
        let report = try #require(try store.report(SessionFilter(), limits: AlertLimits(), reviewCount: 3))
        #expect(report.damaged.count == 1)
        #expect(report.report.agents.map(\.calls).reduce(0, +) == 39)
    }
}

extension SessionStore {
    /// Overwrites one stored summary with text that is not JSON, as a broken disk would.
    func damageForTest(id: String) throws {
        try write { db in try db.execute(sql: "UPDATE session SET summary_json = '{not json' WHERE id = ?", arguments: [id]) }
    }
}
