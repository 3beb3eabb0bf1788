// The driver's tenants by MockName. Connections with the same MockName get the same Tenant;
// a tenant's state file is read when the first connection asks for it.
import Foundation
import Synchronization
import SpiderDriverKit

final class TenantRegistry: Sendable {
    private let directory: String
    private let host: HostServices
    private let tenants = Mutex<[String: Tenant]>([:])
    /// Serializes loading, so a state file is read once.
    private let loading = NSLock()

    init(directory: String, host: HostServices) {
        self.directory = directory
        self.host = host
    }

    /// The tenant for `mockName`, loaded from its state file on first use. A corrupt file gives
    /// INTERNAL for this tenant and is retried on the next connect (after it has been repaired).
    func tenant(_ mockName: String) throws -> Tenant {
        if let tenant = tenants.withLock({ $0[mockName] }) { return tenant }
        loading.lock()
        defer { loading.unlock() }
        if let tenant = tenants.withLock({ $0[mockName] }) { return tenant }
        let file: TenantFile
        let tenant: Tenant
        do {
            file = try TenantFile(mockName: mockName, directory: directory)
            tenant = try Tenant(file: file)
        } catch {
            host.log(.error, "\(error)")
            throw error
        }
        tenants.withLock { $0[mockName] = tenant }
        host.log(.info, "mock \(file.label) ready (state file \(file.path ?? "none: memory only"))")
        return tenant
    }
}
