// The methods routes register in loops, as a small Sendable enum.
import NIOHTTP1

enum HTTPMethodName: Sendable {
    case GET, POST, PUT, DELETE
    var nio: HTTPMethod {
        switch self {
        case .GET: .GET
        case .POST: .POST
        case .PUT: .PUT
        case .DELETE: .DELETE
        }
    }
}
