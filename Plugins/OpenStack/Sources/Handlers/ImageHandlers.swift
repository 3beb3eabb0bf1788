// image.*: Glance's public images that are active (every page of `/v2/images`). An image is named
// by its Glance name (IId.NameId and Name; its ID is IId.SystemId); a get or a VM's image may
// give either. OS facts come from Glance's standard properties (os_distro, os_type, architecture).
import Foundation
import SpiderDriverKit
import SpiderModels

extension OpenStackConnection {
    func listImages(_ context: CallContext) throws -> ImageList {
        ImageList(try glanceImages("visibility=public&status=active", context).map(Self.imageInfo))
    }

    func getImage(_ request: NameRequest, _ context: CallContext) throws -> ImageInfo {
        Self.imageInfo(try findImage(request.Name, context))
    }

    /// An image by ID or by name (public, shared or the project's own); NOT_FOUND when none, and
    /// INVALID_ARGUMENT when a name fits several.
    func findImage(_ nameOrID: String, _ context: CallContext?) throws -> JSON {
        let wanted = nameOrID.trimmingCharacters(in: .whitespaces)
        guard !wanted.isEmpty else { throw DriverError.invalidArgument("Name: an image name or ID is required") }
        if Self.looksLikeUUID(wanted) {
            do {
                return try api.call(.image, "GET", "/images/\(urlEncoded(wanted))", context: context)
            } catch let error as DriverError where error.status == .notFound {}
        }
        let found = try glanceImages("name=\(urlEncoded(wanted))", context)
        guard let image = found.first else {
            throw DriverError.notFound("image '\(wanted)' does not exist (or is not visible to this project) in Glance")
        }
        if found.count > 1 {
            let ids = found.map { $0["id"].string }.joined(separator: ", ")
            throw DriverError.invalidArgument("image name '\(wanted)' fits \(found.count) images (\(ids)): give its ID")
        }
        return image
    }

    /// Every page of `/v2/images?<query>` (Glance pages by a `next` link).
    func glanceImages(_ query: String, _ context: CallContext?) throws -> [JSON] {
        var images: [JSON] = []
        var path = "/images?limit=500&" + query
        while true {
            let page = try api.call(.image, "GET", path, context: context)
            images += page["images"].array
            let next = page["next"].string
            guard !next.isEmpty, let range = next.range(of: "/images?") else { return images }
            path = String(next[range.lowerBound...])
        }
    }

    static func looksLikeUUID(_ text: String) -> Bool {
        UUID(uuidString: text) != nil || (text.count == 32 && text.allSatisfy(\.isHexDigit))
    }

    // MARK: shapes

    static func imageInfo(_ image: JSON) -> ImageInfo {
        let osType = image["os_type"].string.lowercased()
        let distro = [image["os_distro"].string, image["os_version"].string].filter { !$0.isEmpty }.joined(separator: " ")
        let sizeGB = image["min_disk"].int.map(String.init) ?? ""
        var keyValues: [KeyValue] = []
        for key in ["visibility", "disk_format", "container_format", "size", "min_ram", "owner", "created_at", "os_hash_algo"] {
            let value = image[key].string
            if !value.isEmpty { keyValues.append(KeyValue(Key: key, Value: value)) }
        }
        return ImageInfo(IId: IID(NameId: image["name"].string, SystemId: image["id"].string), Name: image["name"].string,
                         OSArchitecture: architecture(image["architecture"].string),
                         OSPlatform: osType == "windows" ? "Windows" : (osType.isEmpty && distro.isEmpty ? "NA" : "Linux/UNIX"),
                         OSDistribution: distro.isEmpty ? image["name"].string : distro,
                         OSDiskType: image["disk_format"].string.isEmpty ? "NA" : image["disk_format"].string,
                         OSDiskSizeGB: sizeGB == "0" || sizeGB.isEmpty ? "-1" : sizeGB,
                         ImageStatus: image["status"].string == "active" ? "Available" : "Unavailable",
                         KeyValueList: keyValues)
    }

    /// Glance's `architecture` property (libosinfo names) as CB-Spider's names.
    static func architecture(_ value: String) -> String {
        switch value.lowercased() {
        case "x86_64", "amd64": "x86_64"
        case "aarch64", "arm64": "arm64"
        case "": "NA"
        default: value
        }
    }
}
