// The hand-written IIDRequest encoding must decode to exactly what it was given, for any name.
import Foundation
@testable import SpiderHost
import SpiderModels
import Testing

@Suite("IIDRequest JSON")
struct IIDRequestJSONTests {
    @Test("round-trips names with quotes, backslashes, control characters and non-ASCII", arguments: [
        ("vpc-01", "vpc-0a1b2c"),
        ("", ""),
        ("quote\"back\\slash/", "tab\tnew\nline\u{01}\u{1F}"),
        ("日本語-😀", "ümlaut"),
    ])
    func roundTrip(name: String, systemID: String) throws {
        let bytes = IIDRequestJSON.encode(IIDRequest(IId: IID(NameId: name, SystemId: systemID)))
        let decoded = try JSONDecoder().decode(IIDRequest.self, from: Data(bytes))
        #expect(decoded.IId == IID(NameId: name, SystemId: systemID))
        let generic = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        #expect((generic?["IId"] as? [String: Any])?.count == 2)
    }
}
