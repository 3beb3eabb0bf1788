// Importing an existing public key through the AWS driver against moto: ReqInfo.PublicKey reaches
// ImportKeyPair, moto keeps our key under the Spider name, no private key is answered, a VM
// launched with it carries the key in cb-user's user data, and delete removes it from moto. A key
// the host refuses sends nothing to AWS.
import Foundation
import Testing

@Suite("AWS driver against moto: key pair import", .serialized)
struct AWSKeyPairImportTests {
    static let region = AWSNetworkTests.region

    static func importRequest(_ c: RegisteredConnection, _ name: String, _ publicKey: String) -> [String: Any] {
        ["ConnectionName": c.name, "ReqInfo": ["Name": name, "PublicKey": publicKey]]
    }

    /// moto's record of a key pair by name, with its public key (nil when moto has none by that name).
    static func motoKey(_ moto: MotoServer, _ name: String) throws -> [String: Any]? {
        MotoView.items(try moto.ec2(region, "describe_key_pairs", ["IncludePublicKey": true]), "KeyPairs")
            .first { $0["KeyName"] as? String == name }
    }

    @Test("an RSA key from ssh-keygen: imported into moto under its name, no private key, used by a VM's cb-user, deleted")
    func importRSA() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        let key = try SSHKeyGen.make("rsa", bits: 2048, name: "id_rsa", in: host.folder)
        let ours = SSHKeyGen.keyPart(key.line)

        try moto.startRecording()
        let created = try host.must("POST", "/spider/keypair", json: Self.importRequest(c, "imported-01", key.line)).json
        #expect(try moto.recordedActions() == ["ImportKeyPair"], "imported, not made")
        #expect(created["PrivateKey"] == nil, "an imported key has no private key: \(created)")
        #expect(SSHKeyGen.keyPart(created["PublicKey"] as? String ?? "") == ours, "\(created)")
        #expect(created["VMUserID"] as? String == "cb-user")

        // moto's view: the key under that name, with our public key and the fingerprint we answered.
        let awsKey = try #require(try Self.motoKey(moto, "imported-01"), "moto has no key pair imported-01")
        #expect(SSHKeyGen.keyPart(awsKey["PublicKey"] as? String ?? "") == ours, "\(awsKey)")
        #expect(awsKey["KeyPairId"] as? String == (created["IId"] as? [String: Any])?["SystemId"] as? String)
        #expect(awsKey["KeyFingerprint"] as? String == created["Fingerprint"] as? String && created["Fingerprint"] != nil)
        #expect(awsKey["KeyType"] as? String == "rsa")
        #expect(MotoView.nameTag(awsKey) == "imported-01")
        let got = try host.must("GET", "/spider/keypair/imported-01\(c.query)").json
        #expect(got["PrivateKey"] == nil && SSHKeyGen.keyPart(got["PublicKey"] as? String ?? "") == ours, "\(got)")

        // A malformed key goes nowhere near AWS; a taken name is AWS's duplicate, 409.
        try moto.startRecording()
        try host.expect("POST", "/spider/keypair", json: Self.importRequest(c, "bad-01", "ssh-rsa not-base64!"), status: 400,
                        mentioning: ["ReqInfo.PublicKey"])
        #expect(try moto.recordedActions().isEmpty)
        #expect(try Self.motoKey(moto, "bad-01") == nil)
        try host.expect("POST", "/spider/keypair", json: Self.importRequest(c, "imported-01", key.line), status: 409,
                        mentioning: ["imported-01"])

        // A VM launched with the imported key: AWS's KeyName, and our key in cb-user's user data.
        let image = try #require(try AWSComputeTests.image(moto)["ImageId"] as? String)
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", subnets: [("subnet-01", "10.0.1.0/24")]))
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01", rules: [Requests.rule("22")]))
        let vm = try host.must("POST", "/spider/vm", json: Requests.vm(c.name, "vm-01", vpc: "vpc-01", subnet: "subnet-01", securityGroups: ["sg-01"],
                                                                    keyPair: "imported-01", image: image, spec: "t3.micro")).json
        let vmID = try #require((vm["IId"] as? [String: Any])?["SystemId"] as? String)
        #expect((vm["KeyPairIId"] as? [String: Any])?["NameId"] as? String == "imported-01")
        #expect(try AWSComputeTests.instance(moto, vmID)["KeyName"] as? String == "imported-01")
        let userData = try moto.ec2(Self.region, "describe_instance_attribute", ["InstanceId": vmID, "Attribute": "userData"])
        let script = String(decoding: Data(base64Encoded: (userData["UserData"] as? [String: Any])?["Value"] as? String ?? "") ?? Data(),
                            as: UTF8.self)
        #expect(script.contains("name: cb-user") && script.contains("ssh-rsa \(ours)"), "\(script)")

        // Delete: refused while the VM holds it, then gone from moto.
        try host.expect("DELETE", "/spider/keypair/imported-01", json: Requests.connection(c.name), status: 409, mentioning: ["vm-01"])
        try host.must("DELETE", "/spider/vm/vm-01", json: Requests.connection(c.name))
        try host.must("DELETE", "/spider/keypair/imported-01", json: Requests.connection(c.name))
        #expect(try Self.motoKey(moto, "imported-01") == nil, "moto still has the key")
        try host.expect("GET", "/spider/keypair/imported-01\(c.query)", status: 404)
    }
}
