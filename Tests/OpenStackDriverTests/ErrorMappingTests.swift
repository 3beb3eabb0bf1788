// OpenStack's error bodies, service by service, read into Spider's statuses with the service's own words.
import Testing
@testable import OpenStackDriver
import SpiderDriverKit

@Suite("OpenStack error answers")
struct ErrorMappingTests {
    static func reply(_ status: Int, _ body: String) -> OpenStackErrorReply {
        OpenStackErrorReply(httpStatus: status, body: Array(body.utf8))
    }

    @Test("each service's shape gives its type and message", arguments: [
        (404, #"{"itemNotFound": {"message": "Flavor m9 could not be found.", "code": 404}}"#, "itemNotFound", "Flavor m9 could not be found."),
        (404, #"{"NeutronError": {"type": "NetworkNotFound", "message": "Network abc could not be found.", "detail": ""}}"#,
         "NetworkNotFound", "Network abc could not be found."),
        (401, #"{"error": {"message": "The request you have made requires authentication.", "code": 401, "title": "Unauthorized"}}"#,
         "Unauthorized", "The request you have made requires authentication."),
        (409, #"{"faultcode": "Client", "faultstring": "Load Balancer 1 is immutable", "debuginfo": null}"#,
         "HTTP 409", "Load Balancer 1 is immutable"),
        (404, "<html><body><h1>404 Not Found</h1>No image found with ID x</body></html>", "HTTP 404", "404 Not Found No image found with ID x"),
    ])
    func shapes(_ status: Int, _ body: String, _ type: String, _ message: String) {
        let r = Self.reply(status, body)
        #expect(r.type == type)
        #expect(r.message == message)
    }

    @Test("HTTP statuses map to Spider's; quotas are conflicts; busy is retryable with the cloud's Retry-After")
    func statuses() {
        #expect(OpenStackErrorMapping.status(httpStatus: 400, type: "BadRequest") == .invalidArgument)
        #expect(OpenStackErrorMapping.status(httpStatus: 401, type: "Unauthorized") == .unauthenticated)
        #expect(OpenStackErrorMapping.status(httpStatus: 403, type: "Forbidden") == .permissionDenied)
        #expect(OpenStackErrorMapping.status(httpStatus: 403, type: "OverQuota") == .conflict)
        #expect(OpenStackErrorMapping.status(httpStatus: 404, type: "itemNotFound") == .notFound)
        #expect(OpenStackErrorMapping.status(httpStatus: 409, type: "SecurityGroupRuleExists") == .alreadyExists)
        #expect(OpenStackErrorMapping.status(httpStatus: 409, type: "InUse") == .conflict)
        #expect(OpenStackErrorMapping.status(httpStatus: 409, type: "conflictingRequest", message: "Key pair 'k' already exists.")
                == .alreadyExists)
        #expect(OpenStackErrorMapping.status(httpStatus: 413, type: "overLimit") == .conflict)
        #expect(OpenStackErrorMapping.status(httpStatus: 503, type: "HTTP 503") == .retryable)
        let busy = OpenStackErrorMapping.driverError(Self.reply(503, "busy"), httpStatus: 503, service: "nova", action: "GET /servers",
                                                     retryAfterSeconds: 7)
        #expect(busy.status == .retryable && busy.retryAfterMs == 7_000)
        #expect(busy.message.contains("nova") && busy.message.contains("GET /servers") && busy.cloudError == "HTTP 503: busy")
        let limited = OpenStackErrorMapping.driverError(Self.reply(413, #"{"overLimit": {"message": "slow down"}}"#), httpStatus: 413,
                                                        service: "nova", action: "POST /servers", retryAfterSeconds: 2)
        #expect(limited.status == .retryable, "413 with Retry-After is a rate limit")
    }
}
