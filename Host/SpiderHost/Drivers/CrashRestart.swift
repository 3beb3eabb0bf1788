// What happens when a driver loaded into spiderd faults on memory or aborts: the guard (CDriverGuard)
// re-executes spiderd as it was started — the same pid, its argument list and its first-moment
// environment (so NOTIFY_SOCKET and LISTEN_FDS still apply) — after writing a marker file for the
// driver under <data>/driver-crashes/. The next start runs that driver in a process of its own.
import CDriverGuard
import Foundation
import Glibc

public enum CrashRestart {
    /// Call first thing in main, before anything changes the environment. What it keeps is never freed.
    public static func prepare() {
        let argv = CommandLine.arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = []
        var entry = environ
        while let variable = entry.pointee {
            envp.append(strdup(variable))
            entry += 1
        }
        envp.append(nil)
        let keptArgv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: argv.count)
        keptArgv.initialize(from: argv, count: argv.count)
        let keptEnvp = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: envp.count)
        keptEnvp.initialize(from: envp, count: envp.count)
        // A socket systemd passed (LISTEN_FDS for this pid) is fd 3: it stays open for the next start.
        let env = ProcessInfo.processInfo.environment
        let activated = env["LISTEN_PID"].flatMap(Int32.init) == getpid() && (env["LISTEN_FDS"].flatMap(Int.init) ?? 0) >= 1
        spider_guard_prepare_restart(strdup("/proc/self/exe"), keptArgv, keptEnvp, activated ? 1 : 0)
    }

    /// `<crashes>/<name>@<version>`: written by the guard when this driver took spiderd down.
    static func markerPath(_ crashes: String, _ driver: InstalledDriver) -> String {
        "\(crashes)/\(driver.manifest.name)@\(driver.manifest.version)"
    }

    /// The signal the driver crashed with in-process before, if its marker is there.
    static func earlierCrash(_ crashes: String, _ driver: InstalledDriver) -> Int32? {
        guard let text = try? String(contentsOfFile: markerPath(crashes, driver), encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
