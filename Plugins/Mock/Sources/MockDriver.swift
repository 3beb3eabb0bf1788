// The Mock driver: an in-memory cloud per MockName, saved in the host's data folder.
// This file holds the exported entry symbol and the driver object that opens connections.
import Foundation
import SpiderDriverABI
import SpiderDriverKit

@_cdecl("spider_driver_entry")
public func spiderDriverEntry(
    _ host: UnsafePointer<spider_host_services>?, _ hostMin: UInt32, _ hostMax: UInt32,
    _ outVersion: UnsafeMutablePointer<UInt32>?,
    _ outTable: UnsafeMutablePointer<UnsafePointer<spider_driver_table>?>?
) -> spider_status {
    DriverExport.entry(MockDriver.self, host, hostMin, hostMax, outVersion, outTable)
}

final class MockDriver: SpiderDriver {
    static let name = "mock"
    static let version = "1.0.0"

    private let host: HostServices
    /// Every tenant this driver instance has seen; shared by its connections on purpose.
    private let tenants: TenantRegistry

    init(host: HostServices) throws {
        self.host = host
        let directory = host.dataDirectory
        if directory.isEmpty {
            host.log(.warn, "the host gave no data folder: mock tenants live in memory only")
        } else {
            // The host creates it; making sure costs nothing. A failure shows up on the first save.
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        tenants = TenantRegistry(directory: directory, host: host)
    }

    func connect(_ info: ConnectionInfo) throws -> MockConnection {
        let settings = try ConnectionSettings(info)
        if settings.connectLatencyMs > 0 { usleep(useconds_t(settings.connectLatencyMs) * 1_000) }  // connect has no cancellation
        let tenant = try tenants.tenant(settings.mockName)
        host.log(.debug, "connection '\(info.connectionName)': \((try? TenantFile.label(for: settings.mockName)) ?? "tenant ?"), region "
                 + "'\(settings.region?.name ?? "(none: pre-connection)")', zone '\(settings.zone)'")
        return MockConnection(settings: settings, tenant: tenant)
    }
}
