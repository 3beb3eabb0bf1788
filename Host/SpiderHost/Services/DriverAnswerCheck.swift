// Checks a driver's answer against the shape it must have, without keeping the decoded value:
// for answers that are passed on as the driver's bytes (raw "org" data, cached catalogues).
import Foundation
import SpiderModels

enum DriverAnswerCheck {
    /// Decodes `data` as `T`; a mismatch is a 502 naming the driver and the operation.
    @discardableResult
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, driver: String, operation: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw HostError.badGateway("driver \(driver) answered \(operation) with malformed JSON: \(DecodingErrorText.describe(error))")
        }
    }
}

extension DriverGateway {
    /// Runs an operation whose answer is passed on as the driver sent it, once it decodes as `T`.
    func passThrough<T: Decodable>(_ operation: String, _ request: some Encodable, checkedAs type: T.Type) throws -> APIResponse {
        let data = try runRaw(operation, request)
        try DriverAnswerCheck.decode(T.self, data, driver: connection.driver.label, operation: operation)
        return .raw(data)
    }
}
