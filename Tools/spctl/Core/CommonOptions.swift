// The options most resource commands share, spelled as CB-Spider's spctl spells them.
import ArgumentParser
import Foundation

/// `-c/--cname <ConnectionName>` (also `--connection`).
struct ConnectionOption: ParsableArguments {
    @Option(name: [.customShort("c"), .customLong("cname"), .customLong("connection")], help: "The connection config to use.")
    var connection: String?

    /// The connection from the flag, else from the `-d` JSON's ConnectionName, else a usage error.
    func required(_ data: [String: Any]? = nil) throws -> String {
        if let connection, !connection.isEmpty { return connection }
        if let name = data?["ConnectionName"] as? String, !name.isEmpty { return name }
        throw SpctlFailure(.usage, "a connection is required: -c <ConnectionName>")
    }
}

/// `-n/--name <Name>`.
struct NameOption: ParsableArguments {
    @Option(name: [.customShort("n"), .customLong("name")], help: "The resource's name.")
    var name: String?

    func required(_ what: String = "name") throws -> String {
        guard let name, !name.isEmpty else { throw SpctlFailure(.usage, "a \(what) is required: -n <Name>") }
        return name
    }
}

/// `-d/--data '<json>'` (CB-Spider's form): inline JSON, `@file`, or `-` for standard input.
struct DataOption: ParsableArguments {
    @Option(name: [.customShort("d"), .customLong("data")], help: "The request as JSON, as the REST API takes it; @file or - (stdin) read it from there.")
    var data: String?

    @Option(name: [.customShort("f"), .customLong("infile")], help: ArgumentHelp("The request as JSON in a file (CB-Spider's -f; same as -d @file).", valueName: "file"))
    var infile: String?

    /// The JSON object, or nil when -d was not given. Invalid JSON is a usage error naming the problem.
    func object() throws -> [String: Any]? {
        guard let text = try raw() else { return nil }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            throw SpctlFailure(.usage, "-d is not valid JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error)")
        }
        guard let object = parsed as? [String: Any] else { throw SpctlFailure(.usage, "-d must be a JSON object ({...})") }
        return object
    }

    private func raw() throws -> String? {
        if let infile {
            guard data == nil else { throw SpctlFailure(.usage, "give the request once: -d or -f, not both") }
            return try read(infile)
        }
        guard let data else { return nil }
        if data == "-" { return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
        if data.hasPrefix("@") { return try read(String(data.dropFirst())) }
        return data
    }

    private func read(_ path: String) throws -> String {
        if path == "-" { return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
        guard let bytes = FileManager.default.contents(atPath: path) else { throw SpctlFailure(.usage, "cannot read \(path)") }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// `--force`: delete even when the cloud no longer has it, or with what depends on it (as the API's ?force=true).
struct ForceFlag: ParsableArguments {
    @Flag(help: "Force (the API's ?force=true).")
    var force = false
    var query: String { force ? "force=true" : "" }
}
