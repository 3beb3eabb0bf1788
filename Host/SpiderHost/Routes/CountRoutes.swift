// `GET /count<kind>` (every connection) and `GET /count<kind>/{ConnectionName}`: how many the
// host maps, from its map alone (no cloud call), as `{"count": n}`.
enum CountRoutes {
    struct CountResponse: Codable, Sendable {
        var count: Int
    }

    static func add(to r: inout Router) {
        for kind in MappedKinds.all {
            r.add(.GET, "/spider/count" + kind.pathName, execution: .ioThread) { app, _ in
                try .json(CountResponse(count: app.iids.count(type: kind.type)))
            }
            r.add(.GET, "/spider/count\(kind.pathName)/{ConnectionName}", execution: .ioThread) { app, req in
                let name = req.parameter("ConnectionName")
                guard app.store.connection(name) != nil else { throw HostError.notFound("connection config '\(name)' does not exist") }
                return try .json(CountResponse(count: app.iids.count(type: kind.type, connection: name)))
            }
        }
    }
}
