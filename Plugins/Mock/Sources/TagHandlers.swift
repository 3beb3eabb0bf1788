// tag.*: tags live in each resource's TagList (subnets' inside their VPC), so they are saved with
// the resource and show in its get. Setting a key the resource has replaces its value.
import SpiderDriverKit
import SpiderModels

extension MockConnection {
    /// The resource types the Mock tags (driver.json's tagSupportResourceType).
    static let taggableTypes: [TagResourceType] = [.vpc, .subnet, .sg, .keypair, .vm, .disk, .myimage, .nlb, .cluster]

    func addTag(_ request: TagAddReqInfo) throws -> KeyValue {
        guard !request.Tag.Key.isEmpty else { throw MockError.invalid("Tag.Key", "a tag needs a key") }
        return try mutate { state, _ in
            try state.updateTags(request.ResourceType, request.ResourceIID) { tags in
                if let index = tags.firstIndex(where: { $0.Key == request.Tag.Key }) {
                    tags[index] = request.Tag
                } else {
                    tags.append(request.Tag)
                }
            }
            return request.Tag
        }
    }

    func listTags(_ request: TagTargetRequest) throws -> TagList {
        TagList(try snapshot().tags(request.ResourceType, request.ResourceIID))
    }

    func getTag(_ request: TagKeyReqInfo) throws -> KeyValue {
        let tags = try snapshot().tags(request.ResourceType, request.ResourceIID)
        guard let tag = tags.first(where: { $0.Key == request.Key }) else {
            throw MockError.notFound("tag", request.Key, in: "\(request.ResourceType.rawValue) '\(request.ResourceIID.label)'")
        }
        return tag
    }

    func removeTag(_ request: TagKeyReqInfo) throws -> EmptyResult {
        try mutate { state, _ in
            try state.updateTags(request.ResourceType, request.ResourceIID) { tags in
                guard let index = tags.firstIndex(where: { $0.Key == request.Key }) else {
                    throw MockError.notFound("tag", request.Key, in: "\(request.ResourceType.rawValue) '\(request.ResourceIID.label)'")
                }
                tags.remove(at: index)
            }
            return EmptyResult()
        }
    }

    func findTags(_ request: TagFindReqInfo) throws -> TagInfoList {
        let types = try request.ResourceType.map { [try Self.taggable($0)] } ?? Self.taggableTypes
        let keyword = request.Keyword?.lowercased()
        func matches(_ tag: KeyValue) -> Bool {
            if let key = request.Key, tag.Key != key { return false }
            if let value = request.Value, tag.Value != value { return false }
            if let keyword, !tag.Key.lowercased().contains(keyword), !tag.Value.lowercased().contains(keyword) { return false }
            return true
        }
        let state = snapshot()
        return TagInfoList(types.flatMap { state.tagged($0) }.filter { $0.TagList.contains(where: matches) })
    }

    static func taggable(_ type: TagResourceType) throws -> TagResourceType {
        guard taggableTypes.contains(type) else {
            throw MockError.invalid("ResourceType", "the Mock has no \(type.rawValue) resources to tag; it tags "
                                    + taggableTypes.map(\.rawValue).joined(separator: ", "))
        }
        return type
    }
}

extension RegionState {
    func tags(_ type: TagResourceType, _ iid: IID) throws -> [KeyValue] {
        var copy = self
        var found: [KeyValue] = []
        try copy.updateTags(type, iid) { found = $0 }
        return found
    }

    /// Runs `body` on one resource's tags and keeps what it leaves (NOT_FOUND for an unknown IID).
    mutating func updateTags(_ type: TagResourceType, _ iid: IID, _ body: (inout [KeyValue]) throws -> Void) throws {
        switch try MockConnection.taggable(type) {
        case .vpc: try Self.update(&vpcs, iid, "VPC", \.info.TagList, body)
        case .sg: try Self.update(&securityGroups, iid, "security group", \.info.TagList, body)
        case .keypair: try Self.update(&keyPairs, iid, "key pair", \.info.TagList, body)
        case .vm: try Self.update(&vms, iid, "VM", \.info.TagList, body)
        case .disk: try Self.update(&disks, iid, "disk", \.info.TagList, body)
        case .myimage: try Self.update(&myImages, iid, "MyImage", \.info.TagList, body)
        case .nlb: try Self.update(&nlbs, iid, "NLB", \.info.TagList, body)
        case .cluster: try Self.update(&clusters, iid, "cluster", \.info.TagList, body)
        case .subnet: try updateSubnetTags(iid, body)
        }
    }

    private static func update<R: Identified>(_ records: inout [String: R], _ iid: IID, _ kind: String,
                                              _ tags: WritableKeyPath<R, [KeyValue]?>,
                                              _ body: (inout [KeyValue]) throws -> Void) throws {
        guard var record = records.find(iid) else { throw MockError.notFound(kind, iid.label) }
        var list = record[keyPath: tags] ?? []
        try body(&list)
        record[keyPath: tags] = list.isEmpty ? nil : list
        records[record.iid.SystemId] = record
    }

    private mutating func updateSubnetTags(_ iid: IID, _ body: (inout [KeyValue]) throws -> Void) throws {
        for var vpc in vpcs.inCreationOrder {
            guard let index = vpc.info.SubnetInfoList.firstIndex(where: {
                iid.SystemId.isEmpty ? $0.IId.NameId == iid.NameId : $0.IId.SystemId == iid.SystemId
            }) else { continue }
            var list = vpc.info.SubnetInfoList[index].TagList ?? []
            try body(&list)
            vpc.info.SubnetInfoList[index].TagList = list.isEmpty ? nil : list
            vpcs[vpc.iid.SystemId] = vpc
            return
        }
        throw MockError.notFound("subnet", iid.label)
    }

    /// Every resource of one type that has tags, in creation order.
    func tagged(_ type: TagResourceType) -> [TagInfo] {
        func infos(_ items: [(IID, [KeyValue]?)]) -> [TagInfo] {
            items.compactMap { iid, tags in
                guard let tags, !tags.isEmpty else { return nil }
                return TagInfo(ResourceType: type, ResourceIId: iid, TagList: tags)
            }
        }
        switch type {
        case .vpc: return infos(vpcs.inCreationOrder.map { ($0.iid, $0.info.TagList) })
        case .subnet: return infos(vpcs.inCreationOrder.flatMap { $0.info.SubnetInfoList.map { ($0.IId, $0.TagList) } })
        case .sg: return infos(securityGroups.inCreationOrder.map { ($0.iid, $0.info.TagList) })
        case .keypair: return infos(keyPairs.inCreationOrder.map { ($0.iid, $0.info.TagList) })
        case .vm: return infos(vms.inCreationOrder.map { ($0.iid, $0.info.TagList) })
        case .disk: return infos(disks.inCreationOrder.map { ($0.iid, $0.info.TagList) })
        case .myimage: return infos(myImages.inCreationOrder.map { ($0.iid, $0.info.TagList) })
        case .nlb: return infos(nlbs.inCreationOrder.map { ($0.iid, $0.info.TagList) })
        case .cluster: return infos(clusters.inCreationOrder.map { ($0.iid, $0.info.TagList) })
        }
    }
}
