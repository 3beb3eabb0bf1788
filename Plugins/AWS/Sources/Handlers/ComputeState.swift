// What a connection remembers between compute calls: the region's public-image and instance-type
// catalogues for a while (DescribeImages and DescribeInstanceTypes answers are large and change
// rarely), the images and instance types vm.start used, and which instances have a RebootInstances
// call in flight (AWS has no rebooting state).
import Foundation
import Synchronization

final class ComputeState: Sendable {
    /// How long a catalogue answer is reused.
    static let catalogueTTL: TimeInterval = 600

    private struct Entry<Value: Sendable>: Sendable {
        let value: Value
        let fetchedAt: Date
    }

    private let images = Mutex<Entry<[XMLNode]>?>(nil)
    private let instanceTypes = Mutex<Entry<[XMLNode]>?>(nil)
    private let rebooting = Mutex<[String: Int]>([:])
    private let references = Mutex<[String: Entry<XMLNode>]>([:])

    /// The cached public images, or `fetch`'s answer (then cached).
    func publicImages(_ fetch: () throws -> [XMLNode]) rethrows -> [XMLNode] {
        try cached(images, fetch)
    }

    /// The cached instance types of the region, or `fetch`'s answer (then cached).
    func allInstanceTypes(_ fetch: () throws -> [XMLNode]) rethrows -> [XMLNode] {
        try cached(instanceTypes, fetch)
    }

    /// The instance types already cached, without fetching.
    var cachedInstanceTypes: [XMLNode]? {
        instanceTypes.withLock { entry in
            guard let entry, Date().timeIntervalSince(entry.fetchedAt) < Self.catalogueTTL else { return nil }
            return entry.value
        }
    }

    /// A reference vm.start looked up before (an image, an instance type), or `fetch`'s answer, kept
    /// for the catalogue's time: what a launch needs of them does not change, and an image removed
    /// meanwhile is still reported by RunInstances (InvalidAMIID.NotFound).
    func reference(_ key: String, keep: (XMLNode) -> Bool = { _ in true }, _ fetch: () throws -> XMLNode) rethrows -> XMLNode {
        if let hit = references.withLock({ entries -> XMLNode? in
            guard let entry = entries[key], Date().timeIntervalSince(entry.fetchedAt) < Self.catalogueTTL else { return nil }
            return entry.value
        }) {
            return hit
        }
        let value = try fetch()
        guard keep(value) else { return value }
        references.withLock { entries in
            if entries.count >= 256 { entries.removeAll() }   // a bound, not an LRU: lookups are cheap to redo
            entries[key] = Entry(value: value, fetchedAt: Date())
        }
        return value
    }

    /// Runs `body` with `instanceID` marked as rebooting.
    func whileRebooting<T>(_ instanceID: String, _ body: () throws -> T) rethrows -> T {
        rebooting.withLock { $0[instanceID, default: 0] += 1 }
        defer {
            rebooting.withLock {
                let left = ($0[instanceID] ?? 1) - 1
                $0[instanceID] = left > 0 ? left : nil
            }
        }
        return try body()
    }

    func isRebooting(_ instanceID: String) -> Bool {
        rebooting.withLock { $0[instanceID] != nil }
    }

    private func cached(_ slot: borrowing Mutex<Entry<[XMLNode]>?>, _ fetch: () throws -> [XMLNode]) rethrows -> [XMLNode] {
        if let hit = slot.withLock({ entry -> [XMLNode]? in
            guard let entry, Date().timeIntervalSince(entry.fetchedAt) < Self.catalogueTTL else { return nil }
            return entry.value
        }) {
            return hit
        }
        // Fetched outside the lock: two first callers may both fetch; the later answer stays.
        let value = try fetch()
        slot.withLock { $0 = Entry(value: value, fetchedAt: Date()) }
        return value
    }
}
