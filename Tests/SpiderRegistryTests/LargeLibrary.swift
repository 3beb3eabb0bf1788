import Foundation
@testable import SpiderRegistry

/// A real shared library (gcc) made large by an extra section of random bytes (objcopy), so its
/// bundle neither compresses nor installs in an instant: downloads report progress several times
/// and a killed installer can be caught in the middle.
func largeLibrary(in dir: String, bytes: Int) throws -> Data {
    let work = dir + "/large-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: work) }
    try "int spider_large(void) { return 1; }\n".write(toFile: work + "/d.c", atomically: true, encoding: .utf8)
    try run("gcc", ["-shared", "-fPIC", "-o", work + "/small.so", work + "/d.c"])
    let blob = FileManager.default.createFile(atPath: work + "/blob", contents: randomBytes(bytes))
    guard blob else { throw RegistryError.io("cannot write \(work)/blob") }
    try run("objcopy", ["--add-section", ".spider_test_blob=\(work)/blob", "--set-section-flags", ".spider_test_blob=noload,readonly",
                        work + "/small.so", work + "/large.so"])
    return try Data(contentsOf: URL(fileURLWithPath: work + "/large.so"))
}

private func randomBytes(_ count: Int) -> Data {
    var generator = SystemRandomNumberGenerator()
    var data = Data(count: count)
    data.withUnsafeMutableBytes { raw in
        let words = raw.bindMemory(to: UInt64.self)
        for i in words.indices { words[i] = generator.next() }
    }
    return data
}
