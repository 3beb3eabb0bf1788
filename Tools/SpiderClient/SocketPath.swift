import Foundation

/// Where the host's socket is, found the same way by spiderd and its clients: an explicit path, else
/// `$SPIDER_SOCKET`, else `$XDG_RUNTIME_DIR/spider/spider.sock` (`/run/spider/spider.sock` as root,
/// `/tmp/spider-<uid>/spider.sock` without a runtime folder).
public enum SpiderSocketPath {
    public static func resolve(_ explicit: String? = nil) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = ProcessInfo.processInfo.environment["SPIDER_SOCKET"], !env.isEmpty { return env }
        return defaultPath
    }

    public static var defaultPath: String {
        if getuid() == 0 { return "/run/spider/spider.sock" }
        if let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { return runtime + "/spider/spider.sock" }
        return "/tmp/spider-\(getuid())/spider.sock"
    }
}
