// The JSON of the driver store routes (registries, installs, jobs). Field names follow the
// CB-Spider style (CamelCase) of the rest of the API.

/// `POST /spider/driver/install` and `POST /spider/driver/upgrade`.
struct DriverInstallRequest: Decodable, Sendable {
    /// The driver's name in the registry ("mock"); or else
    var Name: String?
    /// the provider ("MOCK"): the newest driver for it.
    var ProviderName: String?
    /// A version or constraint ("1.2.0", "^1.2", ">=1.0,<2", "latest"); default: the newest.
    var Version: String?
    /// Install from an index no trusted key signed; the install is recorded as unsigned.
    var AllowUnsigned: Bool?
    /// Upgrade: close the connections running an older version once the new one is installed
    /// (after their calls in flight), so their next call runs the new version.
    var Reopen: Bool?
}

/// A driver version in the store or in a --drivers-dir, and the open connections running it.
struct InstalledDriverInfo: Encodable, Sendable {
    var Name: String
    var Version: String
    var ProviderName: String
    var AbiVersion: UInt32
    /// true: installed by the store (with a receipt); false: staged by hand in a --drivers-dir.
    var Managed: Bool
    var Signer: String
    var Source: String
    var InstalledAt: String?
    var ArchiveSHA256: String?
    var Folder: String
    /// New connections use the newest version of each driver.
    var Newest: Bool
    var Connections: [String]
    /// Where its code runs (the isolation spiderd would use if it loaded it now).
    var Isolation: String
    /// How the loaded driver is doing; absent until first use loads it.
    var Runtime: DriverRuntimeStatus?
}

/// One version a registry offers.
struct RegistryOfferInfo: Encodable, Sendable {
    var Name: String
    var Version: String
    var ProviderName: String
    var Platform: String
    var AbiVersion: UInt32
    var Size: Int64
    var SHA256: String
    var Registry: String
    var Signer: String
    /// This host speaks the driver's ABI version.
    var Loadable: Bool
    var Installed: Bool
}

struct RegistrySearchInfo: Encodable, Sendable {
    var driver: [RegistryOfferInfo]
    /// Registries that could not be read, and why.
    var Problems: [String]
}

struct RegistryStatusInfo: Encodable, Sendable {
    struct Source: Encodable, Sendable {
        var Location: String
        var Signer: String?
        var Versions: Int?
        var Error: String?
    }
    var registry: [Source]
    var TrustedKeysFolder: String
    var TrustedKeys: [String]
}
