// A private temporary folder (mkdtemp, mode 0700) removed when the owner lets go of it.
import Foundation
import Glibc

final class TempFolder: Sendable {
    let path: String

    /// Short paths under /tmp: a Unix socket path must stay under 108 bytes.
    init(prefix: String = "spider-test") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestFailure("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
        chmod(path, 0o700)
    }

    /// A path inside the folder.
    func file(_ relative: String) -> String { path + "/" + relative }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
