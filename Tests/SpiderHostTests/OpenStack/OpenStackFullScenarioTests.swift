// CB-Spider's full scenario (the one the AWS and Mock tests run, AWSFullScenarioTests.fullScenario)
// on the real OpenStack: only the connection, the image and the spec differ.
import Foundation
import Testing

extension RealOpenStackTests {
    @Test("VPC → SG → key pair → VM → controls → disk → MyImage → NLB → tags → teardown, checked in OpenStack's own view")
    func fullScenario() throws {
        let (host, c, registry) = try OpenStackCloud.host(tag: "os-full")
        defer { withExtendedLifetime(registry) {} }
        try AWSFullScenarioTests.fullScenario(host, c.name, image: OpenStackCloud.image, spec: OpenStackCloud.flavor,
                                              witness: OpenStackScenarioWitness())
        // The user's password never appears in an answer or the log.
        #expect(!host.responses.contains { $0.contains(OpenStackCloud.user.password) })
        #expect(!host.log.contains(OpenStackCloud.user.password))
    }
}
