// python3's http.server on 127.0.0.1 (a free port) serving one folder, for tests that download
// through the driver's real HTTP client; stopped by its own pid when released.
import Foundation

final class LoopbackFileServer {
    let process = Process()
    let url: String

    init(serving folder: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: "port "), let port = Int(text[range.upperBound...].prefix(while: \.isNumber)) else {
            process.terminate()
            throw LoopbackServerFailure(description: "python3 -m http.server did not start: \(text)")
        }
        url = "http://127.0.0.1:\(port)"
    }

    deinit {
        // SIGKILL: a child spawned from a test's thread inherits its blocked signals, SIGTERM included.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

struct LoopbackServerFailure: Error, CustomStringConvertible {
    let description: String
}
