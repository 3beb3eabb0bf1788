import Foundation
@testable import SpiderRegistry

/// A fresh folder under the system temp dir, removed by `cleanup()`.
struct TempDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "spider-registry-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
    /// Every path below the folder, relative, sorted.
    func tree() -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []).sorted()
    }
}

@discardableResult
func run(_ tool: String, _ args: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [tool] + args
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw RegistryError.io("\(tool) \(args) exited \(p.terminationStatus)") }
    return String(decoding: data, as: UTF8.self)
}

/// Builds a `.tar.gz` with python3's tarfile: `body` calls `add(name, data=b"", **TarInfo fields)`,
/// which can produce entries `tar` itself refuses to write (traversal, devices, absolute names).
func makeTarGz(_ path: String, _ body: String) throws {
    let script = """
    import io, sys, tarfile
    t = tarfile.open(sys.argv[1], "w:gz")
    def add(name, data=b"", **kw):
        i = tarfile.TarInfo(name)
        i.size = len(data)
        i.mode = 0o644
        for k, v in kw.items(): setattr(i, k, v)
        t.addfile(i, io.BytesIO(data) if data else None)
    \(body.split(separator: "\n").joined(separator: "\n"))
    t.close()
    """
    try run("python3", ["-c", script, path])
}

func errorText(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch { return "\(error)" }
}
