import CallPulseCore
import Foundation

/// What every command asks of a session store, whichever kind it is: the SQLite file of one
/// machine (`SessionStore`) or the team's PostgreSQL database (`TeamSessionStore`). SPEC "Team
/// store": `sessions` and `report` give the same results on either.
///
/// Every method throws `StoreError` only.
public protocol SessionStoring: AnyObject, Sendable {
    /// The store as error lines name it: a file path, or `postgres://USER@HOST:PORT/DB`.
    var location: String { get }
    /// Keeps `summary`, replacing the session with the same id if there is one.
    @discardableResult
    func save(_ summary: Summary, json: String?, storedAt: Date) throws -> SaveOutcome
    /// The summaries that pass `filter`, oldest first, and one error per damaged session.
    func summaries(_ filter: SessionFilter) throws -> StoredSummaries
    /// One session by its id or a unique prefix of it.
    func summary(id: String) throws -> Summary
    /// Deletes one session by its id or a unique prefix; returns the full id.
    @discardableResult
    func delete(id: String) throws -> String
    /// Deletes every session before `date`; returns how many.
    @discardableResult
    func delete(before date: Date) throws -> Int
    func count() throws -> Int
    /// What `sessions list` shows of the sessions that pass `filter`, oldest first (in call
    /// order for a shift), from the store's columns: no summary is decoded.
    func listings(_ filter: SessionFilter) throws -> StoredListings
}

/// What `sessions list` gets: a line per session, and one error for each stored session
/// that could not be read.
public struct StoredListings: Sendable {
    public var listings: [SessionListing] = []
    public var damaged: [StoreError] = []

    public init(listings: [SessionListing] = [], damaged: [StoreError] = []) {
        self.listings = listings
        self.damaged = damaged
    }
}

extension SessionStore: SessionStoring {
    public var location: String { path }
}
