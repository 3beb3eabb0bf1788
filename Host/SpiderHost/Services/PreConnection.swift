// CB-Spider's /preconfig routes: ask a cloud which regions exist before any region is chosen.
// The host opens a driver connection from a driver and a credential alone (no region keys: a
// pre-connection, see spider_driver.h), makes one regionzone.* call and disconnects. Nothing
// is cached: these run once while an operator sets up a connection config.
import Foundation
import SpiderModels

struct PreConnection {
    let driver: any DriverRuntime
    let credential: CredentialRecord
    let call: CallState

    /// Resolves `DriverName` and `CredentialName` from the query: missing → 400, unknown → 404,
    /// different providers → 400, a driver without regionZoneHandler → 501.
    init(_ app: SpiderApp, _ request: APIRequest) throws {
        if request.immediate { throw MustOffload() }  // loading and connecting block
        let driverName = try Self.required(request, "DriverName")
        let credentialName = try Self.required(request, "CredentialName")
        guard let record = app.store.driver(driverName) else { throw HostError.notFound("driver '\(driverName)' is not registered") }
        guard let credential = app.store.credential(credentialName) else {
            throw HostError.notFound("credential '\(credentialName)' does not exist")
        }
        guard record.provider == credential.provider else {
            throw HostError.badRequest("CredentialName '\(credentialName)' is for \(credential.provider) but DriverName '\(driverName)' is for \(record.provider)")
        }
        guard let installed = app.catalog.newest(named: record.driverID) else {
            throw HostError.unavailable("driver '\(driverName)' needs the installed driver '\(record.driverID)', which is missing")
        }
        let m = installed.manifest
        guard m.capabilities.regionZoneHandler else {
            throw HostError.notImplemented("driver '\(driverName)' (\(m.name) \(m.version), \(m.provider)) does not support regionZoneHandler")
        }
        driver = try app.loader.load(installed)
        self.credential = credential
        call = request.call
    }

    private static func required(_ request: APIRequest, _ field: String) throws -> String {
        guard let value = request.query[field], !value.isEmpty else {
            throw HostError.badRequest("\(field) is required as a query parameter")
        }
        return value
    }

    /// Connects without region keys, runs `operation`, disconnects; answers the driver's bytes
    /// once they decode as `T`.
    func run<T: Decodable>(_ operation: String, _ request: some Encodable, checkedAs type: T.Type) throws -> APIResponse {
        let name = "preconfig:\(credential.name)"
        let handle: DriverHandle
        switch driver.connect(name: name, credentials: credential.keyValues, region: []) {
        case .success(let h): handle = h
        case .failure(let failure):
            let error = failure.hostError(driver: driver.label, operation: "connect")
            throw HostError(status: error.status, message: "driver \(driver.label) refused a pre-connection with credential '\(credential.name)': \(error.message)")
        }
        defer { driver.disconnect(handle) }
        let body = Array(try JSONCoding.encoder.encode(request))
        switch driver.call(handle, operation: operation, request: body, state: call) {
        case .ok(let data):
            try DriverAnswerCheck.decode(T.self, data, driver: driver.label, operation: operation)
            return .raw(data)
        case .failure(let failure):
            throw failure.hostError(driver: driver.label, operation: operation)
        }
    }
}
