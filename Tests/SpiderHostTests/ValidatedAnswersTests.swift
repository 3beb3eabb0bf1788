// The host's kept driver answers: reused only for the same bytes under the same name-map
// generation, never for large answers, and bounded in bytes.
import Foundation
import Testing
@testable import SpiderHost

@Suite("Validated driver answers")
struct ValidatedAnswersTests {
    private func key(_ request: String, connection: String = "c1") -> ValidatedAnswers.Key {
        ValidatedAnswers.Key(connection: connection, site: .init(file: #fileID, line: #line), operation: "vpc.get",
                             request: Array(request.utf8), resultType: ObjectIdentifier(String.self))
    }

    private func response(_ text: String) -> APIResponse { APIResponse(status: .ok, body: Array(text.utf8)) }

    @Test("the kept response comes back only for the same bytes, generation and key")
    func reuse() {
        let kept = ValidatedAnswers()
        let answer = Data(#"{"IId":{"NameId":"vpc-01"}}"#.utf8)
        kept.keep(response("shown"), for: key("a"), answer: answer, generation: 7)
        #expect(kept.response(for: key("a"), answer: answer, generation: 7)?.body == Array("shown".utf8))
        #expect(kept.response(for: key("a"), answer: answer, generation: 8) == nil, "the name map changed")
        #expect(kept.response(for: key("a"), answer: Data(#"{"IId":{"NameId":"vpc-02"}}"#.utf8), generation: 7) == nil, "other bytes")
        #expect(kept.response(for: key("b"), answer: answer, generation: 7) == nil, "another request")
        #expect(kept.response(for: key("a", connection: "c2"), answer: answer, generation: 7) == nil, "another connection")
    }

    @Test("large answers are not kept; past the byte budget everything is dropped")
    func bounded() {
        let kept = ValidatedAnswers()
        let large = Data(count: ValidatedAnswers.maxAnswerBytes + 1)
        kept.keep(response("x"), for: key("large"), answer: large, generation: 1)
        #expect(kept.response(for: key("large"), answer: large, generation: 1) == nil && kept.byteCount == 0)

        let chunk = Data(count: ValidatedAnswers.maxAnswerBytes)
        let perEntry = ValidatedAnswers.byteBudget / (2 * ValidatedAnswers.maxAnswerBytes)   // answer + response of the same size
        for i in 0..<perEntry + 1 {
            kept.keep(APIResponse(status: .ok, body: Array(chunk)), for: key("r\(i)"), answer: chunk, generation: 1)
            #expect(kept.byteCount <= ValidatedAnswers.byteBudget)
        }
        #expect(kept.response(for: key("r0"), answer: chunk, generation: 1) == nil, "dropped when the budget was passed")
        #expect(kept.response(for: key("r\(perEntry)"), answer: chunk, generation: 1) != nil, "the newest is kept")
    }
}
