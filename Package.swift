// swift-tools-version:6.1
import PackageDescription

// Drivers export only their entry symbol: everything else stays local to the .so so the
// host's copy of a Swift module can never interpose on the driver's copy (DriverABI/README.md).
let driverExports = Context.packageDirectory + "/DriverABI/driver-exports.map"

let package = Package(
    name: "Spider",
    products: [
        .executable(name: "spiderd", targets: ["spiderd"]),
        .library(name: "spider-driver-mock", type: .dynamic, targets: ["MockDriver"]),
        .library(name: "spider-driver-aws", type: .dynamic, targets: ["AWSDriver"]),
        .library(name: "spider-driver-openstack", type: .dynamic, targets: ["OpenStackDriver"]),
        .library(name: "SpiderDriverKit", targets: ["SpiderDriverKit"]),
        .executable(name: "spider-pack", targets: ["spider-pack"]),
        .executable(name: "spctl", targets: ["spctl"]),
        .executable(name: "spider-driver-host", targets: ["spider-driver-host"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // The contract: a C header a driver author reads on its own.
        .target(name: "SpiderDriverABI", path: "DriverABI/C"),
        // CB-Spider's JSON shapes as Codable types, shared by the host and Swift drivers.
        .target(name: "SpiderModels", path: "DriverABI/Models"),
        // Lets a Swift driver implement the ABI with protocols and Codable types.
        .target(name: "SpiderDriverKit", dependencies: ["SpiderDriverABI", "SpiderModels"], path: "DriverABI/Kit"),

        .systemLibrary(name: "CLibCrypto", path: "Host/CLibCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        // Catches a crash inside a driver call (signals on the calling thread) so the host survives it.
        .target(name: "CDriverGuard", dependencies: ["SpiderDriverABI"], path: "Host/CDriverGuard"),
        // The frames spiderd and an isolated driver's process exchange (a C header both sides read).
        .target(name: "DriverWire", path: "Host/DriverWire"),
        // Runs one driver in a process of its own (C, no Swift runtime unless the driver brings it).
        .executableTarget(name: "spider-driver-host", dependencies: ["SpiderDriverABI", "DriverWire"],
                          path: "Host/spider-driver-host", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
        .target(
            name: "SpiderHost",
            dependencies: [
                "SpiderRegistry", "SpiderClient",
                "SpiderDriverABI", "SpiderModels", "CLibCrypto", "CDriverGuard", "DriverWire",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Host/SpiderHost"),
        .executableTarget(
            name: "spiderd",
            dependencies: ["SpiderHost", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Host/spiderd"),

        // SHA-256, HMAC and OpenSSL errors for the Swift drivers (libcrypto).
        .target(name: "SpiderDriverCrypto", dependencies: ["SpiderDriverKit", "CLibCrypto"], path: "DriverABI/Crypto"),
        // HTTP with keep-alive over libcurl for the Swift drivers, cancelled with the call.
        .target(name: "SpiderDriverHTTP", dependencies: ["SpiderDriverKit", "CCurl"], path: "DriverABI/HTTP"),
        .target(
            name: "MockDriver",
            dependencies: ["SpiderDriverKit", "SpiderDriverCrypto", "CLibCrypto"],
            path: "Plugins/Mock/Sources",
            linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\(driverExports)"])]),
        // The AWS driver: SigV4 (libcrypto), HTTP (libcurl), XML (FoundationXML), EC2's Query API.
        .target(
            name: "AWSDriver",
            dependencies: ["SpiderDriverKit", "SpiderDriverCrypto", "SpiderDriverHTTP", "CLibCrypto", "CCurl"],
            path: "Plugins/AWS/Sources",
            linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\(driverExports)"])]),

        // The OpenStack driver: Keystone v3, Nova, Neutron, Glance, Cinder over their REST APIs (libcurl).
        .target(
            name: "OpenStackDriver",
            dependencies: ["SpiderDriverKit", "SpiderDriverHTTP"],
            path: "Plugins/OpenStack/Sources",
            linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\(driverExports)"])]),

        // Driver bundles and registries: format, signatures, fetch, safe unpack, install store.
        .systemLibrary(name: "CArchive", path: "Registry/CArchive", pkgConfig: "libarchive",
                       providers: [.apt(["libarchive-dev"])]),
        .target(name: "CCurl", path: "Registry/CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(
            name: "SpiderRegistry",
            dependencies: ["SpiderModels", "CLibCrypto", "CArchive", "CCurl"],
            path: "Registry/Sources"),
        // The driver author's and registry keeper's tool: keys, bundles, index, signature, verification.
        .executableTarget(
            name: "spider-pack",
            dependencies: ["SpiderRegistry", "SpiderModels", "CArchive",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/spider-pack"),

        // HTTP/1.1 over the host's Unix socket, for spctl, tools and tests.
        .target(name: "SpiderClient", path: "Tools/SpiderClient"),
        // spctl: the operators' and script writers' CLI (CB-Spider's command shapes plus friendly flags).
        .executableTarget(
            name: "spctl",
            dependencies: ["SpiderClient", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/spctl",
            exclude: ["README.md"]),

        // What the tests wait on instead of sleeping: a child's exit, a file's change, sd_notify's READY=1.
        .target(name: "TestEvents", path: "Tests/TestEvents"),
        .testTarget(
            name: "SpiderRegistryTests",
            dependencies: ["SpiderRegistry", "SpiderModels", "TestEvents"],
            path: "Tests/SpiderRegistryTests"),
        .testTarget(
            name: "AWSDriverTests",
            dependencies: ["AWSDriver", "SpiderDriverCrypto", "SpiderDriverHTTP", "TestEvents"],
            path: "Tests/AWSDriverTests",
            exclude: ["Fixtures"]),
        .testTarget(
            name: "OpenStackDriverTests",
            dependencies: ["OpenStackDriver", "SpiderDriverKit", "SpiderModels"],
            path: "Tests/OpenStackDriverTests",
            // Every driver module defines the C entry symbol spider_driver_entry, and SwiftPM links all
            // test targets into one binary (AWSDriverTests brings the AWS one): the unit tests never call it.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--allow-multiple-definition"])]),
        .testTarget(
            name: "SpiderHostTests",
            dependencies: ["SpiderClient", "SpiderModels", "SpiderHost", "TestEvents",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio")],
            path: "Tests/SpiderHostTests"),
    ]
)
