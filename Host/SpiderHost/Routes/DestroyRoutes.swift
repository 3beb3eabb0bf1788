// `DELETE /spider/destroy` with a ConnectionName: everything the host maps on that connection,
// deleted in dependency order (see DestroyService). 200 with what went and what remains.
enum DestroyRoutes {
    static func add(to r: inout Router) {
        r.add(.DELETE, "/spider/destroy") { app, req in
            let gw = try DriverGateway(app, req, needs: nil, named: "destroy")
            return try .json(DestroyService.destroy(gw))
        }
    }
}
