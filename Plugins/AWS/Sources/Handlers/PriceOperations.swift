// The price part of the operation table: product families and VM prices of any region, read from
// AWS's EC2 offer files (the Pricing API needs no region of the connection, so neither do these).
import SpiderDriverKit
import SpiderModels

extension Operations where Connection == AWSConnection {
    func priceOperations() -> Operations {
        self
            .aws("price.productfamily.list", needsRegion: false) { (c, r: PriceRegionRequest, ctx) in
                try c.offerFiles.priceList(region: r.RegionName, context: ctx).productFamilies(region: r.RegionName)
            }
            .aws("price.vm.list", needsRegion: false) { (c, r: PriceListRequest, ctx) in
                try c.offerFiles.priceList(region: r.RegionName, context: ctx).cloudPrice(region: r.RegionName, filters: r.FilterList ?? [])
            }
    }
}

extension AWSConnection {
    /// The connection's offer files: its `PriceListURL`, or AWS's public price list.
    var offerFiles: OfferFileSource { OfferFileSource(http: http, base: settings.priceListURL) }
}
