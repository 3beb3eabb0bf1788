// Implements `spider_driver_entry` for a Swift driver. A driver exports the symbol with:
//
//     @_cdecl("spider_driver_entry")
//     public func spiderDriverEntry(_ host: UnsafePointer<spider_host_services>?, _ hostMin: UInt32,
//                                   _ hostMax: UInt32, _ outVersion: UnsafeMutablePointer<UInt32>?,
//                                   _ outTable: UnsafeMutablePointer<UnsafePointer<spider_driver_table>?>?) -> spider_status {
//         DriverExport.entry(MyDriver.self, host, hostMin, hostMax, outVersion, outTable)
//     }
//
// Only C types cross the boundary: Swift objects hide behind opaque pointers.
import Foundation
import SpiderDriverABI
import SpiderModels

public enum DriverExport {
    /// The ABI versions this kit speaks.
    public static let abiRange: ClosedRange<UInt32> = 1...1

    public static func entry<D: SpiderDriver>(
        _ driverType: D.Type,
        _ host: UnsafePointer<spider_host_services>?,
        _ hostMin: UInt32, _ hostMax: UInt32,
        _ outVersion: UnsafeMutablePointer<UInt32>?,
        _ outTable: UnsafeMutablePointer<UnsafePointer<spider_driver_table>?>?
    ) -> spider_status {
        outTable?.pointee = nil
        guard let host, let outVersion, let outTable,
              host.pointee.struct_size >= UInt32(MemoryLayout<spider_host_services>.size)
        else { return spider_status(SPIDER_INVALID_ARGUMENT) }
        let chosen = min(hostMax, abiRange.upperBound)
        guard chosen >= hostMin, chosen >= abiRange.lowerBound else { return spider_status(SPIDER_UNSUPPORTED) }

        let services = HostServices(table: host)
        let driver: D
        do {
            driver = try D(host: services)
        } catch {
            services.log(.error, "driver \(D.name) failed to start: \(error)")
            return spider_status(SPIDER_INTERNAL)
        }
        let box = DriverBox(host: host, connect: { info in
            let connection = try driver.connect(info)
            return ConnectionBox(host: host, close: { connection.close() }, dispatch: { name, json, ctx in
                try D.Connection.operations.dispatch(connection, name, json, ctx)
            }, isImmediate: { D.Connection.operations.isImmediate($0) })
        })
        let table = UnsafeMutablePointer<spider_driver_table>.allocate(capacity: 1)  // lives forever
        table.initialize(to: spider_driver_table(
            struct_size: UInt32(MemoryLayout<spider_driver_table>.size),
            abi_version: chosen,
            name: strdup(D.name),
            version: strdup(D.version),
            driver_data: Unmanaged.passRetained(box).toOpaque(),
            connect: connectThunk,
            disconnect: disconnectThunk,
            call: callThunk,
            release: releaseThunk,
            try_call: tryCallThunk))
        outVersion.pointee = chosen
        outTable.pointee = UnsafePointer(table)
        return spider_status(SPIDER_OK)
    }
}

final class DriverBox: @unchecked Sendable {
    let host: UnsafePointer<spider_host_services>
    let connect: (ConnectionInfo) throws -> ConnectionBox
    init(host: UnsafePointer<spider_host_services>, connect: @escaping (ConnectionInfo) throws -> ConnectionBox) {
        self.host = host
        self.connect = connect
    }
}

final class ConnectionBox: @unchecked Sendable {
    let host: UnsafePointer<spider_host_services>
    let close: () -> Void
    let dispatch: (String, Data, CallContext) throws -> Data
    let isImmediate: (String) -> Bool
    init(host: UnsafePointer<spider_host_services>, close: @escaping () -> Void,
         dispatch: @escaping (String, Data, CallContext) throws -> Data, isImmediate: @escaping (String) -> Bool) {
        self.host = host
        self.close = close
        self.dispatch = dispatch
        self.isImmediate = isImmediate
    }
}

// C callbacks are file-scope lets: they capture nothing and may be called from any thread.

