import ArgumentParser

extension SpctlCommands {
    /// The resources a connection creates and controls.
    static let resourceGroups: [ParsableCommand.Type] = [
        VPCCommand.self, SecurityGroupCommand.self, KeyPairCommand.self, VMCommand.self, DiskCommand.self, MyImageCommand.self,
        NLBCommand.self, ClusterCommand.self, NodeGroupCommand.self, ResourceRegisterCommand.self, ResourceUnregisterCommand.self,
    ]
}
