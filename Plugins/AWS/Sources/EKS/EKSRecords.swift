// EKS's cluster and node group JSON as CB-Spider's ClusterInfo and NodeGroupInfo. EKS names are
// the Spider names (a cluster's and a node group's name is its ID within the region/cluster).
import Foundation
import SpiderModels

enum EKSRecords {
    /// The tag the cluster autoscaler's auto-discovery reads, set on a node group as it is made.
    static let autoscalingTag = "k8s.io/cluster-autoscaler/enabled"
    /// Where Spider keeps a node group's OnAutoScaling: a tag of its cluster (EKS tags clusters
    /// and node groups alike, moto clusters only), `spider-autoscaling/<node group>`.
    static let clusterAutoscalingPrefix = "spider-autoscaling/"

    static func status(_ eks: String) -> ClusterStatus {
        switch eks {
        case "ACTIVE": .Active
        case "CREATING", "PENDING": .Creating
        case "UPDATING": .Updating
        case "DELETING": .Deleting
        default: .Inactive   // FAILED, CREATE_FAILED, DELETE_FAILED, DEGRADED
        }
    }

    static func strings(_ value: Any?) -> [String] { value as? [String] ?? [] }

    static func tags(_ value: Any?) -> [String: String] { value as? [String: String] ?? [:] }

    /// EKS's timestamp (epoch seconds in JSON, or text) as RFC 3339.
    static func rfc3339(_ value: Any?) -> String {
        let formatter = ISO8601DateFormatter()
        if let seconds = value as? Double { return formatter.string(from: Date(timeIntervalSince1970: seconds)) }
        if let seconds = value as? Int { return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))) }
        return value as? String ?? ""
    }

    static func nodeGroup(_ ng: [String: Any], clusterTags: [String: String] = [:]) -> NodeGroupInfo {
        let name = ng["nodegroupName"] as? String ?? ""
        let scaling = ng["scalingConfig"] as? [String: Any] ?? [:]
        let ami = ng["amiType"] as? String ?? ""
        let key = (ng["remoteAccess"] as? [String: Any])?["ec2SshKey"] as? String ?? ""
        let disk = (ng["diskSize"] as? Int).map(String.init) ?? (ng["diskSize"] as? String ?? "")
        return NodeGroupInfo(
            IId: IID(NameId: name, SystemId: name), ImageIID: IID(NameId: ami, SystemId: ami),
            VMSpecName: strings(ng["instanceTypes"]).first ?? "", RootDiskType: "", RootDiskSize: disk,
            KeyPairIID: IID(NameId: key, SystemId: key),
            OnAutoScaling: (clusterTags[clusterAutoscalingPrefix + name] ?? tags(ng["tags"])[autoscalingTag]) == "true",
            DesiredNodeSize: scaling["desiredSize"] as? Int ?? 0, MinNodeSize: scaling["minSize"] as? Int ?? 0,
            MaxNodeSize: scaling["maxSize"] as? Int ?? 0, Status: status(ng["status"] as? String ?? ""), Nodes: [],
            KeyValueList: keyValues([("NodegroupArn", ng["nodegroupArn"] as? String ?? ""), ("NodeRole", ng["nodeRole"] as? String ?? ""),
                                     ("CapacityType", ng["capacityType"] as? String ?? ""),
                                     ("ReleaseVersion", ng["releaseVersion"] as? String ?? "")]))
    }

    static func cluster(_ c: [String: Any], vpcID: String, nodeGroups: [NodeGroupInfo], region: String) -> ClusterInfo {
        let name = c["name"] as? String ?? ""
        let vpc = c["resourcesVpcConfig"] as? [String: Any] ?? [:]
        let endpoint = c["endpoint"] as? String ?? ""
        let ca = (c["certificateAuthority"] as? [String: Any])?["data"] as? String ?? ""
        let userTags = tags(c["tags"]).filter { $0.key != "Name" && !$0.key.hasPrefix(clusterAutoscalingPrefix) }.sorted { $0.key < $1.key }.map { KeyValue(Key: $0.key, Value: $0.value) }
        return ClusterInfo(
            IId: IID(NameId: tags(c["tags"])["Name"] ?? name, SystemId: name), Version: c["version"] as? String ?? "",
            Network: ClusterNetworkInfo(VpcIID: IID(NameId: "", SystemId: vpcID),
                                        SubnetIIDs: strings(vpc["subnetIds"]).map { IID(NameId: "", SystemId: $0) },
                                        SecurityGroupIIDs: strings(vpc["securityGroupIds"]).map { IID(NameId: "", SystemId: $0) }),
            NodeGroupList: nodeGroups,
            AccessInfo: ClusterAccessInfo(Endpoint: endpoint,
                                          Kubeconfig: endpoint.isEmpty ? "" : kubeconfig(name: name, endpoint: endpoint, ca: ca, region: region)),
            Status: status(c["status"] as? String ?? ""), CreatedTime: rfc3339(c["createdAt"]),
            TagList: userTags.isEmpty ? nil : userTags,
            KeyValueList: keyValues([("Arn", c["arn"] as? String ?? ""), ("RoleArn", c["roleArn"] as? String ?? ""),
                                     ("PlatformVersion", c["platformVersion"] as? String ?? "")]))
    }

    /// A kubeconfig as `aws eks update-kubeconfig` writes it: the API server, its CA, and a token
    /// from `aws eks get-token` through kubectl's exec plugin.
    static func kubeconfig(name: String, endpoint: String, ca: String, region: String) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(name)
          cluster:
            server: \(endpoint)
            certificate-authority-data: \(ca)
        contexts:
        - name: \(name)
          context:
            cluster: \(name)
            user: \(name)
        current-context: \(name)
        users:
        - name: \(name)
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              command: aws
              args: ["--region", "\(region)", "eks", "get-token", "--cluster-name", "\(name)", "--output", "json"]

        """
    }
}