private let connectThunk: @convention(c) (
    UnsafeMutableRawPointer?, UnsafePointer<spider_connection_info>?, UnsafeMutablePointer<OpaquePointer?>?,
    UnsafeMutablePointer<spider_result>?
) -> Void = { driverData, info, outConnection, result in
    guard let driverData, let info, let outConnection, let result else { return }
    outConnection.pointee = nil
    let box = Unmanaged<DriverBox>.fromOpaque(driverData).takeUnretainedValue()
    let connectionInfo = ConnectionInfo(
        connectionName: info.pointee.connection_name.map { String(cString: $0) } ?? "",
        credentials: pairs(info.pointee.credentials, info.pointee.credential_count),
        region: pairs(info.pointee.region, info.pointee.region_count))
    do {
        let connection = try box.connect(connectionInfo)
        outConnection.pointee = OpaquePointer(Unmanaged.passRetained(connection).toOpaque())
        result.pointee.status = spider_status(SPIDER_OK)
    } catch {
        fill(result, with: error)
    }
}

private let disconnectThunk: @convention(c) (OpaquePointer?) -> Void = { connection in
    guard let connection else { return }
    let box = Unmanaged<ConnectionBox>.fromOpaque(UnsafeRawPointer(connection))
    box.takeUnretainedValue().close()
    box.release()
}

private let callThunk: @convention(c) (
    OpaquePointer?, OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int, UnsafeMutablePointer<spider_result>?
) -> Void = { connection, context, operation, request, requestLength, result in
    guard let result else { return }
    guard let connection, let operation else {
        fill(result, with: DriverError.invalidArgument("call without a connection or an operation name"))
        return
    }
    let box = Unmanaged<ConnectionBox>.fromOpaque(UnsafeRawPointer(connection)).takeUnretainedValue()
    let json = request.map { Data(bytes: $0, count: requestLength) } ?? Data("{}".utf8)
    do {
        let output = try box.dispatch(String(cString: operation), json, CallContext(host: box.host, context: context))
        result.pointee.status = spider_status(SPIDER_OK)
        (result.pointee.json, result.pointee.json_len) = copyOut(output)
    } catch {
        fill(result, with: error)
    }
}

private let tryCallThunk: @convention(c) (
    OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int, UnsafeMutablePointer<spider_result>?
) -> Int32 = { connection, operation, request, requestLength, result in
    guard let connection, let operation, let result else { return 0 }
    let box = Unmanaged<ConnectionBox>.fromOpaque(UnsafeRawPointer(connection)).takeUnretainedValue()
    let name = String(cString: operation)
    guard box.isImmediate(name) else { return 0 }
    let json = request.map { Data(bytes: $0, count: requestLength) } ?? Data("{}".utf8)
    do {
        let output = try box.dispatch(name, json, CallContext(host: box.host, context: nil, mustNotBlock: true))
        result.pointee.status = spider_status(SPIDER_OK)
        (result.pointee.json, result.pointee.json_len) = copyOut(output)
    } catch is WouldBlock {
        return 0
    } catch {
        fill(result, with: error)
    }
    return 1
}

private let releaseThunk: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<spider_result>?) -> Void = {
    _, result in
    guard let result else { return }
    free(result.pointee.json)
    free(result.pointee.message)
    free(result.pointee.cloud_error)
    result.pointee.json = nil
    result.pointee.message = nil
    result.pointee.cloud_error = nil
}

private func pairs(_ list: UnsafePointer<spider_kv>?, _ count: Int) -> [String: String] {
    guard let list else { return [:] }
    var out: [String: String] = [:]
    for i in 0..<count {
        guard let key = list[i].key else { continue }
        out[String(cString: key)] = list[i].value.map { String(cString: $0) } ?? ""
    }
    return out
}

private func copyOut(_ bytes: Data) -> (UnsafeMutablePointer<CChar>?, Int) {
    guard let buffer = malloc(max(bytes.count, 1))?.assumingMemoryBound(to: CChar.self) else { return (nil, 0) }
    bytes.withUnsafeBytes { raw in
        if let base = raw.baseAddress { memcpy(buffer, base, bytes.count) }
    }
    return (buffer, bytes.count)
}

private func fill(_ result: UnsafeMutablePointer<spider_result>, with error: any Error) {
    let driverError: DriverError
    switch error {
    case let e as DriverError: driverError = e
    case let e as DecodingError: driverError = .invalidArgument(DecodingErrorText.describe(e))
    default: driverError = .internal("\(error)")
    }
    result.pointee.status = driverError.status.rawValue
    result.pointee.retry_after_ms = driverError.retryAfterMs
    (result.pointee.message, result.pointee.message_len) = copyOut(Data(driverError.message.utf8))
    if let cloud = driverError.cloudError {
        (result.pointee.cloud_error, result.pointee.cloud_error_len) = copyOut(Data(cloud.utf8))
    }
}
