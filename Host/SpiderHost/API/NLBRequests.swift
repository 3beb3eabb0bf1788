// The request bodies of the NLB routes, as CB-Spider's clients send them: VPC and VMs by name.
import SpiderModels

/// `POST /spider/nlb` (CB-Spider's NLBCreateRequest.ReqInfo).
struct NLBCreateInfo: Decodable, Sendable {
    var Name: String
    var VPCName: String
    var `Type`: String?
    var Scope: String?
    var Listener: NLBPortReqInfo
    var VMGroup: NLBVMGroupNames
    var HealthChecker: NLBHealthCheckerReqInfo
    var TagList: [KeyValue]?
}

/// CB-Spider's NLBVMGroupRequest: the VMs by name.
struct NLBVMGroupNames: Decodable, Sendable {
    var `Protocol`: String
    var Port: String
    var VMs: [String]?
}

/// `POST /spider/getnlbowner`: the NLB's cloud ID.
struct NLBOwnerInfo: Decodable, Sendable {
    var CSPId: String
}

/// `POST` and `DELETE /spider/nlb/{Name}/vms`.
struct NLBVMNames: Decodable, Sendable {
    var VMs: [String]
}
