// ELBv2 and CloudWatch through EC2's Query client: their error documents (<ErrorResponse><Error>)
// map like EC2's, their `<member>` lists parse, requests carry their own version and signing
// service, and Spider's metrics map to AWS/EC2 metrics.
import Testing
@testable import AWSDriver
import SpiderDriverHTTP
import SpiderDriverKit
import SpiderModels

@Suite("ELBv2 and CloudWatch Query services")
struct QueryServiceTests {
    static func error(_ code: String) -> DriverError? {
        let body = """
            <ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
              <Error><Type>Sender</Type><Code>\(code)</Code><Message>m</Message></Error><RequestId>r</RequestId>
            </ErrorResponse>
            """
        do {
            _ = try EC2Client.interpret(HTTPResponse(status: 400, body: Array(body.utf8), retryAfterSeconds: nil), action: "Test")
            return nil
        } catch {
            return error as? DriverError
        }
    }

    @Test("ELBv2 error codes: NotFound, Duplicate…, ResourceInUse, ValidationError, Throttling",
          arguments: [("LoadBalancerNotFound", DriverStatus.notFound), ("TargetGroupNotFound", .notFound),
                      ("DuplicateLoadBalancerName", .alreadyExists), ("DuplicateTargetGroupName", .alreadyExists),
                      ("ResourceInUse", .conflict), ("ValidationError", .invalidArgument), ("Throttling", .retryable)])
    func errors(_ code: String, _ status: DriverStatus) {
        let error = Self.error(code)
        #expect(error?.status == status)
        #expect(error?.cloudError == "\(code): m")
    }

    @Test("members: ELBv2's lists parse; requests number Name.member.N and carry the service's version")
    func members() throws {
        let answer = try XMLTreeParser.parse(Array("""
            <DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
              <DescribeTargetHealthResult><TargetHealthDescriptions>
                <member><Target><Id>i-1</Id><Port>80</Port></Target><TargetHealth><State>healthy</State></TargetHealth></member>
                <member><Target><Id>i-2</Id><Port>80</Port></Target><TargetHealth><State>unused</State></TargetHealth></member>
              </TargetHealthDescriptions></DescribeTargetHealthResult>
            </DescribeTargetHealthResponse>
            """.utf8))
        let targets = answer.members(at: "DescribeTargetHealthResult", "TargetHealthDescriptions")
        #expect(targets.map { $0.find("Target")?.string("Id") } == ["i-1", "i-2"])
        var params = EC2Params()
        params.members("Subnets", ["s-1", "s-2"])
        params.members("Tags", [[("Key", "Name"), ("Value", "web")]])
        #expect(EC2Client.formBody(action: "CreateLoadBalancer", params: params, version: "2015-12-01")
                == "Action=CreateLoadBalancer&Version=2015-12-01&Subnets.member.1=s-1&Subnets.member.2=s-2"
                + "&Tags.member.1.Key=Name&Tags.member.1.Value=web")
        let endpoint = try EC2Endpoint(region: "eu-west-1", override: nil, service: "elasticloadbalancing")
        #expect(endpoint.url == "https://elasticloadbalancing.eu-west-1.amazonaws.com/")
    }

    @Test("health checks: ranges named by field, defaults filled only for a change")
    func healthChecks() throws {
        let created = try NLBRequestChecks.healthCheck(NLBHealthCheckerReqInfo(Protocol: "tcp", Port: "8080", Interval: "default"),
                                                       fillDefaults: false)
        #expect(created["HealthCheckIntervalSeconds"] == nil && created["HealthCheckProtocol"] == "TCP")
        let changed = try NLBRequestChecks.healthCheck(NLBHealthCheckerReqInfo(Protocol: "HTTP", Port: "80", Threshold: "3"),
                                                       fillDefaults: true)
        #expect(changed["HealthCheckTimeoutSeconds"] == "6" && changed["HealthyThresholdCount"] == "3"
                && changed["UnhealthyThresholdCount"] == "3" && changed["HealthCheckPath"] == "/")
        #expect(throws: DriverError.self) {
            try NLBRequestChecks.healthCheck(NLBHealthCheckerReqInfo(Protocol: "TCP", Port: "80", Interval: "10", Timeout: "20"),
                                             fillDefaults: false)
        }
        #expect(throws: DriverError.self) { try NLBRequestChecks.awsName("has_underscore") }
        #expect(throws: DriverError.self) { try NLBRequestChecks.awsName(String(repeating: "a", count: 33)) }
    }

    @Test("metrics: AWS/EC2 names and statistics; memory has none there (it is the CloudWatch agent's)")
    func metrics() {
        #expect(AWSConnection.cloudWatchMetric(.cpu_usage)! == ("CPUUtilization", "Average"))
        #expect(AWSConnection.cloudWatchMetric(.network_out)! == ("NetworkOut", "Sum"))
        #expect(AWSConnection.cloudWatchMetric(.disk_write_ops)! == ("DiskWriteOps", "Sum"))
        #expect(AWSConnection.cloudWatchMetric(.memory_usage) == nil)
        #expect(AWSConnection.format(12.345, .cpu_usage) == "12.35" && AWSConnection.format(1499.6, .disk_read) == "1500")
    }
}
