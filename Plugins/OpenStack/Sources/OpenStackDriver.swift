// The OpenStack driver: Keystone v3, Nova, Neutron, Glance and Cinder over their own REST APIs,
// over libcurl. This file holds the exported entry symbol and the driver object that opens connections.
import Foundation
import SpiderDriverABI
import SpiderDriverHTTP
import SpiderDriverKit

@_cdecl("spider_driver_entry")
public func spiderDriverEntry(
    _ host: UnsafePointer<spider_host_services>?, _ hostMin: UInt32, _ hostMax: UInt32,
    _ outVersion: UnsafeMutablePointer<UInt32>?,
    _ outTable: UnsafeMutablePointer<UnsafePointer<spider_driver_table>?>?
) -> spider_status {
    DriverExport.entry(OpenStackDriver.self, host, hostMin, hostMax, outVersion, outTable)
}

final class OpenStackDriver: SpiderDriver {
    static let name = "openstack"
    static let version = "0.1.0"

    private let host: HostServices

    init(host: HostServices) throws {
        self.host = host
    }

    func connect(_ info: ConnectionInfo) throws -> OpenStackConnection {
        let settings = try OpenStackSettings(info)
        host.log(.debug, "connection '\(info.connectionName)': Keystone \(settings.identityEndpoint), "
                 + "region '\(settings.region ?? "(none: pre-connection)")'")
        var options = HTTPOptions.standard(userAgent: "spider-driver-openstack/\(Self.version)")
        options.keptHeaders = ["x-subject-token"]
        return OpenStackConnection(settings: settings, http: HTTPClient(options: options))
    }
}
