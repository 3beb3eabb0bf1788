// The Mock cloud's errors, as DriverErrors whose messages name the field or resource.
import SpiderDriverKit

enum MockError {
    /// INVALID_ARGUMENT: `field` has a bad value.
    static func invalid(_ field: String, _ problem: String) -> DriverError {
        .invalidArgument("\(field): \(problem)")
    }

    /// NOT_FOUND: a `kind` named `name` does not exist (in `scope`, if given).
    static func notFound(_ kind: String, _ name: String, in scope: String? = nil) -> DriverError {
        .notFound("\(kind) '\(name)' does not exist" + (scope.map { " in \($0)" } ?? ""))
    }

    /// ALREADY_EXISTS: a `kind` with that name exists already (in `scope`, if given).
    static func exists(_ kind: String, _ name: String, in scope: String? = nil) -> DriverError {
        .alreadyExists("\(kind) '\(name)' already exists" + (scope.map { " in \($0)" } ?? ""))
    }
}
