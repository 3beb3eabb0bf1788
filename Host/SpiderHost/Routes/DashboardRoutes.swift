// `GET /spider/dashboard[?live=true]`: every connection's resource counts in one answer
// (see DashboardService). Always 200: a connection that fails is an entry with an Error.
enum DashboardRoutes {
    static func add(to r: inout Router) {
        r.add(.GET, "/spider/dashboard", execution: .worker) { app, req in
            try .json(DashboardService.build(app, live: req.flag("live"), call: req.call))
        }
    }
}
