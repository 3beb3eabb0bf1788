// The Mock cloud's fixed offer: regions and zones, public images, VM specs.
// The same catalogue serves every tenant; specs are offered in every region.
import SpiderModels

enum Catalogue {
    // MARK: regions and zones

    struct Region: Sendable {
        let name: String
        let displayName: String
        let location: String
        let zones: [(name: String, available: Bool)]
    }

    static let regions: [Region] = [
        Region(name: "default", displayName: "Mock Default", location: "Mockville",
               zones: [("default-a", true), ("default-b", true)]),
        Region(name: "mock-region-1", displayName: "Mock Region 1", location: "North Mockland",
               zones: [("mock-region-1-a", true), ("mock-region-1-b", true), ("mock-region-1-c", true)]),
        Region(name: "mock-region-2", displayName: "Mock Region 2", location: "South Mockland",
               zones: [("mock-region-2-a", true), ("mock-region-2-b", true), ("mock-region-2-c", false)]),
        Region(name: "mock-region-3", displayName: "Mock Region 3", location: "East Mockland",
               zones: [("mock-region-3-a", true), ("mock-region-3-b", true), ("mock-region-3-c", true)]),
    ]

    private static let regionsByName: [String: Region] =
        Dictionary(uniqueKeysWithValues: regions.map { ($0.name, $0) })

    static func region(_ name: String) -> Region? { regionsByName[name] }

    static func regionZoneInfo(_ region: Region) -> RegionZoneInfo {
        RegionZoneInfo(
            Name: region.name, DisplayName: region.displayName, CSPDisplayName: region.name,
            ZoneList: region.zones.map {
                ZoneInfo(Name: $0.name, DisplayName: $0.name, CSPDisplayName: $0.name,
                         Status: $0.available ? "Available" : "Unavailable")
            },
            KeyValueList: [KeyValue(Key: "Location", Value: region.location)])
    }

    // MARK: public images

    static let images: [ImageInfo] = [
        image("mock-vmimage-01", "Ubuntu 22.04 LTS", "x86_64", "Linux/UNIX", 10),
        image("mock-vmimage-02", "Ubuntu 24.04 LTS", "arm64", "Linux/UNIX", 10),
        image("mock-vmimage-03", "Debian 12 (bookworm)", "x86_64", "Linux/UNIX", 8),
        image("mock-vmimage-04", "Rocky Linux 9.4", "x86_64", "Linux/UNIX", 20),
        image("mock-vmimage-05", "Amazon Linux 2023", "arm64", "Linux/UNIX", 8),
        image("mock-vmimage-06", "Windows Server 2022 Datacenter", "x86_64", "Windows", 30),
        image("mock-vmimage-07", "CentOS 7.9", "x86_64", "Linux/UNIX", 8, status: "Deprecated"),
    ]

    private static let imagesByName: [String: ImageInfo] =
        Dictionary(uniqueKeysWithValues: images.map { ($0.Name, $0) })

    static func image(_ name: String) -> ImageInfo? { imagesByName[name] }

    private static func image(_ name: String, _ distribution: String, _ architecture: String, _ platform: String,
                              _ diskGB: Int, status: String = "Available") -> ImageInfo {
        ImageInfo(IId: IID(NameId: name, SystemId: name), Name: name, OSArchitecture: architecture,
                  OSPlatform: platform, OSDistribution: distribution, OSDiskType: "SSD",
                  OSDiskSizeGB: String(diskGB), ImageStatus: status)
    }

    /// The VM platform ("LINUX" or "WINDOWS") of an image.
    static func platform(of image: ImageInfo) -> String {
        image.OSPlatform == "Windows" ? "WINDOWS" : "LINUX"
    }

    // MARK: VM specs

    private struct Spec {
        let name: String, vcpus: Int, clockGHz: String, memMiB: Int, diskGB: Int, family: String
        var gpu: GpuInfo? = nil
    }

    private static let specs: [Spec] = [
        Spec(name: "mock-vmspec-01", vcpus: 1, clockGHz: "2.5", memMiB: 1024, diskGB: 10, family: "burstable"),
        Spec(name: "mock-vmspec-02", vcpus: 2, clockGHz: "2.5", memMiB: 4096, diskGB: 20, family: "general-purpose"),
        Spec(name: "mock-vmspec-03", vcpus: 4, clockGHz: "3.0", memMiB: 8192, diskGB: 40, family: "compute-optimized"),
        Spec(name: "mock-vmspec-04", vcpus: 4, clockGHz: "2.5", memMiB: 32768, diskGB: 80, family: "memory-optimized"),
        Spec(name: "mock-vmspec-05", vcpus: 16, clockGHz: "3.0", memMiB: 65536, diskGB: 160, family: "general-purpose"),
        Spec(name: "mock-vmspec-06", vcpus: 8, clockGHz: "2.8", memMiB: 61440, diskGB: 200, family: "gpu-accelerated",
             gpu: GpuInfo(Count: "1", Mfr: "NVIDIA", Model: "Tesla T4", MemSizeGB: "16", TotalMemSizeGB: "16")),
        Spec(name: "mock-vmspec-07", vcpus: 32, clockGHz: "2.8", memMiB: 249856, diskGB: 800, family: "gpu-accelerated",
             gpu: GpuInfo(Count: "4", Mfr: "NVIDIA", Model: "A100", MemSizeGB: "40", TotalMemSizeGB: "160")),
    ]

    private static let specIndex: [String: Int] =
        Dictionary(uniqueKeysWithValues: specs.enumerated().map { ($1.name, $0) })

    static func spec(_ name: String, region: String) -> VMSpecInfo? {
        specIndex[name].map { specInfo(specs[$0], region: region) }
    }

    static func specs(region: String) -> [VMSpecInfo] {
        specs.map { specInfo($0, region: region) }
    }

    private static func specInfo(_ spec: Spec, region: String) -> VMSpecInfo {
        VMSpecInfo(Region: region, Name: spec.name, VCpu: VCpuInfo(Count: String(spec.vcpus), ClockGHz: spec.clockGHz),
                   MemSizeMiB: String(spec.memMiB), DiskSizeGB: String(spec.diskGB),
                   Gpu: spec.gpu.map { [$0] }, KeyValueList: [KeyValue(Key: "Family", Value: spec.family)])
    }
}
