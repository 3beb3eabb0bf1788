// spctl keypair: key pairs. The cloud gives the private key once, on create; `--save` writes it to a
// file that is mode 0600 from its creation on. `--public-key(-file)` imports an existing public key
// instead (ReqInfo.PublicKey): then no private key exists, and `--save` is refused.
import ArgumentParser
import Foundation
import SpiderClient

struct KeyPairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keypair", abstract: "Key pairs (the private key is given once, by create).",
        subcommands: [Create.self, List.self, Get.self, Delete.self,
                      ListAllCommand<Kind>.self, DeleteCSPCommand<Kind>.self, RegisterKindCommand<Kind>.self,
                      UnregisterKindCommand<Kind>.self])

    enum Kind: MappedKindSpec {
        static let pathName = "keypair", command = "keypair", noun = "key pair", example = "keypair-01"
    }

    static let table = TableSpec(list: "keypair", [("NAME", "IId.NameId"), ("CSP ID", "IId.SystemId"), ("FINGERPRINT", "Fingerprint"),
                                                   ("VM USER", "VMUserID")])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or import a key pair; --save writes the private key to a file.",
            discussion: """
                Without --save the private key is printed (it is not kept anywhere; save it now).
                With --save the file is created with mode 0600 and the printed answer leaves the key out.
                An existing file is never replaced unless --overwrite is given.
                --public-key-file (or --public-key) imports an existing OpenSSH public key;
                no private key exists then, so --save is refused.
                Examples:
                  spctl keypair create -c aws-ohio --name keypair-01 --save keypair-01.pem
                  spctl keypair create -c aws-ohio --name laptop \\
                    --public-key-file ~/.ssh/id_ed25519.pub
                  spctl keypair create -o json \\
                    -d '{"ConnectionName":"aws-ohio","ReqInfo":{"Name":"keypair-01"}}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @Option(name: [.customShort("n"), .customLong("name")], help: "The key pair's name.") var name: String?
        @Option(help: ArgumentHelp("Write the private key to this file (created with mode 0600).", valueName: "file")) var save: String?
        @Flag(help: "Replace the --save file if it exists.") var overwrite = false
        @Option(help: ArgumentHelp("Import the OpenSSH public key in this file (e.g. ~/.ssh/id_ed25519.pub).", valueName: "path"))
        var publicKeyFile: String?
        @Option(help: ArgumentHelp("Import this OpenSSH public key line ('ssh-ed25519 AAAA… comment').", valueName: "line"))
        var publicKey: String?

        func run() throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            if let name { info["Name"] = name }
            guard info["Name"] != nil else { throw SpctlFailure(.usage, "a name is required: --name <Name> (or ReqInfo.Name in -d)") }
            if let line = try importedKey() { info["PublicKey"] = line }
            if info["PublicKey"] != nil, save != nil {
                throw SpctlFailure(.usage, "--save is for a key the cloud makes; an imported public key has no private key to save")
            }
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            // The file is claimed before the cloud makes the key, so a key is never made that cannot be kept.
            let keyFile = try save.map { try PrivateKeyFile(path: $0, overwrite: overwrite) }
            let session = Session(global)
            let response: SpiderResponse
            do {
                response = try session.send("POST", "/keypair", json: body)
            } catch {
                keyFile?.abandon()
                throw error
            }
            guard let keyFile else {
                session.print(response, table: KeyPairCommand.created)
                if global.format == .table, info["PublicKey"] == nil { Terminal.err("spctl: the private key is shown only now; --save <file> writes it to a file.\n") }
                return
            }
            var answer = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
            guard let key = answer["PrivateKey"] as? String, !key.isEmpty else {
                keyFile.abandon()
                throw SpctlFailure(.serverFailure, "the key pair was created but the answer holds no private key; nothing written to \(keyFile.path)")
            }
            try keyFile.commit(key.hasSuffix("\n") ? key : key + "\n")
            answer["PrivateKey"] = nil
            let shown = (try? JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys])) ?? response.body
            Terminal.out(Render.render(shown, format: global.format, table: KeyPairCommand.saved, color: global.decorated))
            Terminal.err("spctl: private key saved to \(keyFile.path) (mode 0600)\n")
        }

        /// The public key line to import from --public-key or --public-key-file (at most one), if any.
        private func importedKey() throws -> String? {
            switch (publicKey, publicKeyFile) {
            case (nil, nil): return nil
            case (let line?, nil): return line
            case (nil, let path?):
                guard let text = try? String(contentsOfFile: (path as NSString).expandingTildeInPath, encoding: .utf8) else {
                    throw SpctlFailure(.usage, "cannot read the public key file \(path)")
                }
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            default: throw SpctlFailure(.usage, "give --public-key or --public-key-file, not both")
            }
        }
    }

    static let created = TableSpec([("NAME", "IId.NameId"), ("CSP ID", "IId.SystemId"), ("FINGERPRINT", "Fingerprint"),
                                    ("VM USER", "VMUserID"), ("PUBLIC KEY", "PublicKey"), ("PRIVATE KEY", "PrivateKey")])

    static let saved = TableSpec(created.columns.dropLast().map { ($0.title, $0.path) })

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a connection's key pairs.", discussion: "Example: spctl keypair list -c aws-ohio")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        func run() throws {
            try Session(global).run("GET", "/keypair" + query([("ConnectionName", try connection.required())]), table: KeyPairCommand.table)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one key pair (never its private key).",
                                                        discussion: "Example: spctl keypair get -c aws-ohio -n keypair-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("GET", "/keypair/\(segment(try name.required()))" + query([("ConnectionName", try connection.required())]),
                                    table: KeyPairCommand.saved)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a key pair.", discussion: "Example: spctl keypair delete -c aws-ohio -n keypair-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        @OptionGroup var force: ForceFlag
        func run() throws {
            let path = "/keypair/\(segment(try name.required()))" + query([("force", force.force ? "true" : nil)])
            try Session(global).run("DELETE", path, json: ["ConnectionName": try connection.required()])
        }
    }
}
