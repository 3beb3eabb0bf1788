// Price information: CB-Spider's CloudPrice (`/priceinfo/vm/{RegionName}`) and product families.

/// `{"RegionName": s}`: the region whose product families or prices are asked for.
public struct PriceRegionRequest: Codable, Sendable {
    public var RegionName: String
    public init(RegionName: String) { self.RegionName = RegionName }
}

/// `price.vm.list`: the region, and the user's filters as a hint (the host applies them again).
public struct PriceListRequest: Codable, Sendable {
    public var RegionName: String
    public var FilterList: [KeyValue]?
    public init(RegionName: String, FilterList: [KeyValue]? = nil) {
        self.RegionName = RegionName
        self.FilterList = FilterList
    }
}

public struct ProductFamilyList: Codable, Sendable {
    public var productfamily: [String]
    public init(_ families: [String]) { productfamily = families }
}

public struct PriceMeta: Codable, Sendable {
    public var Version: String
    public var Description: String?
    public init(Version: String, Description: String? = nil) {
        self.Version = Version
        self.Description = Description
    }
}

public struct CloudPrice: Codable, Sendable {
    public var Meta: PriceMeta
    public var CloudName: String
    public var RegionName: String
    public var PriceList: [Price]
    public init(Meta: PriceMeta, CloudName: String, RegionName: String, PriceList: [Price]) {
        self.Meta = Meta
        self.CloudName = CloudName
        self.RegionName = RegionName
        self.PriceList = PriceList
    }
}

public struct Price: Codable, Sendable {
    public var ZoneName: String?
    public var ProductInfo: ProductInfo
    public var PriceInfo: PriceInfo
    public init(ZoneName: String? = nil, ProductInfo: ProductInfo, PriceInfo: PriceInfo) {
        self.ZoneName = ZoneName
        self.ProductInfo = ProductInfo
        self.PriceInfo = PriceInfo
    }
}

public struct ProductInfo: Codable, Sendable {
    public var ProductId: String
    /// Set in simple mode, in place of `VMSpecInfo`.
    public var VMSpecName: String?
    public var VMSpecInfo: VMSpecInfo?
    /// The operating system the price is for ("Linux", "Windows"); an optional addition to CB-Spider's shape.
    public var OSDistribution: String?
    public var Description: String?
    public var CSPProductInfo: JSONValue?
    public init(ProductId: String, VMSpecName: String? = nil, VMSpecInfo: VMSpecInfo? = nil, OSDistribution: String? = nil,
                Description: String? = nil, CSPProductInfo: JSONValue? = nil) {
        self.ProductId = ProductId
        self.VMSpecName = VMSpecName
        self.VMSpecInfo = VMSpecInfo
        self.OSDistribution = OSDistribution
        self.Description = Description
        self.CSPProductInfo = CSPProductInfo
    }
}

public struct PriceInfo: Codable, Sendable {
    /// "OnDemand" when absent; e.g. "Reserved1Yr" (an optional addition to CB-Spider's shape).
    public var PricingPolicy: String?
    public var OnDemand: OnDemand
    public var CSPPriceInfo: JSONValue?
    public init(PricingPolicy: String? = nil, OnDemand: OnDemand, CSPPriceInfo: JSONValue? = nil) {
        self.PricingPolicy = PricingPolicy
        self.OnDemand = OnDemand
        self.CSPPriceInfo = CSPPriceInfo
    }
}

public struct OnDemand: Codable, Sendable {
    public var PricingId: String
    public var Unit: String
    public var Currency: String
    /// A decimal number as a string ("0.0416").
    public var Price: String
    public var Description: String?
    public init(PricingId: String, Unit: String, Currency: String, Price: String, Description: String? = nil) {
        self.PricingId = PricingId
        self.Unit = Unit
        self.Currency = Currency
        self.Price = Price
        self.Description = Description
    }
}
