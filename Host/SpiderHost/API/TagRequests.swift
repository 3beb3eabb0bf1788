// The request bodies of the tag routes, as CB-Spider's clients send them.
import SpiderModels

/// `POST /spider/tag`'s ReqInfo.
struct TagAddInfo: Decodable, Sendable {
    var ResourceType: String
    var ResourceName: String
    var Tag: KeyValue
}

/// `DELETE /spider/tag/{Key}`'s ReqInfo (also accepted in the query string).
struct TagTargetInfo: Decodable, Sendable {
    var ResourceType: String?
    var ResourceName: String?
}

/// `DELETE /spider/tag/{Key}`'s body: the target may instead be in the query string.
struct TagRemoveBody: Decodable, Sendable {
    var ConnectionName: String?
    var ReqInfo: TagTargetInfo?
}
