// The hand-written IIDRequest JSON (SpiderModels): what the writer makes decodes to exactly what it
// was given, for any name; the reader agrees with JSONDecoder on the plain shape and declines
// everything else, so JSONDecoder keeps the last word on anything unusual.
import Foundation
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
        // The fast reader takes what has no escapes and leaves the rest to JSONDecoder.
        let plain = !(name + systemID).contains { "\"\\".contains($0) || $0.asciiValue.map { $0 < 0x20 } == true }
        let fast = IIDRequestJSON.decode(Data(bytes))
        #expect(plain ? fast?.IId == decoded.IId : fast == nil, "\(name) / \(systemID)")
    }

    @Test("the fast reader declines every other shape", arguments: [
        #"{"IId":{"SystemId":"s","NameId":"n"}}"#,        // key order
        #"{ "IId":{"NameId":"n","SystemId":"s"}}"#,       // spacing
        #"{"IId":{"NameId":"n","SystemId":"s"}}  "#,      // trailing bytes
        #"{"IId":{"NameId":"n","SystemId":"s"},"X":1}"#,  // more keys
        #"{"IId":{"NameId":"n","SystemId":"s"}"#,         // cut short
        #"{"IId":{"NameId":"n\u0041","SystemId":"s"}}"#,  // an escape
        #"{"IId":{"NameId":"n"#,
        "",
    ])
    func declines(json: String) {
        #expect(IIDRequestJSON.decode(Data(json.utf8)) == nil)
    }

    @Test("the fast reader declines invalid UTF-8 (JSONDecoder then refuses it)")
    func invalidUTF8() {
        var bytes = Array(#"{"IId":{"NameId":"n"#.utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(#"","SystemId":"s"}}"#.utf8)
        #expect(IIDRequestJSON.decode(Data(bytes)) == nil)
        #expect((try? JSONDecoder().decode(IIDRequest.self, from: Data(bytes))) == nil)
    }
}
