// Where each resource kind keeps Spider's key/value tags in OpenStack:
//   VPC, subnet, security group (Neutron), VM (Nova server tags, microversion 2.26), MyImage
//   (Glance image tags): string tags, written "key=value" (a tag without '=' reads as a key with
//   an empty value). Nova allows 60 characters and neither '/' nor ','; Neutron 255.
//   disk (Cinder): the volume's metadata, key/value natively.
// Key pairs have no tags in Nova (tag.* on them is UNSUPPORTED).
import Foundation
import SpiderDriverKit
import SpiderModels

enum TagTarget {
    case neutron(collection: String, id: String)
    case server(id: String)
    case glance(id: String)
    case volume(id: String)

    init(_ type: TagResourceType, _ iid: IID) throws {
        let id = try requireOpenStackID(iid, type.rawValue, field: "ResourceIID")
        switch type {
        case .vpc: self = .neutron(collection: "networks", id: id)
        case .subnet: self = .neutron(collection: "subnets", id: id)
        case .sg: self = .neutron(collection: "security-groups", id: id)
        case .vm: self = .server(id: id)
        case .myimage: self = .glance(id: id)
        case .disk: self = .volume(id: id)
        case .keypair, .nlb, .cluster:
            throw DriverError.unsupported("OpenStack keeps no tags on \(type.rawValue)s here (tags: VPC, SUBNET, SG, VM, DISK, MYIMAGE)")
        }
    }
}

extension OpenStackConnection {
    static let serverTagMicroversion = "2.26"

    func tags(of target: TagTarget, _ context: CallContext?) throws -> [KeyValue] {
        switch target {
        case .neutron(let collection, let id):
            let singular = Self.neutronSingular(collection)
            return Self.keyValues(fromTags: try api.call(.network, "GET", "/\(collection)/\(id)", context: context)[singular]["tags"].strings)
        case .server(let id):
            return Self.keyValues(fromTags: try api.call(.compute, "GET", "/servers/\(id)/tags", microversion: Self.serverTagMicroversion,
                                                         context: context)["tags"].strings)
        case .glance(let id):
            return Self.keyValues(fromTags: try glanceImage(id, context)["tags"].strings)
        case .volume(let id):
            return try api.call(.volume, "GET", "/volumes/\(id)/metadata", context: context)["metadata"].entries
                .filter { !Self.internalMetadata.contains($0.key) }.map { KeyValue(Key: $0.key, Value: $0.value.string) }
        }
    }

    /// Sets `tag`, replacing the value of a key the resource has.
    func setTag(_ tag: KeyValue, on target: TagTarget, _ context: CallContext?) throws {
        let key = tag.Key.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { throw DriverError.invalidArgument("Tag.Key: a key is required") }
        if case .volume(let id) = target {
            try api.call(.volume, "POST", "/volumes/\(id)/metadata", body: ["metadata": [key: tag.Value]], context: context)
            return
        }
        guard !key.contains("=") else { throw DriverError.invalidArgument("Tag.Key: '\(key)' may not contain '=' (OpenStack keeps tags as key=value)") }
        let text = tag.Value.isEmpty ? key : "\(key)=\(tag.Value)"
        if case .server = target, text.count > 60 || text.contains("/") || text.contains(",") {
            throw DriverError.invalidArgument("Tag: Nova keeps a VM's tag as '\(text)', which must be at most 60 characters without '/' or ','")
        }
        for old in try tags(of: target, context) where old.Key == key { try removeRaw(old, from: target, context) }
        let encoded = urlEncoded(text)
        switch target {
        case .neutron(let collection, let id):
            try api.call(.network, "PUT", "/\(collection)/\(id)/tags/\(encoded)", context: context)
        case .server(let id):
            try api.call(.compute, "PUT", "/servers/\(id)/tags/\(encoded)", microversion: Self.serverTagMicroversion, context: context)
        case .glance(let id):
            try api.call(.image, "PUT", "/images/\(id)/tags/\(encoded)", context: context)
        case .volume: break
        }
    }

    /// Removes the tag with `key`; NOT_FOUND when the resource has none.
    func removeTag(_ key: String, from target: TagTarget, _ context: CallContext?) throws {
        guard let old = try tags(of: target, context).first(where: { $0.Key == key }) else {
            throw DriverError.notFound("the resource has no tag '\(key)'")
        }
        try removeRaw(old, from: target, context)
    }

    private func removeRaw(_ tag: KeyValue, from target: TagTarget, _ context: CallContext?) throws {
        let encoded = urlEncoded(tag.Value.isEmpty ? tag.Key : "\(tag.Key)=\(tag.Value)")
        switch target {
        case .neutron(let collection, let id):
            try api.call(.network, "DELETE", "/\(collection)/\(id)/tags/\(encoded)", context: context)
        case .server(let id):
            try api.call(.compute, "DELETE", "/servers/\(id)/tags/\(encoded)", microversion: Self.serverTagMicroversion, context: context)
        case .glance(let id):
            try api.call(.image, "DELETE", "/images/\(id)/tags/\(encoded)", context: context)
        case .volume(let id):
            try api.call(.volume, "DELETE", "/volumes/\(id)/metadata/\(urlEncoded(tag.Key))", context: context)
        }
    }

    /// Applies a create's TagList (a failure fails the create, which then removes what it made).
    func applyTags(_ tags: [KeyValue]?, to target: TagTarget, _ context: CallContext?) throws {
        for tag in tags ?? [] { try setTag(tag, on: target, context) }
    }

    /// Cinder metadata Spider or OpenStack itself writes, not user tags.
    static let internalMetadata: Set<String> = ["readonly", "attached_mode"]

    static func neutronSingular(_ collection: String) -> String {
        switch collection {
        case "security-groups": "security_group"
        case "networks": "network"
        case "subnets": "subnet"
        default: String(collection.dropLast())
        }
    }

    static func nonEmpty(_ tags: [KeyValue]) -> [KeyValue]? { tags.isEmpty ? nil : tags }

    static func keyValues(fromTags tags: [String]) -> [KeyValue] {
        tags.map { tag in
            guard let equals = tag.firstIndex(of: "=") else { return KeyValue(Key: tag, Value: "") }
            return KeyValue(Key: String(tag[..<equals]), Value: String(tag[tag.index(after: equals)...]))
        }
    }
}
