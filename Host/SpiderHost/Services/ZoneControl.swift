// A resource may go to a zone other than its connection's only when the driver declares
// `zoneBasedControl`; otherwise the host refuses with 501 before calling the driver.
import SpiderModels

extension DriverGateway {
    /// The connection's zone: the region's `Zone` key, else the first of its zones (what the
    /// driver was given at connect); nil when the region names none.
    var connectionZone: String? {
        guard let config = app.store.connection(connectionName), let region = app.store.region(config.region) else { return nil }
        return region.keyValues.first { $0.key == "Zone" }?.value ?? region.zones.first
    }

    /// Checks a requested zone: empty means the connection's zone; another zone needs
    /// `zoneBasedControl`. `field` names the request field in the 501 message.
    func requireZoneControl(_ zone: String?, field: String) throws {
        guard let zone, !zone.isEmpty, zone != connectionZone, !connection.capabilities.zoneBasedControl else { return }
        let m = connection.driver.installed.manifest
        let home = connectionZone.map { "its zone '\($0)'" } ?? "its default zone"
        throw HostError.notImplemented("\(field) '\(zone)' differs from \(home): connection '\(connectionName)' uses driver "
                                       + "\(m.name) \(m.version) (\(m.provider)), which does not support zoneBasedControl")
    }
}
