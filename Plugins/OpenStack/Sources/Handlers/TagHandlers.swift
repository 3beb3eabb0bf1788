// tag.*: Spider's tags on VPCs, subnets, security groups, VMs, disks and MyImages (TagStore says
// where each lives). tag.find lists each kind's resources of the project and matches their tags.
import Foundation
import SpiderDriverKit
import SpiderModels

extension OpenStackConnection {
    static let taggedTypes: [TagResourceType] = [.vpc, .subnet, .sg, .vm, .disk, .myimage]

    func addTag(_ request: TagAddReqInfo, _ context: CallContext) throws -> KeyValue {
        try setTag(request.Tag, on: try TagTarget(request.ResourceType, request.ResourceIID), context)
        return request.Tag
    }

    func listTags(_ request: TagTargetRequest, _ context: CallContext) throws -> TagList {
        TagList(try tags(of: try TagTarget(request.ResourceType, request.ResourceIID), context))
    }

    func getTag(_ request: TagKeyReqInfo, _ context: CallContext) throws -> KeyValue {
        guard let tag = try tags(of: try TagTarget(request.ResourceType, request.ResourceIID), context).first(where: { $0.Key == request.Key }) else {
            throw DriverError.notFound("\(request.ResourceType.rawValue) '\(request.ResourceIID.NameId)' has no tag '\(request.Key)'")
        }
        return tag
    }

    func removeTag(_ request: TagKeyReqInfo, _ context: CallContext) throws -> EmptyResult {
        try removeTag(request.Key, from: try TagTarget(request.ResourceType, request.ResourceIID), context)
        return EmptyResult()
    }

    func findTags(_ request: TagFindReqInfo, _ context: CallContext) throws -> TagInfoList {
        let types = request.ResourceType.map { [$0] } ?? Self.taggedTypes
        var found: [TagInfo] = []
        for type in types {
            guard Self.taggedTypes.contains(type) else { continue }
            for (iid, tags) in try taggedResources(type, context) where Self.matches(tags, request) {
                found.append(TagInfo(ResourceType: type, ResourceIId: iid, TagList: tags))
            }
        }
        return TagInfoList(found)
    }

    /// Each resource of `type` in the project with its tags.
    private func taggedResources(_ type: TagResourceType, _ context: CallContext) throws -> [(IID, [KeyValue])] {
        let project = try api.projectID(context)
        func neutron(_ collection: String) throws -> [(IID, [KeyValue])] {
            try api.call(.network, "GET", "/\(collection)?project_id=\(project)", context: context)[collection.replacingOccurrences(of: "-", with: "_")]
                .array.map { (IID(NameId: $0["name"].string, SystemId: $0["id"].string), Self.keyValues(fromTags: $0["tags"].strings)) }
        }
        switch type {
        case .vpc: return try neutron("networks")
        case .subnet: return try neutron("subnets")
        case .sg: return try neutron("security-groups")
        case .vm:
            return try api.call(.compute, "GET", "/servers/detail", microversion: Self.serverTagMicroversion, context: context)["servers"]
                .array.map { (IID(NameId: $0["name"].string, SystemId: $0["id"].string), Self.keyValues(fromTags: $0["tags"].strings)) }
        case .disk:
            return try api.call(.volume, "GET", "/volumes/detail", context: context)["volumes"].array.map { volume in
                (IID(NameId: volume["name"].string, SystemId: volume["id"].string),
                 volume["metadata"].entries.filter { !Self.internalMetadata.contains($0.key) }.map { KeyValue(Key: $0.key, Value: $0.value.string) })
            }
        case .myimage:
            return try glanceImages("owner=\(project)", context).filter { $0["image_type"].string == "snapshot" }
                .map { (IID(NameId: $0["name"].string, SystemId: $0["id"].string), Self.keyValues(fromTags: $0["tags"].strings)) }
        case .keypair, .nlb, .cluster: return []
        }
    }

    /// OPERATIONS.md's rule: one tag satisfies every condition given; no condition: any tagged resource.
    static func matches(_ tags: [KeyValue], _ request: TagFindReqInfo) -> Bool {
        guard !tags.isEmpty else { return false }
        let keyword = request.Keyword.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        return tags.contains { tag in
            (request.Key.map { $0.isEmpty || tag.Key == $0 } ?? true)
                && (request.Value.map { $0.isEmpty || tag.Value == $0 } ?? true)
                && (keyword.map { tag.Key.lowercased().contains($0) || tag.Value.lowercased().contains($0) } ?? true)
        }
    }
}
