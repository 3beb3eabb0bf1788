// Calls one operation on a connection's driver: checks the capability, encodes the request,
// runs the call with the request's deadline, and decodes (so validates) what the driver returns.
import Foundation
import SpiderModels

struct DriverGateway {
    let app: SpiderApp
    let connection: OpenConnection
    let call: CallState
    let immediate: Bool
    /// Counts what presenting a driver answer changed, so an unchanged answer is passed on as is.
    private let changes = ChangeCounter()

    /// Opens (or reuses) the connection and refuses with 501 when its driver lacks `capability`.
    init(_ app: SpiderApp, _ request: APIRequest, needs capability: KeyPath<DriverCapabilities, Bool>?, named: String) throws {
        self.app = app
        let name = try request.connectionName()
        immediate = request.immediate
        if immediate {
            guard let open = app.connections.openConnection(name) else { throw MustOffload() }  // opening blocks
            connection = open
        } else {
            connection = try app.connections.connection(name)
        }
        call = request.call
        if let capability, !connection.capabilities[keyPath: capability] {
            let m = connection.driver.installed.manifest
            throw HostError.notImplemented("connection '\(name)' uses driver \(m.name) \(m.version) (\(m.provider)), which does not support \(named)")
        }
    }

    var connectionName: String { connection.name }

    func run<Result: Decodable>(_ operation: String, _ request: some Encodable, as: Result.Type) throws -> Result {
        try decode(Result.self, try runRaw(operation, request), operation)
    }

    /// Runs an operation and answers with its result as the user sees it. The result is always
    /// decoded (so a malformed answer is a 502); when `present` changes nothing, the driver's
    /// bytes are passed on instead of being encoded again. The same answer bytes under an unchanged
    /// name map give the response kept from last time at this call site (ValidatedAnswers), so
    /// `present` may depend only on the result and the name map.
    func answer<Result: Codable & Sendable>(_ operation: String, _ request: some Encodable, as: Result.Type,
                                          file: StaticString = #fileID, line: UInt = #line,
                                          present: (Result) -> Result = { $0 }) throws -> APIResponse {
        let body = try requestBytes(request)
        let data = try runBody(operation, body)
        let key = ValidatedAnswers.Key(connection: connectionName, site: .init(file: file, line: line), operation: operation,
                                       request: body, resultType: ObjectIdentifier(Result.self))
        let generation = app.iids.generation
        if let kept = app.validatedAnswers.response(for: key, answer: data, generation: generation) { return kept }
        let value = try decode(Result.self, data, operation)
        let before = changes.count
        let shown = present(value)
        let response: APIResponse = changes.count == before ? .raw(data) : try .json(shown)
        app.validatedAnswers.keep(response, for: key, answer: data, generation: generation)
        return response
    }

    /// Records a change made while presenting a result (see `answer`).
    func noteChange() { changes.count += 1 }

    private func decode<Result: Decodable>(_ type: Result.Type, _ data: Data, _ operation: String) throws -> Result {
        do {
            return try JSONDecoder().decode(Result.self, from: data)
        } catch let error as DecodingError {
            throw HostError.badGateway("driver \(connection.driver.label) answered \(operation) with malformed JSON: \(DecodingErrorText.describe(error))")
        }
    }

    func runRaw(_ operation: String, _ request: some Encodable) throws -> Data {
        try runBody(operation, try requestBytes(request))
    }

    private func requestBytes(_ request: some Encodable) throws -> [UInt8] {
        try (request as? IIDRequest).map(IIDRequestJSON.encode) ?? Array(JSONCoding.encoder.encode(request))
    }

    private func runBody(_ operation: String, _ body: [UInt8]) throws -> Data {
        let outcome: DriverOutcome
        if immediate {
            guard let answer = connection.tryCall(operation, body) else { throw MustOffload() }
            outcome = answer
        } else {
            outcome = connection.call(operation, body, state: call)
        }
        switch outcome {
        case .ok(let data): return data
        case .failure(let failure): throw failure.hostError(driver: connection.driver.label, operation: operation)
        }
    }

    // MARK: the IID map for this connection

