// The whole REST surface under /spider, CB-Spider-compatible in paths and field names.
enum Routes {
    static func build() -> Router {
        var r = Router()
        HealthRoutes.add(to: &r)
        DriverStoreRoutes.add(to: &r)  // before AdminRoutes: its /spider/driver/<word> routes win over {DriverName}
        AdminRoutes.add(to: &r)
        CatalogRoutes.add(to: &r)
        NetworkRoutes.add(to: &r)
        SecurityGroupRoutes.add(to: &r)
        KeyPairRoutes.add(to: &r)
        VMRoutes.add(to: &r)
        DiskRoutes.add(to: &r)
        MyImageRoutes.add(to: &r)
        NLBRoutes.add(to: &r)
        ClusterRoutes.add(to: &r)
        RegisterRoutes.add(to: &r)
        AllListRoutes.add(to: &r)
        CountRoutes.add(to: &r)
        DashboardRoutes.add(to: &r)
        DestroyRoutes.add(to: &r)
        PriceRoutes.add(to: &r)
        MonitoringRoutes.add(to: &r)
        TagRoutes.add(to: &r)
        ReconcileRoutes.add(to: &r)
        return r
    }
}
