// Driver installs as jobs a client can follow (`GET /spider/driver/job/{Id}`) to draw a progress bar,
// or wait for. Every change counts up the job's Revision, and `?after=<Revision>` answers at the
// next change, so a client follows a job without polling. One job per driver version at a time:
// asking again while it runs joins it.
import Foundation
import SpiderRegistry
import Synchronization

/// A job as the API shows it.
struct InstallJobInfo: Codable, Sendable {
    var Id: String
    /// "install" or "upgrade".
    var Kind: String
    var Name: String
    var Version: String
    var ProviderName: String
    var Registry: String
    var Signer: String
    /// queued, downloading, installing, done or failed.
    var State: InstallPhase
    var Bytes: Int64
    var TotalBytes: Int64
    var StartedAt: String
    var FinishedAt: String?
    /// Why it failed, and the HTTP status a waiting request got.
    var Error: String?
    var ErrorStatus: Int?
    /// Counts every change of the above; `GET …/job/{Id}?after=<Revision>` waits for the next one.
    var Revision: Int
}

final class InstallJob: Sendable {
    let id: String
    private let state: Mutex<InstallJobInfo>
    /// Signalled on every change (progress and the end).
    private let changed = NSCondition()

    init(id: String, kind: String, offer: RegistryOffer) {
        self.id = id
        state = Mutex(InstallJobInfo(
            Id: id, Kind: kind, Name: offer.entry.name, Version: offer.entry.version, ProviderName: offer.entry.provider,
            Registry: offer.registry, Signer: offer.signer, State: .queued, Bytes: 0, TotalBytes: offer.entry.size,
            StartedAt: Timestamp.now(), Revision: 1))
    }

    var info: InstallJobInfo { state.withLock { $0 } }
    var isFinished: Bool { info.FinishedAt != nil }

    func progress(_ phase: InstallPhase, _ bytes: Int64, _ total: Int64) {
        let moved = state.withLock { s -> Bool in
            guard s.State != phase || s.Bytes != bytes || s.TotalBytes != total else { return false }
            s.State = phase; s.Bytes = bytes; s.TotalBytes = total; s.Revision += 1
            return true
        }
        if moved { announceChange() }
    }

    func finish(_ error: HostError?) {
        state.withLock { s in
            s.FinishedAt = Timestamp.now()
            if let error {
                s.State = .failed
                s.Error = error.message
                s.ErrorStatus = error.status
            } else {
                s.State = .done
                s.Bytes = s.TotalBytes
            }
            s.Revision += 1
        }
        announceChange()
    }

    private func announceChange() {
        changed.lock()
        changed.broadcast()
        changed.unlock()
    }

    /// Blocks until the job has finished.
    func wait() -> InstallJobInfo {
        changed.lock()
        while !isFinished { changed.wait() }
        changed.unlock()
        return info
    }

    /// Blocks until the job's Revision is past `revision` or `deadline` comes; answers the job as it is then.
    func wait(after revision: Int, until deadline: Date) -> InstallJobInfo {
        changed.lock()
        while info.Revision <= revision, changed.wait(until: deadline) {}
        changed.unlock()
        return info
    }
}

final class InstallJobs: Sendable {
    /// Finished jobs kept for polling, oldest dropped first.
    static let keepFinished = 100
    private let jobs = Mutex<(byID: [String: InstallJob], order: [String], next: Int)>(([:], [], 1))

    /// Starts `work` for `offer` on its own thread, or returns the job already installing that version.
    func start(kind: String, offer: RegistryOffer, work: @escaping @Sendable (InstallJob) throws -> Void) -> InstallJob {
        let (job, isNew) = jobs.withLock { j -> (InstallJob, Bool) in
            let same = j.byID.values.first {
                !$0.isFinished && $0.info.Name == offer.entry.name && $0.info.Version == offer.entry.version
            }
            if let same { return (same, false) }
            let job = InstallJob(id: String(j.next), kind: kind, offer: offer)
            j.next += 1
            j.byID[job.id] = job
            j.order.append(job.id)
            let finished = j.order.filter { j.byID[$0]?.isFinished == true }
            for old in finished.dropLast(Self.keepFinished) {
                j.byID[old] = nil
                j.order.removeAll { $0 == old }
            }
            return (job, true)
        }
        if isNew {
            Thread.detachNewThread {
                do {
                    try work(job)
                    job.finish(nil)
                } catch {
                    job.finish(HostError.from(installError: error))
                }
            }
        }
        return job
    }

    func job(_ id: String) -> InstallJob? { jobs.withLock { $0.byID[id] } }

    var all: [InstallJobInfo] { jobs.withLock { j in j.order.compactMap { j.byID[$0]?.info } } }
}

enum Timestamp {
    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }
}
