// A Windows VM's login as Spider gives it on every cloud (OPERATIONS.md, VMs): the user logs in over
// RDP as the image's Administrator with the request's VMUserPasswd, set at first boot by the
// driver's own means. Drivers check the request here first, against Windows' default complexity
// policy, so a password Windows would refuse is refused before anything is made; the messages
// state the rule and never the password.
import Foundation

public enum WindowsLogin {
    /// The one user Spider sets up on Windows: the image's own administrator.
    public static let user = "Administrator"
    public static let minPasswordLength = 8
    /// Windows takes up to 127; 123 is Azure's limit for the same Windows, so one password fits both.
    public static let maxPasswordLength = 123
    /// The symbols Windows' complexity policy counts ("non-alphanumeric characters").
    public static let symbols = Set("~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/")

    /// The password to set, after checking VMUserId and VMUserPasswd (INVALID_ARGUMENT naming the field).
    public static func checkedPassword(userId: String?, password: String?) throws -> String {
        let userId = (userId ?? "").trimmingCharacters(in: .whitespaces)
        guard userId.isEmpty || userId.caseInsensitiveCompare(user) == .orderedSame else {
            throw DriverError.invalidArgument("VMUserId: a Windows VM logs in as \(user) "
                                              + "(leave VMUserId empty or give \(user)), not '\(userId)'")
        }
        guard let password, !password.isEmpty else {
            throw DriverError.invalidArgument("VMUserPasswd: a Windows image needs a password; it becomes \(user)'s password for RDP")
        }
        if let rule = brokenRule(password) {
            throw DriverError.invalidArgument("VMUserPasswd: Windows would refuse this password: \(rule)")
        }
        return password
    }

    /// The rule of Windows' default password policy the password breaks, nil when it keeps them all.
    public static func brokenRule(_ password: String) -> String? {
        let length = password.utf16.count   // Windows counts UTF-16 units
        if length < minPasswordLength || length > maxPasswordLength {
            return "it must be \(minPasswordLength) to \(maxPasswordLength) characters long"
        }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "it must not contain control characters (line breaks, tabs)"
        }
        let kinds = [password.contains { $0.isUppercase }, password.contains { $0.isLowercase },
                     password.contains { $0.isASCII && $0.isNumber }, password.contains { symbols.contains($0) }]
        if kinds.filter({ $0 }).count < 3 {
            return "it must have characters of at least three of these kinds: upper case letters, lower case letters, "
                + "digits, symbols (\(String(symbols.sorted())))"
        }
        if password.range(of: user, options: .caseInsensitive) != nil {
            return "it must not contain the user name (\(user))"
        }
        return nil
    }

}
