// moto's own view of its state, through boto3 in a python3 child: what the AWS driver's tests
// check the driver's answers against (and how they set up resources the driver did not make).
import Foundation

enum MotoView {
    /// An AWS error boto3 raised (botocore ClientError): code and message as AWS sends them.
    struct CloudError: Error, CustomStringConvertible {
        let code: String
        let message: String
        var description: String { "\(code): \(message)" }
    }

    /// Prints {"result": ...} or {"error": {...}}; datetimes and other non-JSON values as strings.
    private static let script = """
        import json, sys
        import boto3, botocore.exceptions
        service, endpoint, region, operation, parameters = sys.argv[1:6]
        client = boto3.client(service, endpoint_url=endpoint, region_name=region,
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        try:
            result = getattr(client, operation)(**json.loads(parameters))
            result.pop("ResponseMetadata", None)
            print(json.dumps({"result": result}, default=str))
        except botocore.exceptions.ClientError as e:
            print(json.dumps({"error": e.response.get("Error", {})}))
        """

    /// Calls `operation` (boto3's snake_case name, e.g. "describe_vpcs") of `service` with
    /// `parameters` (boto3's keyword arguments) and returns the reply without ResponseMetadata.
    /// Throws `CloudError` when AWS (moto) refuses the call.
    static func call(_ service: String, _ endpoint: String, region: String, _ operation: String,
                     _ parameters: [String: Any] = [:]) throws -> [String: Any] {
        let folder = try TempFolder(prefix: "motoview")
        let arguments = String(decoding: try JSONSerialization.data(withJSONObject: parameters), as: UTF8.self)
        let (exit, output) = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script, service, endpoint, region, operation, arguments],
                                                  in: folder, seconds: 60)
        // The reply is the last line: boto3 may warn on the lines before it.
        let last = output.split(separator: "\n").last.map(String.init) ?? ""
        guard exit == .code(0),
              let reply = (try? JSONSerialization.jsonObject(with: Data(last.utf8))) as? [String: Any] else {
            throw TestFailure("boto3 \(service).\(operation) failed (\(exit)):\n\(output)")
        }
        if let error = reply["error"] as? [String: Any] {
            throw CloudError(code: error["Code"] as? String ?? "", message: error["Message"] as? String ?? "")
        }
        return reply["result"] as? [String: Any] ?? [:]
    }

    /// An EC2 call with EC2's Filters given as name → values, e.g.
    /// `MotoView.ec2(moto.endpoint, "us-east-1", "describe_vpcs", filters: ["tag:Name": ["web"]])`.
    static func ec2(_ endpoint: String, _ region: String, _ operation: String, filters: [String: [String]] = [:],
                    _ parameters: [String: Any] = [:]) throws -> [String: Any] {
        var parameters = parameters
        if !filters.isEmpty {
            parameters["Filters"] = filters.sorted { $0.key < $1.key }.map { ["Name": $0.key, "Values": $0.value] }
        }
        return try call("ec2", endpoint, region: region, operation, parameters)
    }

    /// The objects under `key` of a reply (e.g. "Vpcs" of describe_vpcs).
    static func items(_ reply: [String: Any], _ key: String) -> [[String: Any]] {
        reply[key] as? [[String: Any]] ?? []
    }

    /// The value of the `Name` tag of an EC2 object.
    static func nameTag(_ item: [String: Any]) -> String? {
        (item["Tags"] as? [[String: Any]])?.first { $0["Key"] as? String == "Name" }?["Value"] as? String
    }
}

extension MotoServer {
    /// `MotoView.ec2` against this server; a failed call's message carries the end of moto's log
    /// (its traceback for a 500).
    func ec2(_ region: String, _ operation: String, filters: [String: [String]] = [:],
             _ parameters: [String: Any] = [:]) throws -> [String: Any] {
        do {
            return try MotoView.ec2(endpoint, region, operation, filters: filters, parameters)
        } catch let failure as TestFailure {
            throw TestFailure("\(failure.description)\n--- moto's log (end):\n\(log.suffix(4000))")
        }
    }
}
