// Several clients on one connection at once: each name is created exactly once, the others get
// 409, and the host's list ends up with exactly the created names.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Concurrent clients")
struct ConcurrencyTests {
    /// Client `i` creates 10 names of its own and the 10 shared names (which collide).
    static func names(client i: Int) -> [String] {
        (0..<10).map { "shared-\($0)" } + (0..<10).map { "own-\(i)-\($0)" }
    }

    @Test("2×20 concurrent VPC creates with colliding names, then concurrent deletes")
    func concurrentCreatesAndDeletes() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "race")
        let clients = 2

        let created: [[(String, Int, String)]] = concurrently(clients) { i in
            Self.names(client: i).map { name in
                let r = try? host.call("POST", "/spider/vpc", json: Requests.vpc(c.name, name))
                return (name, r?.status ?? -1, r?.text ?? "no answer")
            }
        }
        let all = created.flatMap { $0 }
        for (name, status, text) in all where status != 200 && status != 409 {
            Issue.record("POST /spider/vpc \(name) answered \(status): \(text)")
        }
        let expectedNames = Set((0..<clients).flatMap(Self.names(client:)))
        for name in expectedNames {
            let answers = all.filter { $0.0 == name }.map(\.1)
            #expect(answers.filter { $0 == 200 }.count == 1, "\(name) was created \(answers.filter { $0 == 200 }.count) times: \(answers)")
            #expect(answers.filter { $0 == 409 }.count == answers.count - 1, "\(name): \(answers)")
        }
        for (name, status, text) in all where status == 409 {
            #expect(text.contains(name), "the 409 names the VPC: \(text)")
        }

        let listed = try host.must("GET", "/spider/vpc" + c.query).decode(VPCList.self).vpc
        #expect(listed.count == expectedNames.count)
        #expect(Set(listed.map(\.IId.NameId)) == expectedNames)
        #expect(Set(listed.map(\.IId.SystemId)).count == listed.count, "distinct SystemIds")
        #expect(listed.allSatisfy { !$0.IId.SystemId.isEmpty })

        // Each client deletes its own names and races the other on the shared ones.
        let deleted: [[(String, Int, String)]] = concurrently(clients) { i in
            Self.names(client: i).map { name in
                let r = try? host.call("DELETE", "/spider/vpc/\(name)" + c.query)
                return (name, r?.status ?? -1, r?.text ?? "no answer")
            }
        }
        let deletes = deleted.flatMap { $0 }
        for name in expectedNames {
            let answers = deletes.filter { $0.0 == name }.map(\.1)
            #expect(answers.filter { $0 == 200 }.count == 1, "\(name) deleted \(answers.filter { $0 == 200 }.count) times: \(answers)")
            #expect(answers.allSatisfy { $0 == 200 || $0 == 404 }, "\(name): \(deletes.filter { $0.0 == name })")
        }
        #expect(try host.must("GET", "/spider/vpc" + c.query).decode(VPCList.self).vpc.isEmpty)
        host.expectReady()
    }

    @Test("concurrent full stacks on separate connections do not see each other")
    func connectionsAreIsolated() throws {
        let host = try HostProcess()
        let connections = try (0..<3).map { try Fixtures.registerMock(host, tag: "iso\($0)") }
        let results: [String?] = concurrently(connections.count) { i in
            do {
                let ids = try host.createStack(connections[i])
                return ids.vm.isEmpty ? "no VM SystemId" : nil
            } catch {
                return "\(error)"
            }
        }
        for (i, problem) in results.enumerated() {
            #expect(problem == nil, "connection \(i): \(problem ?? "")")
        }
        var vmIDs = Set<String>()
        for c in connections {
            let vms = try host.must("GET", "/spider/vm" + c.query).decode(VMList.self).vm
            #expect(vms.map(\.IId.NameId) == ["vm-01"])
            vmIDs.formUnion(vms.map(\.IId.SystemId))
        }
        #expect(vmIDs.count == connections.count)
    }
}
