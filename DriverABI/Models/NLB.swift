// Network load balancers (CB-Spider's NLB): a listener (frontend) forwards to a group of VMs of
// one VPC (backend), and a health checker decides which of those VMs get traffic.

/// The frontend: where clients connect. `IP` and `DNSName` are the cloud's.
public struct ListenerInfo: Codable, Sendable, Equatable {
    /// TCP | UDP
    public var `Protocol`: String
    public var IP: String
    /// 1-65535, as a string.
    public var Port: String
    public var DNSName: String
    public var CspID: String?
    public var KeyValueList: [KeyValue]?
    public init(Protocol: String, IP: String = "", Port: String, DNSName: String = "", CspID: String? = nil,
                KeyValueList: [KeyValue]? = nil) {
        self.Protocol = Protocol
        self.IP = IP
        self.Port = Port
        self.DNSName = DNSName
        self.CspID = CspID
        self.KeyValueList = KeyValueList
    }
}

/// The backend: the VMs traffic goes to, on `Port`.
public struct VMGroupInfo: Codable, Sendable, Equatable {
    /// TCP | UDP
    public var `Protocol`: String
    public var Port: String
    public var VMs: [IID]
    public var CspID: String?
    public var KeyValueList: [KeyValue]?
    public init(Protocol: String, Port: String, VMs: [IID], CspID: String? = nil, KeyValueList: [KeyValue]? = nil) {
        self.Protocol = Protocol
        self.Port = Port
        self.VMs = VMs
        self.CspID = CspID
        self.KeyValueList = KeyValueList
    }
}

/// How the VMs' health is checked. Interval and Timeout in seconds; Threshold in checks.
public struct HealthCheckerInfo: Codable, Sendable, Equatable {
    /// TCP | HTTP
    public var `Protocol`: String
    public var Port: String
    public var Interval: Int
    public var Timeout: Int
    public var Threshold: Int
    public var CspID: String?
    public var KeyValueList: [KeyValue]?
    public init(Protocol: String, Port: String, Interval: Int, Timeout: Int, Threshold: Int, CspID: String? = nil,
                KeyValueList: [KeyValue]? = nil) {
        self.Protocol = Protocol
        self.Port = Port
        self.Interval = Interval
        self.Timeout = Timeout
        self.Threshold = Threshold
        self.CspID = CspID
        self.KeyValueList = KeyValueList
    }
}

public struct NLBInfo: Codable, Sendable {
    public var IId: IID
    public var VpcIID: IID
    /// PUBLIC | INTERNAL
    public var `Type`: String
    /// REGION | GLOBAL
    public var Scope: String
    public var Listener: ListenerInfo
    public var VMGroup: VMGroupInfo
    public var HealthChecker: HealthCheckerInfo
    public var CreatedTime: String
    public var TagList: [KeyValue]?
    public var KeyValueList: [KeyValue]?
    public init(IId: IID, VpcIID: IID, Type: String, Scope: String, Listener: ListenerInfo, VMGroup: VMGroupInfo,
                HealthChecker: HealthCheckerInfo, CreatedTime: String, TagList: [KeyValue]? = nil, KeyValueList: [KeyValue]? = nil) {
        self.IId = IId
        self.VpcIID = VpcIID
        self.Type = Type
        self.Scope = Scope
        self.Listener = Listener
        self.VMGroup = VMGroup
        self.HealthChecker = HealthChecker
        self.CreatedTime = CreatedTime
        self.TagList = TagList
        self.KeyValueList = KeyValueList
    }
}

/// Which VMs of the group pass the health check now.
public struct HealthInfo: Codable, Sendable, Equatable {
    public var AllVMs: [IID]
    public var HealthyVMs: [IID]
    public var UnHealthyVMs: [IID]
    public init(AllVMs: [IID], HealthyVMs: [IID], UnHealthyVMs: [IID]) {
        self.AllVMs = AllVMs
        self.HealthyVMs = HealthyVMs
        self.UnHealthyVMs = UnHealthyVMs
    }
}

