// OpenStack's own view of its state, through openstacksdk (Debian's python3-openstacksdk) in a
// python3 child, as the admin: what the OpenStack driver's tests check Spider's answers against,
// as the AWS tests check moto's view with boto3.
import Foundation
import Testing

enum OpenStackView {
    /// Runs `code` (Python, with `conn` an openstacksdk connection as the admin and `result` to
    /// set) and returns `result` as JSON (resources as dicts, generators as lists).
    private static let prelude = """
        import json, sys
        import openstack
        openstack.enable_logging(debug=False)
        conn = openstack.connect(auth_url=sys.argv[1], username=sys.argv[2], password=sys.argv[3], project_name=sys.argv[4],
                                 user_domain_name="Default", project_domain_name="Default", region_name=sys.argv[5])
        def plain(value):
            if hasattr(value, "to_dict"):
                return value.to_dict(computed=False)
            if isinstance(value, (list, tuple)) or type(value).__name__ == "generator":
                return [plain(v) for v in value]
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value
        def found(get, *args):
            try:
                return get(*args)
            except openstack.exceptions.NotFoundException:
                return None
        result = None

        """

    /// The admin's answer to `code`; throws with Python's output when it fails.
    static func run(_ code: String) throws -> Any? {
        let folder = try TempFolder(prefix: "openstackview")
        let script = prelude + code + "\nprint('SPIDER-RESULT ' + json.dumps({'result': plain(result)}, default=str))\n"
        let a = OpenStackCloud.admin
        let (exit, output) = try ChildProcess.run("/usr/bin/python3", ["-c", script, OpenStackCloud.authURL, a.name, a.password,
                                                                       a.project, OpenStackCloud.region], in: folder, seconds: 120)
        guard exit == .code(0), let line = output.split(separator: "\n").last(where: { $0.hasPrefix("SPIDER-RESULT ") }),
              let reply = (try? JSONSerialization.jsonObject(with: Data(line.dropFirst(14).utf8))) as? [String: Any] else {
            throw TestFailure("openstacksdk failed (\(exit)):\n\(code)\n\(output.suffix(3000))")
        }
        return reply["result"] is NSNull ? nil : reply["result"]
    }

    /// A dict answer (nil when the resource does not exist: the code sets `result = None`).
    static func object(_ code: String) throws -> [String: Any]? { try run(code) as? [String: Any] }

    static func list(_ code: String) throws -> [[String: Any]] { try run(code) as? [[String: Any]] ?? [] }

    /// A Python string literal of `text`.
    static func quoted(_ text: String) -> String {
        let data = try? JSONSerialization.data(withJSONObject: [text])
        let array = data.map { String(decoding: $0, as: UTF8.self) } ?? "[\"\"]"
        return String(array.dropFirst().dropLast())
    }
}
