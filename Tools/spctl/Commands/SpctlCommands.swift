import ArgumentParser

/// Every command group, in the order `spctl --help` lists them.
enum SpctlCommands {
    static let all: [ParsableCommand.Type] = metadataGroups + resourceGroups + operationGroups
}
