// Credentials at rest: a key only the host can read, values sealed in SQLite, never in a
// response or the log.
import Foundation
import SpiderClient
import Testing

@Suite("Secrets at rest")
struct SecretStorageTests {
    @Test("secret.key is 0600, the data folder 0700, and no credential value is in the database files")
    func secretsAtRest() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "secret")
        try host.createStack(c)   // the database has seen real traffic

        let keyMode = FileFacts.mode(host.dataDir + "/secret.key")
        #expect(keyMode == 0o600, "secret.key mode is \(FileFacts.octal(keyMode))")
        let dataMode = FileFacts.mode(host.dataDir)
        #expect(dataMode == 0o700, "data folder mode is \(FileFacts.octal(dataMode))")

        try checkDatabaseFiles(host, c, when: "while running")
        #expect(host.stop() == .code(0))
        try checkDatabaseFiles(host, c, when: "after stop")

        // Responses showed the keys, never the values.
        let credential = host.responses.filter { $0.hasPrefix("GET /spider/credential") || $0.hasPrefix("POST /spider/credential") }
        #expect(!credential.isEmpty)
        for value in c.credentialValues {
            #expect(host.responses.allSatisfy { !$0.contains(value) }, "a response holds the credential value \(value)")
        }
        #expect(!host.log.contains(try #require(c.secret)), "the log holds the secret")

        // A restart reads the sealed credential back: the driver still connects.
        try host.start()
        try host.must("GET", "/spider/vm/vm-01" + c.query)
    }

    private func checkDatabaseFiles(_ host: HostProcess, _ c: RegisteredConnection, when: String) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: host.dataDir).filter { $0.hasPrefix("spider.sqlite") }
        #expect(files.contains("spider.sqlite"), "\(when): \(files)")
        for file in files {
            for value in c.credentialValues {
                #expect(!FileFacts.file(host.dataDir + "/" + file, contains: value), "\(when): \(file) holds the credential value \(value) in plain text")
            }
        }
    }
}
