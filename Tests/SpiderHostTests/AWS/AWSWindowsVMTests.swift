// Windows VMs on the AWS driver through a real spiderd against moto: a Windows AMI from moto's
// catalogue starts with user data that sets Administrator's password to VMUserPasswd (moto keeps
// the user data, so its own view shows the script), the VM answers VMUserId Administrator with RDP's
// port and never the password; a missing or weak password, or another user, is refused naming the
// field before anything is launched. A Linux image ignores VMUserPasswd (cb-user keeps key-only login).
import Foundation
import Testing

@Suite("AWS driver against moto: Windows VMs", .serialized)
struct AWSWindowsVMTests {
    static let region = AWSNetworkTests.region
    /// ' " $ ` and spaces; "Zq7Kx" marks it so any copy of it in an answer or the log is found.
    static let password = "Zq7Kx 'w\"$x`y 9"

    @Test("a Windows AMI: moto's user data is the script setting the password; VMInfo says Administrator on 3389 and never the password")
    func startWindowsVM() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        try Self.network(host, c.name)
        let image = try Self.windowsImage(moto)

        let started = try host.must("POST", "/spider/vm", json: Self.vm(c.name, "win-01", image: image,
                                                                         user: "Administrator", password: Self.password))
        let vm = started.json
        let id = try #require((vm["IId"] as? [String: Any])?["SystemId"] as? String)

        // moto: a windows instance with the key pair, booting with the script that sets the password
        // (the password single-quoted for PowerShell, its quote doubled; nothing else escaped).
        let instance = try AWSComputeTests.instance(moto, id)
        #expect(instance["Platform"] as? String == "windows", "\(instance)")
        #expect(instance["KeyName"] as? String == "key-01")
        let attribute = try moto.ec2(Self.region, "describe_instance_attribute", ["InstanceId": id, "Attribute": "userData"])
        let encoded = try #require((attribute["UserData"] as? [String: Any])?["Value"] as? String, "\(attribute)")
        let script = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
        #expect(script == "<powershell>\n([ADSI]'WinNT://./Administrator,user').SetPassword('Zq7Kx ''w\"$x`y 9')\n</powershell>\n")

        // Spider's answers: Administrator over RDP, no password in start, get or list, nor in the log.
        let got = try host.must("GET", "/spider/vm/win-01\(c.query)")
        let listed = try host.must("GET", "/spider/vm\(c.query)")
        for answer in [started, got] {
            #expect(answer.json["VMUserId"] as? String == "Administrator" && answer.json["Platform"] as? String == "WINDOWS", "\(answer.text)")
            #expect((answer.json["AccessPoint"] as? String)?.hasSuffix(":3389") == true, "\(answer.text)")
            #expect((answer.json["VMUserPasswd"] as? String ?? "").isEmpty, "\(answer.text)")
        }
        #expect(listed.list("vm").map { $0["VMUserId"] as? String } == ["Administrator"])
        for text in [started.text, got.text, listed.text, host.logTail(1 << 20)] {
            #expect(!text.contains("Zq7Kx"), "the password appears: \(text)")
        }
    }

    @Test("no password, a weak one, or another user: 400 naming the field, the password never echoed, nothing launched")
    func refusedBeforeLaunch() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        try Self.network(host, c.name)
        let image = try Self.windowsImage(moto)

        try moto.startRecording()
        try host.expect("POST", "/spider/vm", json: Self.vm(c.name, "win-01", image: image, password: nil), status: 400,
                        mentioning: ["VMUserPasswd", "password", "Administrator"])
        let weak = [("zq7kxweak", "three"), ("Zq7K!", "8 to 123"), ("Zq7Kx-Administrator", "user name")]
        for (password, rule) in weak {
            let r = try host.expect("POST", "/spider/vm", json: Self.vm(c.name, "win-01", image: image, password: password),
                                    status: 400, mentioning: ["VMUserPasswd", rule])
            #expect(!r.text.lowercased().contains("zq7k"), "the password is echoed: \(r.text)")
        }
        try host.expect("POST", "/spider/vm", json: Self.vm(c.name, "win-01", image: image, user: "alice", password: Self.password),
                        status: 400, mentioning: ["VMUserId", "Administrator"])

        #expect(!(try moto.recordedActions()).contains("RunInstances"))
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_instances"), "Reservations").isEmpty)
        #expect(try host.must("GET", "/spider/vm\(c.query)").list("vm").isEmpty)
        #expect(!host.logTail(1 << 20).contains("Zq7Kx"))
    }

    @Test("a Linux image ignores VMUserPasswd: the user data is cb-user's cloud-config without it")
    func linuxIgnoresThePassword() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        try Self.network(host, c.name)
        let image = try #require(try AWSComputeTests.image(moto)["ImageId"] as? String)
        let vm = try host.must("POST", "/spider/vm", json: Self.vm(c.name, "vm-01", image: image, password: Self.password)).json
        let id = try #require((vm["IId"] as? [String: Any])?["SystemId"] as? String)
        #expect(vm["VMUserId"] as? String == "cb-user")
        let attribute = try moto.ec2(Self.region, "describe_instance_attribute", ["InstanceId": id, "Attribute": "userData"])
        let encoded = try #require((attribute["UserData"] as? [String: Any])?["Value"] as? String, "\(attribute)")
        let script = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
        #expect(script.hasPrefix("#cloud-config\n") && script.contains("name: cb-user") && !script.contains("Zq7Kx"), "\(script)")
    }

    // MARK: helpers

    /// vpc-01 with subnet-01, sg-01 open for RDP, and key-01.
    static func network(_ host: HostProcess, _ connection: String) throws {
        try host.must("POST", "/spider/vpc", json: Requests.vpc(connection, "vpc-01", subnets: [("subnet-01", "10.0.1.0/24")]))
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(connection, "sg-01", vpc: "vpc-01",
                                                                                    rules: [Requests.rule("3389")]))
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(connection, "key-01"))
    }

    /// A Windows Server AMI of moto's catalogue, of the family the driver lists (Full-Base).
    static func windowsImage(_ moto: MotoServer) throws -> String {
        let found = MotoView.items(try moto.ec2(region, "describe_images", filters: ["name": ["Windows_Server-20*-English-Full-Base-*"],
                                                                                  "platform": ["windows"]]), "Images")
        return try #require(found.first?["ImageId"] as? String, "moto has no Windows Server Full-Base image")
    }

    static func vm(_ connection: String, _ name: String, image: String, user: String? = nil, password: String?) -> [String: Any] {
        var body = Requests.vm(connection, name, vpc: "vpc-01", subnet: "subnet-01", securityGroups: ["sg-01"], keyPair: "key-01",
                               image: image, spec: "t3.micro")
        var info = body["ReqInfo"] as? [String: Any] ?? [:]
        if let user { info["VMUserId"] = user }
        if let password { info["VMUserPasswd"] = password }
        body["ReqInfo"] = info
        return body
    }
}
