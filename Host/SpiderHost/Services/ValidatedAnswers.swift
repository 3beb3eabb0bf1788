// A driver's answer is decoded (so validated) and shown with the user's names before it is passed
// on; for a GET polled again and again that is most of the host's work per call. The outcome is a
// function of the answer's bytes, the call site's presentation and the name map, so a connection
// keeps the last outcome per call site, operation and request: when the driver answers the same
// bytes again and no mapping has changed since, the kept response is passed on as it was.
import Foundation
import Synchronization

final class ValidatedAnswers: Sendable {
    /// A place in the source (`#fileID`, `#line`), compared by the file name's address in the binary.
    struct Site: Hashable, Sendable {
        var file: UInt
        var line: UInt
        init(file: StaticString, line: UInt) {
            self.file = UInt(bitPattern: file.utf8Start)
            self.line = line
        }
    }

    struct Key: Hashable, Sendable {
        /// The call site: it fixes how the answer is presented.
        var site: Site
        var operation: String
        var request: [UInt8]
        var resultType: ObjectIdentifier
    }

    private struct Entry {
        var answer: Data
        var generation: UInt64
        var response: APIResponse
    }

    /// Bounded: past this many, the kept outcomes are dropped and kept anew.
    static let limit = 512
    private let entries = Mutex<[Key: Entry]>([:])

    /// The response kept for `key` when the driver answered exactly `answer` then too, under the
    /// same name-map generation.
    func response(for key: Key, answer: Data, generation: UInt64) -> APIResponse? {
        entries.withLock { entries in
            guard let kept = entries[key], kept.generation == generation, kept.answer == answer else { return nil }
            return kept.response
        }
    }

    func keep(_ response: APIResponse, for key: Key, answer: Data, generation: UInt64) {
        entries.withLock { entries in
            if entries.count >= Self.limit, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(answer: answer, generation: generation, response: response)
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
