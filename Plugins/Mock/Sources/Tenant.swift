// One tenant's cloud: its state in memory, guarded for concurrent calls, saved after every change.
//
// Reads take a snapshot under a short lock (a value copy, no file I/O). Changes are serialized by
// a second lock: they copy the state, change the copy, save it, and only then publish it, so
// readers never wait for the disk and never see a change that was not saved.
import Foundation
import Synchronization

final class Tenant: Sendable {
    let mockName: String
    private let file: TenantFile
    private let current: Mutex<TenantState>
    private let writer = NSLock()

    init(file: TenantFile) throws {
        self.mockName = file.mockName
        self.file = file
        current = Mutex(try file.load())
    }

    /// The tenant's resources in one region, as they are now.
    func snapshot(_ region: String) -> RegionState {
        current.withLock { $0.regions[region] } ?? RegionState()
    }

    /// Changes one region's resources and saves the result. When `body` throws, nothing changes.
    /// VMs whose termination has settled are dropped first.
    func mutate<T>(_ region: String, _ body: (inout RegionState, Int64) throws -> T) throws -> T {
        writer.lock()
        defer { writer.unlock() }
        var next = current.withLock { $0 }
        let now = WallClock.nowMs()
        var regionState = next.regions[region] ?? RegionState()
        regionState.purgeTerminatedVMs(at: now)
        let result = try body(&regionState, now)
        next.regions[region] = regionState
        try file.save(next)
        current.withLock { $0 = next }
        return result
    }
}
