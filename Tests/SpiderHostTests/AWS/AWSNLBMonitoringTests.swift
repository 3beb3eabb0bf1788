// The AWS driver's NLBs (ELBv2) and VM metrics (CloudWatch) in a real spiderd against moto's
// server: an NLB over a VM is created, read, checked for health, changed, given and relieved of
// VMs and deleted, each step checked against moto's own view (boto3's elbv2). Metrics put into
// moto's CloudWatch for the VM's instance come back through /spider/monitoring.
import Foundation
import Testing

@Suite("AWS driver against moto: NLB and monitoring", .serialized)
struct AWSNLBMonitoringTests {
    static let region = AWSNetworkTests.region

    /// VPC, security group, key pair and the named VMs (t3.micro in subnet-01); their instance IDs.
    static func vms(_ moto: MotoServer, _ host: HostProcess, _ c: RegisteredConnection, _ names: [String]) throws -> [String: String] {
        let imageID = try #require(try AWSComputeTests.image(moto)["ImageId"] as? String)
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", subnets: [("subnet-01", "10.0.1.0/24")]))
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01",
                                                                                    rules: [Requests.rule("8080")]))
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "key-01"))
        var ids: [String: String] = [:]
        for name in names {
            let vm = try host.must("POST", "/spider/vm", json: Requests.vm(c.name, name, vpc: "vpc-01", subnet: "subnet-01",
                                                                         securityGroups: ["sg-01"], keyPair: "key-01",
                                                                         image: imageID, spec: "t3.micro")).json
            ids[name] = try #require((vm["IId"] as? [String: Any])?["SystemId"] as? String)
        }
        return ids
    }

    static func elbv2(_ moto: MotoServer, _ operation: String, _ parameters: [String: Any] = [:]) throws -> [String: Any] {
        try MotoView.call("elbv2", moto.endpoint, region: region, operation, parameters)
    }

    /// The instance IDs moto has registered in a target group.
    static func targets(_ moto: MotoServer, _ groupARN: String) throws -> Set<String> {
        Set(MotoView.items(try elbv2(moto, "describe_target_health", ["TargetGroupArn": groupARN]), "TargetHealthDescriptions")
            .compactMap { ($0["Target"] as? [String: Any])?["Id"] as? String })
    }

    static func names(_ list: Any?) -> [String] {
        (list as? [[String: Any]] ?? []).compactMap { $0["NameId"] as? String }.sorted()
    }

    @Test("NLB: create over a VM → get/list/health (a stopped VM is unhealthy) → add/remove VMs → change listener, health checker and VM group → delete, each checked in moto")
    func nlbFlow() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        let ids = try Self.vms(moto, host, c, ["vm-01", "vm-02"])
        let vpcID = try #require(MotoView.items(try moto.ec2(Self.region, "describe_vpcs", filters: ["tag:Name": ["vpc-01"]]),
                                                "Vpcs").first?["VpcId"] as? String)

        let created = try host.must("POST", "/spider/nlb", json: Requests.nlb(
            c.name, "nlb-01", vms: ["vm-01"], checker: ["Protocol": "TCP", "Port": "8080", "Interval": "10", "Timeout": "5", "Threshold": "3"],
            extra: ["TagList": [["Key": "env", "Value": "test"]]])).json
        let arn = try #require((created["IId"] as? [String: Any])?["SystemId"] as? String)

        // moto: a network load balancer in the VPC, tagged, with a TCP:80 listener forwarding to a TCP:8080 group of vm-01.
        let balancer = try #require(MotoView.items(try Self.elbv2(moto, "describe_load_balancers", ["LoadBalancerArns": [arn]]),
                                                   "LoadBalancers").first)
        #expect(balancer["Type"] as? String == "network")
        #expect(balancer["Scheme"] as? String == "internet-facing")
        #expect(balancer["VpcId"] as? String == vpcID)
        let tags = (MotoView.items(try Self.elbv2(moto, "describe_tags", ["ResourceArns": [arn]]), "TagDescriptions").first?["Tags"]
                    as? [[String: Any]] ?? []).map { "\($0["Key"] ?? "")=\($0["Value"] ?? "")" }
        #expect(Set(tags) == ["Name=nlb-01", "env=test"])
        let listener = try #require(MotoView.items(try Self.elbv2(moto, "describe_listeners", ["LoadBalancerArn": arn]), "Listeners").first)
        #expect(listener["Protocol"] as? String == "TCP")
        #expect(listener["Port"] as? Int == 80)
        let groupARN = try #require((listener["DefaultActions"] as? [[String: Any]])?.first?["TargetGroupArn"] as? String)
        var group = try #require(MotoView.items(try Self.elbv2(moto, "describe_target_groups", ["TargetGroupArns": [groupARN]]),
                                                "TargetGroups").first)
        #expect(group["Protocol"] as? String == "TCP")
        #expect(group["Port"] as? Int == 8080)
        #expect(group["VpcId"] as? String == vpcID)
        #expect(group["HealthCheckProtocol"] as? String == "TCP")
        #expect(group["HealthCheckPort"] as? String == "8080")
        #expect(group["HealthCheckIntervalSeconds"] as? Int == 10)
        #expect(group["HealthCheckTimeoutSeconds"] as? Int == 5)
        #expect(group["HealthyThresholdCount"] as? Int == 3)
        #expect(group["UnhealthyThresholdCount"] as? Int == 3)
        #expect(try Self.targets(moto, groupARN) == [ids["vm-01"]!])

        // Spider's answer says the same, with the user's names.
        for nlb in [created, try host.must("GET", "/spider/nlb/nlb-01\(c.query)").json] {
            #expect((nlb["VpcIID"] as? [String: Any])?["NameId"] as? String == "vpc-01")
            #expect(nlb["Type"] as? String == "PUBLIC")
            #expect(nlb["Scope"] as? String == "REGION")
            let l = nlb["Listener"] as? [String: Any]
            #expect(l?["Protocol"] as? String == "TCP" && l?["Port"] as? String == "80")
            #expect(l?["DNSName"] as? String == balancer["DNSName"] as? String && !(l?["DNSName"] as? String ?? "").isEmpty)
            let g = nlb["VMGroup"] as? [String: Any]
            #expect(g?["Protocol"] as? String == "TCP" && g?["Port"] as? String == "8080")
            #expect(Self.names(g?["VMs"]) == ["vm-01"])
            let h = nlb["HealthChecker"] as? [String: Any]
            #expect(h?["Protocol"] as? String == "TCP" && h?["Port"] as? String == "8080")
            #expect(h?["Interval"] as? Int == 10 && h?["Timeout"] as? Int == 5 && h?["Threshold"] as? Int == 3)
            #expect((nlb["TagList"] as? [[String: Any]])?.map { "\($0["Key"] ?? "")=\($0["Value"] ?? "")" } == ["env=test"])
        }
        #expect(try host.must("GET", "/spider/nlb\(c.query)").list("nlb").compactMap { ($0["IId"] as? [String: Any])?["NameId"] as? String }
                == ["nlb-01"])

        // Health: a running VM passes; stopped (moto: "unused"), it fails.
        var health = try host.must("GET", "/spider/nlb/nlb-01/health\(c.query)").json["healthinfo"] as? [String: Any]
        #expect(Self.names(health?["AllVMs"]) == ["vm-01"] && Self.names(health?["HealthyVMs"]) == ["vm-01"])
        #expect(Self.names(health?["UnHealthyVMs"]) == [])
        try host.must("GET", "/spider/controlvm/vm-01\(c.query)&action=suspend")
        health = try host.must("GET", "/spider/nlb/nlb-01/health\(c.query)").json["healthinfo"] as? [String: Any]
        #expect(Self.names(health?["HealthyVMs"]) == [] && Self.names(health?["UnHealthyVMs"]) == ["vm-01"])
        try host.must("GET", "/spider/controlvm/vm-01\(c.query)&action=resume")

        // VMs: vm-02 joins (moto registers it); vm-01 again is ALREADY_EXISTS; vm-02 leaves; leaving twice is NOT_FOUND.
        let added = try host.must("POST", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(c.name, ["vm-02"])).json
        #expect(Self.names((added["VMGroup"] as? [String: Any])?["VMs"]) == ["vm-01", "vm-02"])
        #expect(try Self.targets(moto, groupARN) == [ids["vm-01"]!, ids["vm-02"]!])
        try host.expect("POST", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(c.name, ["vm-01"]), status: 409, mentioning: ["vm-01"])
        try host.must("DELETE", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(c.name, ["vm-02"]))
        #expect(try Self.targets(moto, groupARN) == [ids["vm-01"]!])
        try host.expect("DELETE", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(c.name, ["vm-02"]), status: 404, mentioning: ["vm-02"])

        // Listener: moto's listener moves to TCP:81.
        let changedListener = try host.must("PUT", "/spider/nlb/nlb-01/listener", json: Requests.nlbChange(c.name, ["Protocol": "TCP", "Port": "81"])).json
        #expect(changedListener["Port"] as? String == "81")
        #expect(MotoView.items(try Self.elbv2(moto, "describe_listeners", ["LoadBalancerArn": arn]), "Listeners").first?["Port"] as? Int == 81)
        try host.expect("PUT", "/spider/nlb/nlb-01/listener", json: Requests.nlbChange(c.name, ["Protocol": "TCP", "Port": "70000"]),
                        status: 400, mentioning: ["Listener.Port"])

        // Health checker: HTTP on 8080 every 30 s; "default" timeout and threshold are AWS's (6 s for HTTP, 5 checks).
        let checker = try host.must("PUT", "/spider/nlb/nlb-01/healthchecker", json: Requests.nlbChange(
            c.name, ["Protocol": "HTTP", "Port": "8080", "Interval": "30", "Timeout": "default", "Threshold": "default"])).json
        #expect(checker["Protocol"] as? String == "HTTP" && checker["Interval"] as? Int == 30)
        #expect(checker["Timeout"] as? Int == 6 && checker["Threshold"] as? Int == 5)
        group = try #require(MotoView.items(try Self.elbv2(moto, "describe_target_groups", ["TargetGroupArns": [groupARN]]), "TargetGroups").first)
        #expect(group["HealthCheckProtocol"] as? String == "HTTP")
        #expect(group["HealthCheckIntervalSeconds"] as? Int == 30)
        #expect(group["HealthCheckTimeoutSeconds"] as? Int == 6)
        try host.expect("PUT", "/spider/nlb/nlb-01/healthchecker", json: Requests.nlbChange(
            c.name, ["Protocol": "TCP", "Port": "8080", "Interval": "1"]), status: 400, mentioning: ["HealthChecker.Interval"])

        // VM group: a new TCP:9090 group with the same VM and health check takes over; the old group is gone.
        let changedGroup = try host.must("PUT", "/spider/nlb/nlb-01/vmgroup", json: Requests.nlbChange(c.name, ["Protocol": "TCP", "Port": "9090"])).json
        #expect(changedGroup["Port"] as? String == "9090" && Self.names(changedGroup["VMs"]) == ["vm-01"])
        let newGroupARN = try #require((MotoView.items(try Self.elbv2(moto, "describe_listeners", ["LoadBalancerArn": arn]), "Listeners")
            .first?["DefaultActions"] as? [[String: Any]])?.first?["TargetGroupArn"] as? String)
        #expect(newGroupARN != groupARN)
        let newGroup = try #require(MotoView.items(try Self.elbv2(moto, "describe_target_groups", ["TargetGroupArns": [newGroupARN]]),
                                                   "TargetGroups").first)
        #expect(newGroup["Port"] as? Int == 9090 && newGroup["HealthCheckProtocol"] as? String == "HTTP")
        #expect(try Self.targets(moto, newGroupARN) == [ids["vm-01"]!])
        #expect(throws: MotoView.CloudError.self) { try Self.elbv2(moto, "describe_target_groups", ["TargetGroupArns": [groupARN]]) }

        // Delete: balancer, listener and target group are gone from moto; Spider forgets the NLB.
        try host.must("DELETE", "/spider/nlb/nlb-01", json: Requests.connection(c.name))
        #expect(MotoView.items(try Self.elbv2(moto, "describe_load_balancers"), "LoadBalancers").isEmpty)
        #expect(MotoView.items(try Self.elbv2(moto, "describe_target_groups"), "TargetGroups").isEmpty)
        try host.expect("GET", "/spider/nlb/nlb-01\(c.query)", status: 404)
        #expect(try host.must("GET", "/spider/nlb\(c.query)").list("nlb").isEmpty)
    }

    @Test("NLB create: a GLOBAL scope is UNSUPPORTED and a bad health check number INVALID_ARGUMENT, nothing made in moto")
    func nlbRefusals() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        _ = try Self.vms(moto, host, c, ["vm-01"])
        try host.expect("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-01", extra: ["Scope": "GLOBAL"]),
                        status: 501, mentioning: ["GLOBAL"])
        try host.expect("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-01", checker: ["Protocol": "TCP", "Port": "8080", "Threshold": "11"]),
                        status: 400, mentioning: ["HealthChecker.Threshold"])
        #expect(MotoView.items(try Self.elbv2(moto, "describe_load_balancers"), "LoadBalancers").isEmpty)
        #expect(MotoView.items(try Self.elbv2(moto, "describe_target_groups"), "TargetGroups").isEmpty)
    }

    @Test("monitoring: CPU and network metrics put into moto's CloudWatch for the VM come back per interval, oldest first; memory from the CloudWatch agent, UNSUPPORTED without it")
    func monitoring() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        let ids = try Self.vms(moto, host, c, ["vm-01", "vm-02"])
        let minute = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60
        let at = { (minutesAgo: Double) in ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: minute - minutesAgo * 60)) }
        let put = { (vm: String, metric: String, unit: String, points: [(Double, Double)]) throws in
            let data = points.map { ["MetricName": metric, "Unit": unit, "Timestamp": at($0.0), "Value": $0.1,
                                     "Dimensions": [["Name": "InstanceId", "Value": ids[vm]!]]] as [String: Any] }
            _ = try MotoView.call("cloudwatch", moto.endpoint, region: Self.region, "put_metric_data",
                                  ["Namespace": "AWS/EC2", "MetricData": data])
        }
        try put("vm-01", "CPUUtilization", "Percent", [(5, 12.5), (20, 40)])
        try put("vm-02", "CPUUtilization", "Percent", [(10, 99)])                // another VM's: not vm-01's
        try put("vm-01", "NetworkIn", "Bytes", [(3, 1_000), (3, 2_500)])          // one minute: summed

        let cpu = try host.must("GET", "/spider/monitoring/vm/vm-01/cpu_usage\(c.query)&IntervalMinute=1&TimeBeforeHour=1").json
        #expect(cpu["VMName"] as? String == "vm-01")
        #expect(cpu["MetricName"] as? String == "cpu_usage" && cpu["MetricUnit"] as? String == "Percent")
        let values = cpu["TimestampValues"] as? [[String: Any]] ?? []
        #expect(values.compactMap { $0["Value"] as? String } == ["40.00", "12.50"])
        #expect(values.compactMap { $0["Timestamp"] as? String } == [at(20), at(5)])

        let network = try host.must("GET", "/spider/monitoring/vm/vm-01/network_in\(c.query)&IntervalMinute=1&TimeBeforeHour=1").json
        #expect(network["MetricUnit"] as? String == "Bytes")
        #expect((network["TimestampValues"] as? [[String: Any]])?.compactMap { $0["Value"] as? String } == ["3500"])
        #expect((try host.must("GET", "/spider/monitoring/vm/vm-01/disk_read\(c.query)&IntervalMinute=5&TimeBeforeHour=2")
            .json["TimestampValues"] as? [Any])?.isEmpty == true)
        try host.expect("GET", "/spider/monitoring/vm/vm-01/memory_usage\(c.query)&IntervalMinute=1&TimeBeforeHour=1",
                        status: 501, mentioning: ["CloudWatch agent"])

        // With the CloudWatch agent: its mem_used_percent under the dimensions it was configured with.
        let agent = { (vm: String, points: [(Double, Double)]) throws in
            let data = points.map { ["MetricName": "mem_used_percent", "Unit": "Percent", "Timestamp": at($0.0), "Value": $0.1,
                                     "Dimensions": [["Name": "InstanceId", "Value": ids[vm]!], ["Name": "ImageId", "Value": "ami-x"],
                                                    ["Name": "InstanceType", "Value": "t3.micro"]]] as [String: Any] }
            _ = try MotoView.call("cloudwatch", moto.endpoint, region: Self.region, "put_metric_data",
                                  ["Namespace": "CWAgent", "MetricData": data])
        }
        try agent("vm-01", [(7, 31.25), (2, 47.5)])
        try agent("vm-02", [(4, 90)])
        let memory = try host.must("GET", "/spider/monitoring/vm/vm-01/memory_usage\(c.query)&IntervalMinute=1&TimeBeforeHour=1").json
        #expect(memory["MetricName"] as? String == "memory_usage" && memory["MetricUnit"] as? String == "Percent")
        #expect((memory["TimestampValues"] as? [[String: Any]])?.compactMap { $0["Value"] as? String } == ["31.25", "47.50"], "\(memory)")
    }
}
