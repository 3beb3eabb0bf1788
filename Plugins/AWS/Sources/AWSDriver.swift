// The AWS driver: EC2, ELBv2, EKS, CloudWatch and the Price List over AWS's own APIs, signed with
// SigV4, over libcurl.
// This file holds the exported entry symbol and the driver object that opens connections.
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
    DriverExport.entry(AWSDriver.self, host, hostMin, hostMax, outVersion, outTable)
}

final class AWSDriver: SpiderDriver {
    static let name = "aws"
    static let version = "0.1.0"

    private let host: HostServices

    init(host: HostServices) throws {
        self.host = host
    }

    func connect(_ info: ConnectionInfo) throws -> AWSConnection {
        let settings = try AWSSettings(info)
        host.log(.debug, "connection '\(info.connectionName)': region '\(settings.region ?? "(none: pre-connection)")'"
                 + (settings.endpoint.map { ", endpoint \($0)" } ?? ""))
        return AWSConnection(settings: settings, http: HTTPClient(options: .standard(userAgent: "spider-driver-aws/\(Self.version)")))
    }
}