/// CB-Spider's NLBGetVMGroupHealthInfoResponse.
public struct NLBHealthResponse: Codable, Sendable {
    public var healthinfo: HealthInfo
    public init(_ v: HealthInfo) { healthinfo = v }
}

public struct NLBList: Codable, Sendable { public var nlb: [NLBInfo]; public init(_ v: [NLBInfo]) { nlb = v } }

// MARK: driver requests

/// A listener or VM group's protocol and port (`nlb.listener.change`, `nlb.vmgroup.change`, and
/// inside `nlb.create`).
public struct NLBPortReqInfo: Codable, Sendable {
    public var `Protocol`: String
    public var Port: String
    public init(Protocol: String, Port: String) {
        self.Protocol = Protocol
        self.Port = Port
    }
}

/// The VM group of `nlb.create`: protocol, port and the VMs (host-resolved IIDs).
public struct NLBVMGroupReqInfo: Codable, Sendable {
    public var `Protocol`: String
    public var Port: String
    public var VMs: [IID]
    public init(Protocol: String, Port: String, VMs: [IID]) {
        self.Protocol = Protocol
        self.Port = Port
        self.VMs = VMs
    }
}

/// A health checker as requested: numbers stay strings, and empty or "default" means the cloud's default.
public struct NLBHealthCheckerReqInfo: Codable, Sendable {
    public var `Protocol`: String
    public var Port: String
    public var Interval: String?
    public var Timeout: String?
    public var Threshold: String?
    public init(Protocol: String, Port: String, Interval: String? = nil, Timeout: String? = nil, Threshold: String? = nil) {
        self.Protocol = Protocol
        self.Port = Port
        self.Interval = Interval
        self.Timeout = Timeout
        self.Threshold = Threshold
    }
}

/// `nlb.create`. Empty `Type` and `Scope` mean PUBLIC and REGION.
public struct NLBReqInfo: Codable, Sendable {
    public var IId: IID
    public var VpcIID: IID
    public var `Type`: String?
    public var Scope: String?
    public var Listener: NLBPortReqInfo
    public var VMGroup: NLBVMGroupReqInfo
    public var HealthChecker: NLBHealthCheckerReqInfo
    public var TagList: [KeyValue]?
    public init(IId: IID, VpcIID: IID, Type: String? = nil, Scope: String? = nil, Listener: NLBPortReqInfo,
                VMGroup: NLBVMGroupReqInfo, HealthChecker: NLBHealthCheckerReqInfo, TagList: [KeyValue]? = nil) {
        self.IId = IId
        self.VpcIID = VpcIID
        self.Type = Type
        self.Scope = Scope
        self.Listener = Listener
        self.VMGroup = VMGroup
        self.HealthChecker = HealthChecker
        self.TagList = TagList
    }
}

/// `nlb.vms.add` and `nlb.vms.remove`.
public struct NLBVMsReqInfo: Codable, Sendable {
    public var IId: IID
    public var VMs: [IID]
    public init(IId: IID, VMs: [IID]) {
        self.IId = IId
        self.VMs = VMs
    }
}

/// `nlb.listener.change`.
public struct NLBListenerChangeReqInfo: Codable, Sendable {
    public var IId: IID
    public var Listener: NLBPortReqInfo
    public init(IId: IID, Listener: NLBPortReqInfo) {
        self.IId = IId
        self.Listener = Listener
    }
}

/// `nlb.vmgroup.change`: protocol and port only; the VMs stay.
public struct NLBVMGroupChangeReqInfo: Codable, Sendable {
    public var IId: IID
    public var VMGroup: NLBPortReqInfo
    public init(IId: IID, VMGroup: NLBPortReqInfo) {
        self.IId = IId
        self.VMGroup = VMGroup
    }
}

/// `nlb.healthchecker.change`.
public struct NLBHealthCheckerChangeReqInfo: Codable, Sendable {
    public var IId: IID
    public var HealthChecker: NLBHealthCheckerReqInfo
    public init(IId: IID, HealthChecker: NLBHealthCheckerReqInfo) {
        self.IId = IId
        self.HealthChecker = HealthChecker
    }
}
