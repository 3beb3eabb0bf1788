// How Spider names meet AWS resources: the Spider name is the `Name` tag; the other tags are the
// resource's TagList; requests name a resource by its AWS ID (SystemId).
import SpiderDriverKit
import Foundation
import SpiderModels

extension XMLNode {
    /// The resource's tags without `Name` (that one is the Spider name), or nil when none.
    var userTags: [KeyValue]? {
        let list = tags.filter { $0.key != "Name" }.map { KeyValue(Key: $0.key, Value: $0.value) }
        return list.isEmpty ? nil : list
    }

    /// The `Name` tag, or `fallback` when the resource has none.
    func spiderName(or fallback: String = "") -> String { tag("Name") ?? fallback }
}

/// Non-empty (after trimming) name of a resource to create, or INVALID_ARGUMENT naming the field.
func requireName(_ name: String, field: String = "IId.NameId") throws -> String {
    let trimmed = name.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else { throw DriverError.invalidArgument("\(field): a name is required") }
    return name
}

/// The AWS ID a request names, or NOT_FOUND when it names none.
func requireSystemID(_ iid: IID, _ kind: String, field: String = "IId") throws -> String {
    guard !iid.SystemId.isEmpty else {
        throw DriverError.notFound("\(kind) '\(iid.NameId)' has no AWS ID (\(field).SystemId is empty)")
    }
    return iid.SystemId
}

/// `[KeyValue]` from pairs whose value is not empty.
func keyValues(_ pairs: [(String, String)]) -> [KeyValue]? {
    let list = pairs.filter { !$0.1.isEmpty }.map { KeyValue(Key: $0.0, Value: $0.1) }
    return list.isEmpty ? nil : list
}
