// How Spider's requests name OpenStack resources: creates need a name; other calls name the
// resource by its OpenStack ID (IId.SystemId), which the host keeps in its name map.
import Foundation
import SpiderDriverKit
import SpiderModels

/// Non-empty (after trimming) name of a resource to create, or INVALID_ARGUMENT naming the field.
func requireNewName(_ name: String, field: String = "IId.NameId") throws -> String {
    guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw DriverError.invalidArgument("\(field): a name is required")
    }
    return name
}

/// The OpenStack ID a request names, or NOT_FOUND when it names none.
func requireOpenStackID(_ iid: IID, _ kind: String, field: String = "IId") throws -> String {
    guard !iid.SystemId.isEmpty else {
        throw DriverError.notFound("\(kind) '\(iid.NameId)' has no OpenStack ID (\(field).SystemId is empty)")
    }
    return iid.SystemId
}

/// `[KeyValue]` from pairs whose value is not empty; nil when none is left.
func nonEmptyKeyValues(_ pairs: [(String, String)]) -> [KeyValue]? {
    let list = pairs.filter { !$0.1.isEmpty }.map { KeyValue(Key: $0.0, Value: $0.1) }
    return list.isEmpty ? nil : list
}
