import Foundation
import Testing
@testable import SpiderRegistry

func bytes(hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = hex.startIndex
    while i < hex.endIndex {
        let j = hex.index(i, offsetBy: 2)
        out.append(UInt8(hex[i..<j], radix: 16)!)
        i = j
    }
    return out
}

@Suite struct SigningTests {
    // RFC 8032 section 7.1, TEST 1 (empty message).
    let rfcSecret = bytes(hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    let rfcPublic = bytes(hex: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    let rfcSignature = bytes(hex: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")

    @Test func rfc8032TestVector1() throws {
        #expect(try Ed25519.publicKey(forPrivate: rfcSecret) == rfcPublic)
        #expect(try Ed25519.sign(Data(), privateKey: rfcSecret) == rfcSignature)
        #expect(Ed25519.verify(Data(), signature: rfcSignature, publicKey: rfcPublic))
        var bad = rfcSignature
        bad[10] ^= 1
        #expect(!Ed25519.verify(Data(), signature: bad, publicKey: rfcPublic))
        #expect(!Ed25519.verify(Data([0]), signature: rfcSignature, publicKey: rfcPublic))
    }

    @Test func generatedKeysSignAndVerify() throws {
        let a = try Ed25519.generateKeyPair(), b = try Ed25519.generateKeyPair()
        #expect(a.publicKey != b.publicKey)
        #expect(try Ed25519.publicKey(forPrivate: a.privateKey) == a.publicKey)
        let message = Data("index bytes".utf8)
        let sig = try Ed25519.sign(message, privateKey: a.privateKey)
        #expect(Ed25519.verify(message, signature: sig, publicKey: a.publicKey))
        #expect(!Ed25519.verify(message, signature: sig, publicKey: b.publicKey))
    }

    @Test func keyFilesRoundTripAndPrivateIs0600() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let pair = try Ed25519.generateKeyPair()
        let privatePath = dir.file("registry.key")
        try PrivateKeyFile.write(pair, to: privatePath)
        let mode = try FileManager.default.attributesOfItem(atPath: privatePath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try PrivateKeyFile.read(privatePath) == pair)
        // Never replaces an existing key.
        #expect(errorText { try PrivateKeyFile.write(pair, to: privatePath) }?.contains("cannot create") == true)

        let pub = try PublicKeyFile(publicKey: pair.publicKey)
        #expect(try PublicKeyFile.parse(pub.text(), source: "k.pub") == pub)
        let edited = pub.text().replacingOccurrences(of: pub.keyID, with: "0000000000000000")
        #expect(errorText { _ = try PublicKeyFile.parse(edited, source: "k.pub") }?.contains("does not match its public key") == true)
    }

    @Test func trustStoreNamesTheSignerOrRefuses() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let trusted = try Ed25519.generateKeyPair(), stranger = try Ed25519.generateKeyPair()
        let keys = dir.file("trusted")
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        let pub = try PublicKeyFile(publicKey: trusted.publicKey)
        try pub.text().write(toFile: keys + "/local.pub", atomically: true, encoding: .utf8)
        try "not a key file\n".write(toFile: keys + "/notes.txt", atomically: true, encoding: .utf8)
        let store = try TrustStore(folder: keys)

        let index = Data("{\"format\":1,\"drivers\":{}}".utf8)
        let good = try SignatureFile.sign(index, with: trusted).text()
        #expect(try store.signer(of: index, signature: good) == pub.keyID)

        let strangerSig = try SignatureFile.sign(index, with: stranger)
        #expect(errorText { _ = try store.signer(of: index, signature: strangerSig.text()) }
                == "index signed by an untrusted key \(strangerSig.keyID)")
        #expect(errorText { _ = try store.signer(of: index, signature: nil) }?.contains("no signature") == true)
        var tampered = index
        tampered.append(contentsOf: Array(" ".utf8))
        #expect(errorText { _ = try store.signer(of: tampered, signature: good) }?.contains("modified after signing") == true)
    }
}
