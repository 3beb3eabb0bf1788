// The checks an NLB request passes before AWS is called, so a bad field is named by its Spider
// name (`Listener.Port`, `HealthChecker.Interval`) rather than by an ELBv2 parameter.
import Foundation
import SpiderDriverKit
import SpiderModels

enum NLBRequestChecks {
    static let trafficProtocols = ["TCP", "UDP"]
    static let healthCheckProtocols = ["TCP", "HTTP"]
    /// ELBv2's limits for a network target group's health check (seconds, checks).
    static let intervals = 5...300
    static let timeouts = 2...120
    static let thresholds = 2...10
    /// AWS's defaults for an NLB target group, sent when a change asks for "default".
    static let defaultInterval = 30
    static let defaultHealthyThreshold = 5
    static let defaultUnhealthyThreshold = 2
    static func defaultTimeout(_ protocol: String) -> Int { `protocol` == "HTTP" ? 6 : 10 }

    /// A load balancer or target group name ELBv2 accepts: 1–32 letters, digits and hyphens, no
    /// hyphen at either end, not starting with "internal-".
    static func awsName(_ name: String, field: String = "IId.NameId") throws -> String {
        let allowed = name.unicodeScalars.allSatisfy { ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "-" }
        guard (1...32).contains(name.count), allowed, !name.hasPrefix("-"), !name.hasSuffix("-"),
              !name.lowercased().hasPrefix("internal-") else {
            throw DriverError.invalidArgument("\(field): '\(name)' cannot name an AWS load balancer (1-32 letters, digits "
                                              + "and hyphens, no hyphen at either end, not starting with 'internal-')")
        }
        return name
    }

    /// PUBLIC (internet-facing) or INTERNAL; empty or "default" is PUBLIC.
    static func scheme(_ type: String?) throws -> String {
        switch (type ?? "").uppercased() {
        case "", "DEFAULT", "PUBLIC": return "internet-facing"
        case "INTERNAL": return "internal"
        default: throw DriverError.invalidArgument("Type: '\(type ?? "")' is not one of PUBLIC, INTERNAL")
        }
    }

    /// REGION only: an AWS NLB lives in one region.
    static func checkScope(_ scope: String?) throws {
        switch (scope ?? "").uppercased() {
        case "", "DEFAULT", "REGION": return
        case "GLOBAL": throw DriverError.unsupported("Scope: AWS network load balancers are regional; GLOBAL is not offered")
        default: throw DriverError.invalidArgument("Scope: '\(scope ?? "")' is not one of REGION, GLOBAL")
        }
    }

    /// A protocol among `protocols` and a port from 1 to 65535, normalised.
    static func port(_ spec: NLBPortReqInfo, field: String, protocols: [String] = trafficProtocols) throws -> NLBPortReqInfo {
        let proto = spec.Protocol.trimmingCharacters(in: .whitespaces).uppercased()
        guard protocols.contains(proto) else {
            throw DriverError.invalidArgument("\(field).Protocol: '\(spec.Protocol)' is not one of \(protocols.joined(separator: ", "))")
        }
        guard let port = Int(spec.Port.trimmingCharacters(in: .whitespaces)), (1...65535).contains(port) else {
            throw DriverError.invalidArgument("\(field).Port: '\(spec.Port)' is not a port from 1 to 65535")
        }
        return NLBPortReqInfo(Protocol: proto, Port: String(port))
    }

    /// ELBv2's health check parameters; a number left empty or "default" is not sent (AWS's default
    /// applies) unless `fillDefaults`, which sends AWS's default explicitly (a change resets it).
    static func healthCheck(_ spec: NLBHealthCheckerReqInfo, field: String = "HealthChecker", fillDefaults: Bool) throws -> EC2Params {
        let target = try port(NLBPortReqInfo(Protocol: spec.Protocol, Port: spec.Port), field: field, protocols: healthCheckProtocols)
        let interval = try number(spec.Interval, field: "\(field).Interval", intervals)
        let timeout = try number(spec.Timeout, field: "\(field).Timeout", timeouts)
        let threshold = try number(spec.Threshold, field: "\(field).Threshold", thresholds)
        if let timeout, timeout > (interval ?? defaultInterval) {
            throw DriverError.invalidArgument("\(field).Timeout: \(timeout) s is longer than the interval of \(interval ?? defaultInterval) s")
        }
        var params: EC2Params = ["HealthCheckProtocol": target.Protocol, "HealthCheckPort": target.Port]
        if target.Protocol == "HTTP" { params["HealthCheckPath"] = "/" }
        let values: [(String, Int?, Int)] = [
            ("HealthCheckIntervalSeconds", interval, defaultInterval),
            ("HealthCheckTimeoutSeconds", timeout, defaultTimeout(target.Protocol)),
            ("HealthyThresholdCount", threshold, defaultHealthyThreshold),
            ("UnhealthyThresholdCount", threshold, defaultUnhealthyThreshold),
        ]
        for (name, value, fallback) in values {
            if let value { params[name] = String(value) } else if fillDefaults { params[name] = String(fallback) }
        }
        return params
    }

    /// A whole number within `range`, or nil for empty, "default" or -1 (CB-Spider's "default").
    private static func number(_ text: String?, field: String, _ range: ClosedRange<Int>) throws -> Int? {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.lowercased() != "default", text != "-1" else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw DriverError.invalidArgument("\(field): '\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
