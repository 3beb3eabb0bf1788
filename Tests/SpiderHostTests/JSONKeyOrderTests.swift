// Answers are the same bytes in every process: every object's keys come sorted (by code point, as
// JSONEncoder's .sortedKeys sorts), in the host's own answers and in drivers' answers it passes
// through (Foundation's keyed containers otherwise follow a per-process hash order). Checked by
// python3's json module, which keeps the order of the keys it reads.
import Foundation
import Testing

@Suite("JSON answers have sorted keys")
struct JSONKeyOrderTests {
    static let checker = """
        import json, sys
        bad = []
        def hook(pairs):
            keys = [k for k, _ in pairs]
            if keys != sorted(keys):
                bad.append(keys)
            return dict(pairs)
        json.load(open(sys.argv[1]), object_pairs_hook=hook)
        print(bad[0] if bad else "sorted")
        """

    @Test("host answers and Mock answers passed through: keys sorted at every level")
    func sortedKeys() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "order")
        _ = try host.createStack(c)
        let q = "?ConnectionName=\(c.name)"
        let file = host.folder.file("answer.json")
        for path in ["/spider/driver", "/spider/connectionconfig/\(c.name)", "/spider/vpc" + q, "/spider/vpc/vpc-01" + q,
                     "/spider/securitygroup/sg-01" + q, "/spider/vm" + q, "/spider/vm/vm-01" + q, "/spider/vmspec" + q,
                     "/spider/regionzone" + q, "/spider/nonexistent-route"] {
            let answer = try host.call("GET", path)
            try answer.body.write(to: URL(fileURLWithPath: file))
            let (exit, output) = try ChildProcess.run("/usr/bin/env", ["python3", "-c", Self.checker, file], in: host.folder)
            #expect(exit == .code(0) && output.trimmingCharacters(in: .whitespacesAndNewlines) == "sorted",
                    "\(path): \(output) in \(answer.text.prefix(200))")
        }
    }
}
