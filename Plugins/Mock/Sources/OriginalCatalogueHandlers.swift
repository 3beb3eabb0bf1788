// regionzone.org.*, vmspec.org.*: the catalogue in the Mock "cloud's own" format — the raw
// shape CB-Spider passes on as /orgregion, /orgzone and /vmorgspec. Field names follow the
// EC2 style on purpose, so clients see something that is not CB-Spider's shape.
import SpiderDriverKit
import SpiderModels

struct OriginalRegions: Encodable, Sendable {
    struct Region: Encodable, Sendable { var RegionName, Endpoint, OptInStatus, Location: String }
    struct Body: Encodable, Sendable { var Regions: [Region] }
    var RegionInfo: Body
}

struct OriginalZones: Encodable, Sendable {
    struct Zone: Encodable, Sendable { var ZoneName, ZoneId, RegionName, State: String }
    struct Body: Encodable, Sendable { var AvailabilityZones: [Zone] }
    var ZoneInfo: Body
}

struct OriginalSpec: Encodable, Sendable {
    struct VCpu: Encodable, Sendable { var DefaultVCpus: Int; var SustainedClockSpeedInGhz: String? }
    struct Memory: Encodable, Sendable { var SizeInMiB: Int }
    struct Gpu: Encodable, Sendable { var Name, Manufacturer: String; var Count: Int; var MemoryInfo: Memory }
    var InstanceType: String
    var Location: String
    var VCpuInfo: VCpu
    var MemoryInfo: Memory
    var GpuInfo: [Gpu]?
}

struct OriginalSpecList: Encodable, Sendable {
    struct Body: Encodable, Sendable { var InstanceTypes: [OriginalSpec] }
    var VMSpecInfo: Body
}

struct OriginalSpecAnswer: Encodable, Sendable {
    var VMSpecInfo: OriginalSpec
}

extension MockConnection {
    func originalRegions() -> OriginalRegions {
        OriginalRegions(RegionInfo: .init(Regions: Catalogue.regions.map {
            .init(RegionName: $0.name, Endpoint: "compute.\($0.name).mock.invalid", OptInStatus: "opt-in-not-required",
                  Location: $0.location)
        }))
    }

    /// The connection's region's zones; every zone on a pre-connection.
    func originalZones() -> OriginalZones {
        let regions = isPreConnection ? Catalogue.regions : Catalogue.regions.filter { $0.name == region }
        return OriginalZones(ZoneInfo: .init(AvailabilityZones: regions.flatMap { r in
            r.zones.enumerated().map { index, zone in
                .init(ZoneName: zone.name, ZoneId: "\(r.name)-z\(index + 1)", RegionName: r.name,
                      State: zone.available ? "available" : "unavailable")
            }
        }))
    }

    func originalSpecs() -> OriginalSpecList {
        OriginalSpecList(VMSpecInfo: .init(InstanceTypes: Catalogue.specs(region: region).map(Self.original)))
    }

    func originalSpec(_ request: NameRequest) throws -> OriginalSpecAnswer {
        guard let spec = Catalogue.spec(request.Name, region: region) else {
            throw MockError.notFound("VM spec", request.Name, in: "region '\(region)'")
        }
        return OriginalSpecAnswer(VMSpecInfo: Self.original(spec))
    }

    private static func original(_ spec: VMSpecInfo) -> OriginalSpec {
        OriginalSpec(
            InstanceType: spec.Name, Location: spec.Region,
            VCpuInfo: .init(DefaultVCpus: Int(spec.VCpu.Count) ?? 0, SustainedClockSpeedInGhz: spec.VCpu.ClockGHz),
            MemoryInfo: .init(SizeInMiB: Int(spec.MemSizeMiB) ?? 0),
            GpuInfo: spec.Gpu.map { gpus in
                gpus.map { .init(Name: $0.Model ?? "", Manufacturer: $0.Mfr ?? "", Count: Int($0.Count) ?? 0,
                                 MemoryInfo: .init(SizeInMiB: (Int($0.MemSizeGB ?? "") ?? 0) * 1024)) }
            })
    }
}
