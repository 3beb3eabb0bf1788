// What a connection keeps between calls: look-ups kept for their lifetime, forgotten on demand,
// bounded in number; and the Neutron answer that stands in for a read of the subnet before a VM's port.
import Testing
@testable import OpenStackDriver
import SpiderDriverKit

@Suite("OpenStack connection's remembered look-ups")
struct RememberedLookupsTests {
    final class Counter: @unchecked Sendable { var asked = 0 }

    @Test("a look-up is made once within its lifetime, again after forget, and every time with no lifetime")
    func keptAndForgotten() throws {
        let kept = RememberedLookups<String>(lifetime: .seconds(600))
        let counter = Counter()
        let make = { () throws -> String in counter.asked += 1; return "id-\(counter.asked)" }
        #expect(try kept.value(for: "m1.tiny", make) == "id-1")
        #expect(try kept.value(for: "m1.tiny", make) == "id-1")
        #expect(counter.asked == 1)
        kept.forget("m1.tiny")
        #expect(try kept.value(for: "m1.tiny", make) == "id-2")
        kept.remember("given", for: "m1.small")
        #expect(try kept.value(for: "m1.small", make) == "given")
        #expect(counter.asked == 2)

        let expired = RememberedLookups<String>(lifetime: .zero)
        _ = try expired.value(for: "k", make)
        _ = try expired.value(for: "k", make)
        #expect(counter.asked == 4)
    }

    @Test("a failed look-up is not kept; the oldest entry goes when the limit is reached")
    func failuresAndLimit() throws {
        let kept = RememberedLookups<Int>(lifetime: .seconds(600), limit: 2)
        #expect(throws: DriverError.self) { try kept.value(for: "x") { throw DriverError.notFound("no x") } }
        #expect(try kept.value(for: "x") { 1 } == 1)
        kept.remember(2, for: "y")
        kept.remember(3, for: "z")   // x goes
        #expect(try kept.value(for: "y") { 0 } == 2)
        #expect(try kept.value(for: "z") { 0 } == 3)
        #expect(try kept.value(for: "x") { 9 } == 9)
    }

    @Test("Neutron's refusal of a subnet of another network is recognised; other 400s are not")
    func subnetOfAnotherNetwork() {
        let reply = OpenStackErrorReply(httpStatus: 400, body: Array(#"{"NeutronError": {"type": "InvalidInput", "message": "Invalid input for operation: Failed to create port on network n1, because fixed_ips included invalid subnet s2.", "detail": ""}}"#.utf8))
        let error = OpenStackErrorMapping.driverError(reply, httpStatus: 400, service: "neutron", action: "POST /ports", retryAfterSeconds: nil)
        #expect(OpenStackConnection.isSubnetOfAnotherNetwork(error))
        #expect(!OpenStackConnection.isSubnetOfAnotherNetwork(DriverError.invalidArgument("Invalid input: cidr")))
        #expect(!OpenStackConnection.isSubnetOfAnotherNetwork(DriverError(.notFound, "x", cloudError: "fixed_ips included invalid subnet")))
    }
}
