import Foundation
import Testing
@testable import SpiderRegistry

@Suite struct RegistryIndexTests {
    let entry = IndexEntry(name: "mock", version: "1.0.0", platform: "linux-x86_64",
                           archive: "mock/1.0.0/mock-1.0.0-linux-x86_64.tar.gz", size: 1234,
                           sha256: String(repeating: "ab", count: 32), abi_version: 1, provider: "MOCK")

    @Test func roundTripsAndFindsEntries() throws {
        var index = RegistryIndex()
        index.add(entry)
        var other = entry
        other.version = "1.1.0"
        index.add(other)
        let decoded = try RegistryIndex.decode(try index.encoded())
        #expect(decoded == index)
        #expect(decoded.entries.map(\.version) == ["1.0.0", "1.1.0"])
        #expect(decoded.entry(name: "mock", version: "1.1.0", platform: "linux-x86_64") == other)
        // Same index, same bytes: what the signature covers is reproducible.
        #expect(try index.encoded() == decoded.encoded())
    }

    @Test func refusesUnknownPlatformAndBadFields() throws {
        func refused(_ change: (inout IndexEntry) -> Void) -> String? {
            var e = entry
            change(&e)
            var index = RegistryIndex()
            index.add(e)
            return errorText { _ = try RegistryIndex.decode(try index.encoded()) }
        }
        #expect(refused { $0.platform = "windows-x86" }?.contains("unknown platform 'windows-x86' for mock 1.0.0") == true)
        #expect(refused { $0.sha256 = "xyz" }?.contains("not 64 lower-case hex digits") == true)
        #expect(refused { $0.archive = "../elsewhere.tar.gz" }?.contains("must be relative, without '..'") == true)
        #expect(refused { $0.archive = "/abs.tar.gz" }?.contains("must be relative") == true)
        #expect(refused { $0.name = "../x" }?.contains("invalid driver name") == true)
        #expect(refused { $0.size = 0 }?.contains("size of mock 1.0.0 linux-x86_64 must be positive") == true)
    }

    @Test func missingFieldIsNamedWithItsPath() throws {
        let json = """
        {"format":1,"drivers":{"mock":{"versions":{"1.0.0":{"platforms":{"linux-x86_64":
          {"archive":"a.tar.gz","size":1,"abi_version":1,"provider":"MOCK"}}}}}}}
        """
        let message = errorText { _ = try RegistryIndex.decode(Data(json.utf8)) }
        #expect(message == "index.json: missing field 'sha256' at drivers.mock.versions.1.0.0.platforms.linux-x86_64")
        #expect(errorText { _ = try RegistryIndex.decode(Data("{\"format\":2,\"drivers\":{}}".utf8)) }?.contains("unsupported format 2") == true)
        #expect(errorText { _ = try RegistryIndex.decode(Data("nope".utf8)) }?.contains("not valid JSON") == true)
    }
}
