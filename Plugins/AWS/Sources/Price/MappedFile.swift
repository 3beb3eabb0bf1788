// A file mapped read-only into memory for one forward scan. The pages already read are handed
// back (MADV_DONTNEED) as the scan moves on: mapped file pages count in the process's resident
// memory until then, so a multi-GB offer file would otherwise end up resident in full.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SpiderDriverKit

final class MappedFile {
    /// The file's bytes (empty for an empty file), valid while this object lives.
    let bytes: UnsafeRawBufferPointer
    /// Pages before this offset have been handed back.
    private var releasedUpTo = 0
    /// How much is read before pages are handed back: few calls, little resident memory.
    private static let releaseStep = 16 << 20
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps the open file `fd` (which may be closed, even unlinked, afterwards).
    init(fd: Int32) throws {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Self.failure("fstat") }
        let size = Int(info.st_size)
        guard size > 0 else { bytes = UnsafeRawBufferPointer(start: nil, count: 0); return }
        guard let start = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), start != MAP_FAILED else {
            throw Self.failure("mmap")
        }
        _ = madvise(start, size, MADV_SEQUENTIAL)   // read ahead, drop behind
        bytes = UnsafeRawBufferPointer(start: start, count: size)
    }

    deinit {
        if let start = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: start), bytes.count) }
    }

    /// Hands back the pages wholly before `offset` once a step's worth has been read since the last
    /// time; an offset behind that (a second pass) starts counting again from there.
    func release(before offset: Int) {
        guard let start = bytes.baseAddress else { return }
        if offset < releasedUpTo { releasedUpTo = offset / Self.pageSize * Self.pageSize; return }
        let upTo = min(offset, bytes.count) / Self.pageSize * Self.pageSize
        guard upTo - releasedUpTo >= Self.releaseStep else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: start + releasedUpTo), upTo - releasedUpTo, MADV_DONTNEED)
        releasedUpTo = upTo
    }

    private static func failure(_ call: String) -> DriverError {
        DriverError.internal("the downloaded AWS price list could not be mapped: \(call): \(String(cString: strerror(errno)))")
    }
}
