import Foundation
import Testing
@testable import SpiderRegistry

@Suite struct DriverVersionTests {
    func v(_ text: String) -> DriverVersion { DriverVersion(text)! }

    @Test func numbersCompareAsNumbersAndPreReleasesSortFirst() {
        #expect(v("1.10.2") > v("1.9"))
        #expect(v("1.9") > v("1.2.10"))
        #expect(v("10.0") > v("9.99.99"))
        #expect(v("1.2") == v("1.2.0"))
        #expect(v("1.2.0.1") > v("1.2"))
        #expect(v("2.0.0-rc.1") < v("2.0.0"))
        #expect(v("2.0.0-rc.2") < v("2.0.0-rc.10"))
        #expect(v("2.0.0-alpha") < v("2.0.0-beta"))
        #expect(v("1.9.9") < v("2.0.0-rc.1"))
        let shuffled = ["2.0.0", "1.10.0", "0.9", "2.0.0-rc.1", "1.9.1", "1.10.0-beta.2", "1.2.10"]
        #expect(shuffled.map(v).sorted().map(\.description) == ["0.9", "1.2.10", "1.9.1", "1.10.0-beta.2", "1.10.0", "2.0.0-rc.1", "2.0.0"])
        #expect(v("2.0.0-rc.1").prerelease == "rc.1" && v("2.0.0").prerelease.isEmpty)
        #expect(v("1.10.2").numbers == [1, 10, 2])
    }

    @Test func textThatIsNotAVersion() {
        for text in ["", "abc", "v1.0", "1..2", "1.2.", ".1", "-rc.1", "1.x", "latest"] {
            #expect(DriverVersion(text) == nil, "\(text)")
        }
    }

    @Test(arguments: [
        // (constraint, version, accepted)
        ("1.2.3", "1.2.3", true), ("1.2.3", "1.2.4", false), ("1.2", "1.2.0", true), ("=1.2.3", "1.2.3", true),
        ("^1.2", "1.2.0", true), ("^1.2", "1.9.7", true), ("^1.2", "1.1.9", false), ("^1.2", "2.0.0", false),
        ("^0.3", "0.3.5", true), ("^0.3", "0.4.0", false),
        ("~1.2", "1.2.9", true), ("~1.2", "1.3.0", false), ("~1.2", "1.1.0", false), ("~1", "1.9.0", true), ("~1", "2.0.0", false),
        (">= 1.0, < 2", "1.5", true), (">= 1.0, < 2", "2.0", false), ("^ 1.2", "1.3", true),
        (">=1.0,<2", "1.0.0", true), (">=1.0,<2", "1.99", true), (">=1.0,<2", "2.0", false), (">=1.0,<2", "0.9", false),
        (">=1.0 <2", "1.5", true), (">1.0", "1.0", false), (">1.0", "1.0.1", true), ("<=1.4", "1.4.0", true), ("<=1.4", "1.4.1", false),
        ("*", "0.0.1", true), ("latest", "7.3", true), ("LATEST", "7.3", true), ("", "1.0", true),
        // A pre-release only when named exactly.
        ("*", "2.0.0-rc.1", false), ("^2.0.0-rc.1", "2.0.0-rc.1", false), ("<3", "2.0.0-rc.1", false),
        ("2.0.0-rc.1", "2.0.0-rc.1", true), ("=2.0.0-rc.1", "2.0.0-rc.1", true), ("2.0.0-rc.1", "2.0.0-rc.2", false),
        // An offered version that is not a version at all is never accepted.
        ("*", "nightly", false),
    ])
    func constraintForms(constraint: String, version: String, accepted: Bool) throws {
        #expect(try VersionConstraint(constraint).accepts(version) == accepted, "'\(constraint)' accepts '\(version)'")
    }

    @Test func descriptionIsTheTrimmedText() throws {
        #expect(try VersionConstraint("").description == "*")
        #expect(try VersionConstraint("  ^1.2 ").description == "^1.2")
        #expect(VersionConstraint.any.description == "*")
    }

    @Test(arguments: ["abc", "^", "~", ">=", "1.2.x", "~>1.2", "1.0 || 2.0", "v1.0", ">=1.0,,<x"])
    func invalidConstraintIsAClearError(text: String) {
        let message = "'\(text)' is not a version constraint (use 1.2.3, ^1.2, ~1.2, >=1.0,<2 or latest)"
        #expect(throws: RegistryError.invalidConstraint(message)) { try VersionConstraint(text) }
    }
}
