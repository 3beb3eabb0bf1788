// regionzone.*, image.*, vmspec.*: read-only answers from the seeded catalogue.
import SpiderDriverKit
import SpiderModels

extension MockConnection {
    func listRegionZones() -> RegionZoneList {
        RegionZoneList(Catalogue.regions.map(Catalogue.regionZoneInfo))
    }

    func getRegionZone(_ request: NameRequest) throws -> RegionZoneInfo {
        guard let region = Catalogue.region(request.Name) else { throw MockError.notFound("region", request.Name) }
        return Catalogue.regionZoneInfo(region)
    }

    func listImages() -> ImageList {
        ImageList(Catalogue.images)
    }

    func getImage(_ request: NameRequest) throws -> ImageInfo {
        guard let image = Catalogue.image(request.Name) else { throw MockError.notFound("image", request.Name) }
        return image
    }

    func listSpecs() -> VMSpecList {
        VMSpecList(Catalogue.specs(region: region))
    }

    func getSpec(_ request: NameRequest) throws -> VMSpecInfo {
        guard let spec = Catalogue.spec(request.Name, region: region) else {
            throw MockError.notFound("VM spec", request.Name, in: "region '\(region)'")
        }
        return spec
    }
}
