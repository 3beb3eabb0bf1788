// tag.* on clusters: EKS's TagResource (POST /tags/{arn}), UntagResource (DELETE /tags/{arn}?tagKeys=)
// and the tags DescribeCluster returns, which also gives the ARN (the cluster's SystemId is its
// name). Spider's own tags stay out, as in the cluster's TagList: `Name` (the Spider name) and the
// node groups' OnAutoScaling (`spider-autoscaling/<node group>`); neither is changed through tags.
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    /// Whether a cluster tag key is Spider's own rather than the user's.
    static func isSpiderClusterTag(_ key: String) -> Bool {
        key == "Name" || key.hasPrefix(EKSRecords.clusterAutoscalingPrefix)
    }

    /// The cluster's user tags, sorted by key (EKS keeps them as a map).
    func clusterUserTags(_ iid: IID, _ context: CallContext) throws -> [KeyValue] {
        Self.clusterUserTags(try clusterTagTarget(iid, try eks(), context).tags)
    }

    func addClusterTag(_ iid: IID, _ tag: KeyValue, _ context: CallContext) throws {
        try Self.refuseSpiderClusterTag(tag.Key, field: "Tag.Key")
        let eks = try eks()
        let arn = try clusterTagTarget(iid, eks, context).arn
        _ = try eks.call("TagResource", "POST", "/tags/\(EKSClient.segment(arn))", body: ["tags": [tag.Key: tag.Value]],
                         context: context)
    }

    /// UntagResource after checking the key is there (EKS answers a missing key with success).
    func removeClusterTag(_ iid: IID, _ key: String, _ context: CallContext) throws {
        try Self.refuseSpiderClusterTag(key, field: "Key")
        let eks = try eks()
        let (arn, tags) = try clusterTagTarget(iid, eks, context)
        guard tags[key] != nil else { throw DriverError.notFound("cluster '\(iid.NameId)' has no tag '\(key)'") }
        _ = try eks.call("UntagResource", "DELETE", "/tags/\(EKSClient.segment(arn))", query: [("tagKeys", key)], context: context)
    }

    /// Every cluster of the region with at least one user tag, as tag.find shows it.
    func clusterTagInfos(_ context: CallContext) throws -> [TagInfo] {
        let eks = try eks()
        let names = try clusterNames(eks, context)
        var infos: [TagInfo] = []
        for name in names.sorted() {
            let tags: [String: String]
            do {
                tags = try clusterTagTarget(IID(NameId: name, SystemId: name), eks, context).tags
            } catch let error as DriverError where error.status == .notFound {
                continue   // deleted between the list and its description
            }
            let user = Self.clusterUserTags(tags)
            if !user.isEmpty {
                infos.append(TagInfo(ResourceType: .cluster, ResourceIId: IID(NameId: tags["Name"] ?? name, SystemId: name), TagList: user))
            }
        }
        return infos
    }

    // MARK: steps

    /// DescribeCluster of the cluster a tag request names: its ARN and every tag (NOT_FOUND from EKS).
    private func clusterTagTarget(_ iid: IID, _ eks: EKSClient,
                                  _ context: CallContext) throws -> (arn: String, tags: [String: String]) {
        let name = try requireSystemID(iid, "cluster", field: "ResourceIID")
        let cluster = try eks.call("DescribeCluster", "GET", "/clusters/\(EKSClient.segment(name))", context: context)["cluster"]
            as? [String: Any] ?? [:]
        guard let arn = cluster["arn"] as? String, !arn.isEmpty else {
            throw DriverError.internal("EKS described cluster '\(name)' without an ARN")
        }
        return (arn, EKSRecords.tags(cluster["tags"]))
    }

    private static func clusterUserTags(_ tags: [String: String]) -> [KeyValue] {
        tags.filter { !isSpiderClusterTag($0.key) }.sorted { $0.key < $1.key }.map { KeyValue(Key: $0.key, Value: $0.value) }
    }

    private static func refuseSpiderClusterTag(_ key: String, field: String) throws {
        if key.hasPrefix(EKSRecords.clusterAutoscalingPrefix) {
            throw DriverError.invalidArgument("\(field): '\(key)' holds a node group's OnAutoScaling setting, which is changed "
                                              + "through the node group's autoscaling route, not through tags")
        }
    }
}
