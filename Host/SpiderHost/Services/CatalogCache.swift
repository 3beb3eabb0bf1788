// Public images and VM specs run to thousands of entries on real clouds and take minutes to
// fetch, yet rarely change. The host keeps each connection's (so each region's) catalogues in
// memory for a time-to-live: concurrent misses share one driver call, a failed fetch is not
// kept, and deleting the connection config forgets them.
import Dispatch
import Foundation
import Logging
import Synchronization

final class CatalogCache: Sendable {
    enum Catalogue: String, Sendable {
        case images, specs, originalSpecs
    }

    struct Key: Hashable, Sendable {
        var connection: String
        var catalogue: Catalogue
    }

    /// One fetched catalogue: the driver's bytes as they came, and each item's JSON by name.
    struct Entry: Sendable {
        let body: Data
        let items: [String: Data]
        let fetchedAt: UInt64
    }

    /// Where an answer came from, for the `x-spider-cache` header.
    enum Source: String, Sendable {
        case hit, miss, refresh
    }

    static let header = "x-spider-cache"

    /// One driver call in progress; later misses for the same key wait for it.
    private final class Flight: Sendable {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Entry, any Error>?>(nil)
        let waiters = Mutex(0)

        /// Publishes the outcome and wakes every waiter.
        func finish(_ result: Result<Entry, any Error>) {
            outcome.withLock { $0 = result }
            let count = waiters.withLock { w -> Int in
                defer { w = -1 }  // late joiners see the outcome without waiting
                return w
            }
            for _ in 0..<max(0, count) { done.signal() }
        }

        /// Waits until `deadline`; nil when it passed first.
        func wait(until deadline: UInt64) -> Result<Entry, any Error>? {
            let mustWait = waiters.withLock { w -> Bool in
                guard w >= 0 else { return false }
                w += 1
                return true
            }
            // A waiter that times out stays counted: the signal meant for it is simply never taken.
            if mustWait { _ = done.wait(timeout: DispatchTime(uptimeNanoseconds: deadline)) }
            return outcome.withLock { $0 }
        }
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var flights: [Key: Flight] = [:]
    }

    private let state = Mutex(State())
    private let ttlNanos: UInt64
    private let logger: Logger

    init(ttlSeconds: Double, logger: Logger) {
        ttlNanos = UInt64(max(0, ttlSeconds) * 1e9)
        self.logger = logger
    }

    private static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// The entry if it is younger than the time-to-live.
    func fresh(_ key: Key) -> Entry? {
        guard let entry = state.withLock({ $0.entries[key] }) else { return nil }
        return Self.now &- entry.fetchedAt < ttlNanos ? entry : nil
    }

    /// The cached catalogue, or a fetch through `load` (shared with concurrent misses).
    /// `refresh` skips the cached entry. On the I/O thread (`immediate`) only a hit answers.
    func entry(_ key: Key, refresh: Bool, immediate: Bool, deadline: UInt64,
               load: () throws -> (body: Data, items: [String: Data])) throws -> (Entry, Source) {
        if !refresh, let hit = fresh(key) { return (hit, .hit) }
        if immediate { throw MustOffload() }  // a fetch or a wait blocks
        let source: Source = refresh ? .refresh : .miss
        let (flight, leads) = state.withLock { s -> (Flight, Bool) in
            if let running = s.flights[key] { return (running, false) }
            let made = Flight()
            s.flights[key] = made
            return (made, true)
        }
        guard leads else {
            logger.debug("the \(key.catalogue.rawValue) catalogue of connection '\(key.connection)': joining the fetch in flight")
            guard let outcome = flight.wait(until: deadline) else {
                throw HostError.timeout("the \(key.catalogue.rawValue) catalogue of connection '\(key.connection)' is still being fetched by another request; try again")
            }
            return (try outcome.get(), source)
        }
        let result = Result { () throws -> Entry in
            let loaded = try load()
            return Entry(body: loaded.body, items: loaded.items, fetchedAt: Self.now)
        }
        state.withLock { s in
            // A config deleted meanwhile dropped this flight: then nothing is kept.
            guard s.flights[key] === flight else { return }
            s.flights[key] = nil
            if case .success(let entry) = result { s.entries[key] = entry }
        }
        flight.finish(result)
        return (try result.get(), source)
    }

    /// Forgets every catalogue of a connection (its config was deleted).
    func drop(connection: String) {
        state.withLock { s in
            s.entries = s.entries.filter { $0.key.connection != connection }
            s.flights = s.flights.filter { $0.key.connection != connection }
        }
    }
}