    func key(_ type: ResourceType, _ name: String, owner: String = "") -> IIDStore.Key {
        IIDStore.Key(connection: connectionName, type: type, owner: owner, name: name)
    }

    /// The IID of a mapped resource, or a 404 naming it.
    func iid(_ type: ResourceType, _ name: String, owner: String = "") throws -> IID {
        guard let systemID = app.iids.systemID(key(type, name, owner: owner)) else {
            let scope = owner.isEmpty ? "" : " in VPC '\(owner)'"
            throw HostError.notFound("\(type.noun) '\(name)'\(scope) does not exist on connection '\(connectionName)'")
        }
        return IID(NameId: name, SystemId: systemID)
    }

    /// Rewrites an IID returned by the driver to the user's name, when the host maps its cloud ID.
    func userIID(_ iid: IID, _ type: ResourceType) -> IID {
        guard let key = app.iids.name(connection: connectionName, type: type, systemID: iid.SystemId),
              key.name != iid.NameId else { return iid }
        noteChange()
        return IID(NameId: key.name, SystemId: iid.SystemId)
    }

    func isMapped(_ iid: IID, _ type: ResourceType) -> Bool {
        app.iids.name(connection: connectionName, type: type, systemID: iid.SystemId) != nil
    }

    /// Creates a resource under a reserved name: the name is claimed first (a racing duplicate
    /// gets 409), the driver creates it, and the map records the cloud's ID; any failure frees the name.
    func create<T>(_ key: IIDStore.Key, _ make: () throws -> T, systemID: (T) -> String) throws -> T {
        try app.iids.reserve(key)
        let made: T
        do {
            made = try make()
        } catch {
            app.iids.cancel(key)
            throw error
        }
        do {
            try app.iids.commit(key, systemID: systemID(made))
        } catch {
            app.iids.cancel(key)
            throw HostError.internalError("\(key.type.noun) '\(key.name)' was created in the cloud as \(systemID(made)) but could not be recorded: \(error)")
        }
        return made
    }

    /// Deletes in the cloud, then forgets the mapping. With `force`, a resource the cloud no
    /// longer knows is forgotten anyway.
    /// Deletes of one name run one at a time (the second then finds the name gone: 404).
    func delete(_ type: ResourceType, _ name: String, owner: String = "", force: Bool, _ body: (IID) throws -> Void) throws {
        let key = key(type, name, owner: owner)
        try app.iids.serialized(key) {
            let target = try iid(type, name, owner: owner)
            try app.iids.intendDelete(key, systemID: target.SystemId)
            do {
                try body(target)
            } catch let e as HostError where force && e.status == 404 {
                app.logger.warning("forced delete of \(type.noun) '\(name)': the cloud no longer has \(target.SystemId)")
            } catch {
                app.iids.abandonDelete(key)
                throw error
            }
            try app.iids.remove(connection: connectionName, type: type, owner: owner, name: name)
        }
    }
}

final class ChangeCounter: @unchecked Sendable {  // used by one request on one thread
    var count = 0
}

/// Names must be usable in a URL path segment, a file name and a log line, and read the same to
/// everyone: no control characters (NUL among them) and no invisible formatting ones (zero-width
/// spaces, bidirectional overrides), which would let two names look alike or a log line lie.
func validateName(_ name: String, field: String) throws {
    guard !name.isEmpty else { throw HostError.badRequest("\(field) is required") }
    guard name.count <= 255 else { throw HostError.badRequest("\(field) is longer than 255 characters") }
    if let hidden = name.unicodeScalars.first(where: { [.control, .format].contains($0.properties.generalCategory) }) {
        let code = String(hidden.value, radix: 16, uppercase: true)
        throw HostError.badRequest("\(field) must not contain control or invisible characters (it has U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code))")
    }
    guard name != ".", name != ".." else { throw HostError.badRequest("\(field) '\(name)' is a path step, not a name") }
    guard !name.contains(where: { $0 == "/" || $0.isWhitespace || $0.isNewline }) else {
        throw HostError.badRequest("\(field) '\(name)' must not contain '/' or white space")
    }
}
