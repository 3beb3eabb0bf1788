import ArgumentParser

extension SpctlCommands {
    /// The resources a connection creates and controls.
    static let resourceGroups: [ParsableCommand.Type] = [VPCCommand.self]
}
