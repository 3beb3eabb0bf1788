// A route may need a second capability for part of a request (a VM started from a MyImage needs
// myImageHandler); the answer is the same 501 a route's own capability gives.
import SpiderModels

extension DriverGateway {
    func requireCapability(_ capability: KeyPath<DriverCapabilities, Bool>, named: String, for what: String) throws {
        guard !connection.capabilities[keyPath: capability] else { return }
        let m = connection.driver.installed.manifest
        throw HostError.notImplemented("\(what): connection '\(connectionName)' uses driver \(m.name) \(m.version) "
                                       + "(\(m.provider)), which does not support \(named)")
    }
}
