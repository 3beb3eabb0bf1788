// ELBv2 and CloudWatch speak the same Query API as EC2 (form-encoded POST, SigV4, XML answers,
// the same error document), so they use EC2Client with their own service name and version. Their
// lists differ from EC2's: `Name.member.N` in requests and `<member>` elements in answers.
import SpiderDriverKit

extension AWSConnection {
    /// Elastic Load Balancing v2 (NLBs, target groups, listeners) in the connection's region.
    func elbv2() throws -> EC2Client {
        try EC2Client(http: http, credentials: settings.credentials, region: settings.region ?? AWSSettings.fallbackRegion,
                      endpointOverride: settings.endpoint, service: "elasticloadbalancing", version: "2015-12-01")
    }

    /// CloudWatch (metrics) in the connection's region.
    func cloudWatch() throws -> EC2Client {
        try EC2Client(http: http, credentials: settings.credentials, region: settings.region ?? AWSSettings.fallbackRegion,
                      endpointOverride: settings.endpoint, service: "monitoring", version: "2010-08-01")
    }
}

extension EC2Params {
    /// `<prefix>.member.1`, `<prefix>.member.2`, … (e.g. `Subnets.member.1`).
    mutating func members(_ prefix: String, _ values: [String]) {
        for (i, v) in values.enumerated() { add("\(prefix).member.\(i + 1)", v) }
    }

    /// `<prefix>.member.N.<field>` for a list of structures (e.g. `Tags.member.1.Key`).
    mutating func members(_ prefix: String, _ records: [[(String, String)]]) {
        for (i, record) in records.enumerated() {
            for (field, value) in record { add("\(prefix).member.\(i + 1).\(field)", value) }
        }
    }
}

extension XMLNode {
    /// The `<member>` children of the node at `path` (the Query API's lists outside EC2).
    func members(at path: String...) -> [XMLNode] {
        find(path)?.children.filter { $0.name == "member" } ?? []
    }
}
