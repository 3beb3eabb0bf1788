import ArgumentParser

extension SpctlCommands {
    /// Drivers and the registry, credentials, regions, connections, and what a cloud offers.
    static let metadataGroups: [ParsableCommand.Type] = []
}
