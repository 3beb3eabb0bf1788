import ArgumentParser

extension SpctlCommands {
    /// Drivers and the registry, credentials, regions, connections, and what a cloud offers.
    static let metadataGroups: [ParsableCommand.Type] = [
        DriverCommand.self, CredentialCommand.self, RegionCommand.self, ConnectionCommand.self,
        RegionZoneCommand.self, ImageCommand.self, VMSpecCommand.self, PriceCommand.self,
        CountCommand.self, TagCommand.self, MonitoringCommand.self,
    ]
}
