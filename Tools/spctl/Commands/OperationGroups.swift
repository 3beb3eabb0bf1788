import ArgumentParser

extension SpctlCommands {
    /// Work across resources and connections: dashboard, destroy, deploy.
    static let operationGroups: [ParsableCommand.Type] = [DashboardCommand.self, DestroyCommand.self, AllResourceCommand.self, DeployCommand.self]
}
