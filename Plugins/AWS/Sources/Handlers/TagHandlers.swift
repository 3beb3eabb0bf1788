// tag.*: EC2 tags (CreateTags/DeleteTags/DescribeTags) on the resource types EC2 itself tags; NLBs
// (ELBv2, NLBTags.swift) and clusters (EKS, ClusterTags.swift) through their own services.
// The `Name` tag is the Spider name, so it is neither listed nor changed here (the same tags as
// a resource's TagList). A resource is looked up by its type's Describe call first, so an unknown
// ID answers NOT_FOUND (CreateTags alone would not tell).
import SpiderDriverKit
import SpiderModels

/// How a Spider resource type meets EC2: DescribeTags' resource-type and the Describe call that finds one.
struct EC2Taggable: Sendable {
    let type: TagResourceType
    /// DescribeTags' `resource-type` filter value.
    let awsType: String
    let describeAction: String
    /// The ID parameter of the Describe call (numbered: `VpcId.1`).
    let idParameter: String
    /// The path of `<item>` lists down to the resources in the Describe answer.
    let itemPath: [String]
    let noun: String

    static let all: [EC2Taggable] = [
        EC2Taggable(type: .vpc, awsType: "vpc", describeAction: "DescribeVpcs", idParameter: "VpcId",
                    itemPath: ["vpcSet"], noun: "VPC"),
        EC2Taggable(type: .subnet, awsType: "subnet", describeAction: "DescribeSubnets", idParameter: "SubnetId",
                    itemPath: ["subnetSet"], noun: "subnet"),
        EC2Taggable(type: .sg, awsType: "security-group", describeAction: "DescribeSecurityGroups", idParameter: "GroupId",
                    itemPath: ["securityGroupInfo"], noun: "security group"),
        EC2Taggable(type: .keypair, awsType: "key-pair", describeAction: "DescribeKeyPairs", idParameter: "KeyPairId",
                    itemPath: ["keySet"], noun: "key pair"),
        EC2Taggable(type: .vm, awsType: "instance", describeAction: "DescribeInstances", idParameter: "InstanceId",
                    itemPath: ["reservationSet", "instancesSet"], noun: "VM"),
        EC2Taggable(type: .disk, awsType: "volume", describeAction: "DescribeVolumes", idParameter: "VolumeId",
                    itemPath: ["volumeSet"], noun: "disk"),
        EC2Taggable(type: .myimage, awsType: "image", describeAction: "DescribeImages", idParameter: "ImageId",
                    itemPath: ["imagesSet"], noun: "MyImage"),
    ]

    /// The entry for `type`, or INVALID_ARGUMENT naming the types this driver tags.
    static func of(_ type: TagResourceType) throws -> EC2Taggable {
        guard let found = all.first(where: { $0.type == type }) else {
            throw DriverError.invalidArgument("ResourceType: EC2 does not tag \(type.rawValue) resources; it tags "
                                              + all.map(\.type.rawValue).joined(separator: ", "))
        }
        return found
    }

    /// The resource records of a Describe answer (instances sit inside reservations).
    func records(_ reply: XMLNode) -> [XMLNode] {
        var nodes = [reply]
        for list in itemPath { nodes = nodes.flatMap { $0.items(list) } }
        return nodes
    }
}

extension AWSConnection {
    func addTag(_ request: TagAddReqInfo, _ context: CallContext) throws -> KeyValue {
        guard !request.Tag.Key.isEmpty else { throw DriverError.invalidArgument("Tag.Key: a tag needs a key") }
        try Self.refuseNameKey(request.Tag.Key, field: "Tag.Key")
        switch request.ResourceType {
        case .nlb: try addNLBTag(request.ResourceIID, request.Tag, context)
        case .cluster: try addClusterTag(request.ResourceIID, request.Tag, context)
        default:
            let ec2 = try ec2()
            let id = try taggedRecord(request.ResourceType, request.ResourceIID, ec2, context).id
            var params = EC2Params()
            params.list("ResourceId", [id])
            params.add("Tag.1.Key", request.Tag.Key)
            params.add("Tag.1.Value", request.Tag.Value)
            _ = try ec2.call("CreateTags", params, context: context)
        }
        return request.Tag
    }

    func listTags(_ request: TagTargetRequest, _ context: CallContext) throws -> TagList {
        TagList(try userTags(request.ResourceType, request.ResourceIID, context))
    }

    func getTag(_ request: TagKeyReqInfo, _ context: CallContext) throws -> KeyValue {
        guard let tag = try userTags(request.ResourceType, request.ResourceIID, context).first(where: { $0.Key == request.Key }) else {
            throw DriverError.notFound("\(request.ResourceType.rawValue) '\(request.ResourceIID.NameId)' has no tag '\(request.Key)'")
        }
        return tag
    }

    func removeTag(_ request: TagKeyReqInfo, _ context: CallContext) throws -> EmptyResult {
        try Self.refuseNameKey(request.Key, field: "Key")
        switch request.ResourceType {
        case .nlb: try removeNLBTag(request.ResourceIID, request.Key, context)
        case .cluster: try removeClusterTag(request.ResourceIID, request.Key, context)
        default:
            let ec2 = try ec2()
            let (id, record) = try taggedRecord(request.ResourceType, request.ResourceIID, ec2, context)
            guard record.tag(request.Key) != nil else {
                throw DriverError.notFound("\(request.ResourceType.rawValue) '\(request.ResourceIID.NameId)' has no tag '\(request.Key)'")
            }
            var params = EC2Params()
            params.list("ResourceId", [id])
            params.add("Tag.1.Key", request.Key)
            _ = try ec2.call("DeleteTags", params, context: context)
        }
        return EmptyResult()
    }

