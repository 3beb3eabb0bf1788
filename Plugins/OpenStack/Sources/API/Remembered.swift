// What a connection keeps between calls so that repeated work does not ask OpenStack again:
// values that never move (the external network's ID) and look-ups that rarely do (a flavor or
// image by name, a key pair's public key), the latter for a bounded time and forgotten at once
// when OpenStack says they are stale.
import Foundation

/// A value computed once and kept (the external network's ID).
final class OnceValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?

    func get(_ make: () throws -> Value) throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value { return value }
        let made = try make()
        value = made
        return made
    }
}

/// Look-ups by key, each kept for `lifetime` after it was made. A miss runs `make` outside the
/// lock (it does network I/O), so two concurrent misses may both ask; the later answer is kept.
final class RememberedLookups<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (value: Value, madeAt: ContinuousClock.Instant)] = [:]
    private let lifetime: Duration
    private let limit: Int

    init(lifetime: Duration, limit: Int = 256) {
        self.lifetime = lifetime
        self.limit = limit
    }

    func value(for key: String, _ make: () throws -> Value) throws -> Value {
        let now = ContinuousClock.now
        lock.lock()
        let kept = entries[key]
        lock.unlock()
        if let kept, now - kept.madeAt < lifetime { return kept.value }
        let made = try make()
        remember(made, for: key)
        return made
    }

    func remember(_ value: Value, for key: String) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count >= limit, entries[key] == nil {   // bounded: the oldest goes
            if let oldest = entries.min(by: { $0.value.madeAt < $1.value.madeAt })?.key { entries[oldest] = nil }
        }
        entries[key] = (value, ContinuousClock.now)
    }

    func forget(_ key: String) {
        lock.lock()
        defer { lock.unlock() }
        entries[key] = nil
    }
}
