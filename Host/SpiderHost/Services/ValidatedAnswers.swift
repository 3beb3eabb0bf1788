// A driver's answer is decoded (so validated) and shown with the user's names before it is passed
// on; for a GET polled again and again that is most of the host's work per call. The outcome is a
// function of the answer's bytes, the call site's presentation and the name map, so the host keeps
// the last outcome per connection, call site, operation and request: when the driver answers the
// same bytes again and no mapping has changed since, the kept response is passed on as it was.
// Bounded in bytes: large answers are not kept, and past the budget everything is dropped.
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
        var connection: String
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
        var bytes: Int
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
    }

    /// Answers larger than this are checked every time (they are rarely polled, and costly to keep).
    static let maxAnswerBytes = 64 * 1024
    /// What all kept outcomes may hold together; past it, they are dropped and kept anew.
    static let byteBudget = 16 * 1024 * 1024
    private let state = Mutex(State())

    /// The response kept for `key` when the driver answered exactly `answer` then too, under the
    /// same name-map generation.
    func response(for key: Key, answer: Data, generation: UInt64) -> APIResponse? {
        state.withLock { s in
            guard let kept = s.entries[key], kept.generation == generation, kept.answer == answer else { return nil }
            return kept.response
        }
    }

    func keep(_ response: APIResponse, for key: Key, answer: Data, generation: UInt64) {
        guard answer.count <= Self.maxAnswerBytes else { return }
        let bytes = answer.count + response.body.count + key.request.count + key.connection.utf8.count + key.operation.utf8.count
        state.withLock { s in
            if let old = s.entries[key] { s.bytes -= old.bytes }
            if s.bytes + bytes > Self.byteBudget {
                s.entries.removeAll(keepingCapacity: true)
                s.bytes = 0
            }
            s.entries[key] = Entry(answer: answer, generation: generation, response: response, bytes: bytes)
            s.bytes += bytes
        }
    }

    var byteCount: Int { state.withLock { $0.bytes } }
}