    /// The tagged resources of the type asked for, or of every type (EC2's, then NLBs, then
    /// clusters); a resource matches when one of its tags (Name aside) meets every condition given.
    func findTags(_ request: TagFindReqInfo, _ context: CallContext) throws -> TagInfoList {
        let wants = { (type: TagResourceType) in request.ResourceType == nil || request.ResourceType == type }
        let ec2Types = EC2Taggable.all.filter { wants($0.type) }
        // The three services are asked at once. Searching every type, a service this credential may
        // not read (ELBv2, EKS) is left out rather than failing the search; a type asked for by name is not.
        let everyType = request.ResourceType == nil
        let wantsNLB = wants(.nlb), wantsCluster = wants(.cluster)
        let found = try Concurrently.run([
            { @Sendable in ec2Types.isEmpty ? [] : try self.ec2TagInfos(ec2Types, context) },
            { @Sendable in
                !wantsNLB ? [] : everyType ? try Self.unlessDenied { try self.nlbTagInfos(context) } : try self.nlbTagInfos(context)
            },
            { @Sendable in
                !wantsCluster ? [] : everyType ? try Self.unlessDenied { try self.clusterTagInfos(context) } : try self.clusterTagInfos(context)
            },
        ]).flatMap { $0 }

        let keyword = request.Keyword.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        func matches(_ tag: KeyValue) -> Bool {
            if let key = request.Key, !key.isEmpty, tag.Key != key { return false }
            if let value = request.Value, !value.isEmpty, tag.Value != value { return false }
            if let keyword, !tag.Key.lowercased().contains(keyword), !tag.Value.lowercased().contains(keyword) { return false }
            return true
        }
        return TagInfoList(found.filter { $0.TagList.contains(where: matches) })
    }

    // MARK: steps

    /// A resource's user tags (Name aside), by the service that tags its type.
    private func userTags(_ type: TagResourceType, _ iid: IID, _ context: CallContext) throws -> [KeyValue] {
        switch type {
        case .nlb: try nlbUserTags(iid, context)
        case .cluster: try clusterUserTags(iid, context)
        default: try taggedRecord(type, iid, try ec2(), context).record.userTags ?? []
        }
    }

    /// DescribeTags over these EC2 types, grouped by resource in EC2's order; resources with user tags only.
    private func ec2TagInfos(_ types: [EC2Taggable], _ context: CallContext) throws -> [TagInfo] {
        let ec2 = try ec2()
        var order: [String] = []
        var byResource: [String: (type: EC2Taggable, name: String, tags: [KeyValue])] = [:]
        var token = ""
        repeat {
            var params: EC2Params = ["MaxResults": "1000"]
            if !token.isEmpty { params["NextToken"] = token }
            params.filter("resource-type", types.map(\.awsType))
            let reply = try ec2.call("DescribeTags", params, context: context)
            for item in reply.items("tagSet") {
                let id = item.string("resourceId")
                guard let type = types.first(where: { $0.awsType == item.string("resourceType") }) else { continue }
                if byResource[id] == nil {
                    order.append(id)
                    byResource[id] = (type, "", [])
                }
                let (key, value) = (item.string("key"), item.string("value"))
                if key == "Name" { byResource[id]?.name = value } else { byResource[id]?.tags.append(KeyValue(Key: key, Value: value)) }
            }
            token = reply.string("nextToken")
            try context.checkCancelled()
        } while !token.isEmpty
        return order.compactMap { id in
            guard let found = byResource[id], !found.tags.isEmpty else { return nil }
            return TagInfo(ResourceType: found.type.type, ResourceIId: IID(NameId: found.name, SystemId: id), TagList: found.tags)
        }
    }

    /// The AWS ID and Describe record of the resource a tag request names (NOT_FOUND when AWS has none).
    private func taggedRecord(_ type: TagResourceType, _ iid: IID, _ ec2: EC2Client,
                              _ context: CallContext) throws -> (id: String, record: XMLNode) {
        let taggable = try EC2Taggable.of(type)
        let id = try requireSystemID(iid, taggable.noun, field: "ResourceIID")
        var params = EC2Params()
        if taggable.type == .keypair && !id.hasPrefix("key-") {
            params.list("KeyName", [id])   // a key pair registered by name
        } else if taggable.type == .vm {
            params.filter("instance-id", [id])   // a filter: an unknown ID is an empty answer, not an error
        } else {
            params.list(taggable.idParameter, [id])
        }
        guard let record = taggable.records(try ec2.call(taggable.describeAction, params, context: context)).first else {
            throw DriverError.notFound("\(taggable.noun) '\(iid.NameId)' (\(id)) does not exist")
        }
        // Tag by the resource's own ID (a key pair's key-…, even when it was named by KeyName).
        let own = taggable.type == .keypair ? record.string("keyPairId") : id
        return (own.isEmpty ? id : own, record)
    }

    /// `Name` holds the Spider name, which the host maps: it is not a user tag.
    private static func refuseNameKey(_ key: String, field: String) throws {
        if key == "Name" {
            throw DriverError.invalidArgument("\(field): 'Name' holds the resource's Spider name and is not changed through tags")
        }
    }
}
