// A Windows VM's login, as CB-Spider gives it on AWS: the user logs in over RDP as Administrator
// with the request's VMUserPasswd, which the user data sets at first boot (EC2Launch runs the
// <powershell> block once). The password is checked here first against Windows' default complexity
// policy, so a password Windows would refuse is refused before anything is launched; error
// messages state the rule and never the password. (A Linux image ignores VMUserPasswd: cb-user logs
// in with the key pair only, as CB-Spider's AWS driver does.)
import Foundation
import SpiderDriverKit

enum WindowsUserData {
    /// The one user Spider sets up on Windows: the image's own administrator.
    static let user = "Administrator"
    static let minPasswordLength = 8
    /// Windows takes up to 127; 123 is Azure's limit for the same Windows, so one password fits both.
    static let maxPasswordLength = 123
    /// The symbols Windows' complexity policy counts ("non-alphanumeric characters").
    static let symbols = Set("~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/")

    /// The password to set, after checking VMUserId and VMUserPasswd (INVALID_ARGUMENT naming the field).
    static func checkedPassword(userId: String?, password: String?) throws -> String {
        let userId = (userId ?? "").trimmingCharacters(in: .whitespaces)
        guard userId.isEmpty || userId.caseInsensitiveCompare(user) == .orderedSame else {
            throw DriverError.invalidArgument("VMUserId: a Windows VM on AWS logs in as \(user) "
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
    static func brokenRule(_ password: String) -> String? {
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

    /// The user data script. ADSI sets the password on every Windows PowerShell version and takes
    /// it as a .NET string (a native `net user` would get its quotes mangled).
    static func script(password: String) -> String {
        """
        <powershell>
        ([ADSI]'WinNT://./\(user),user').SetPassword(\(literal(password)))
        </powershell>

        """
    }

    /// EC2 takes user data base64-encoded.
    static func base64(password: String) -> String {
        Data(script(password: password).utf8).base64EncodedString()
    }

    /// A PowerShell expression for `text`: single-quoted (nothing is expanded inside; each quote
    /// character, including the typographic ones PowerShell also takes as quotes, is doubled).
    /// `<` and `>` are written as [char] codes so the text cannot close the <powershell> block or
    /// open another block EC2Launch would run.
    static func literal(_ text: String) -> String {
        let quotes: Set<Character> = ["'", "\u{2018}", "\u{2019}", "\u{201A}", "\u{201B}"]
        var parts: [String] = []
        var current = ""
        for character in text {
            if character == "<" || character == ">" {
                if !current.isEmpty { parts.append("'\(current)'") }
                parts.append("[char]\(character == "<" ? 60 : 62)")
                current = ""
            } else {
                current += quotes.contains(character) ? String([character, character]) : String(character)
            }
        }
        if !current.isEmpty || parts.isEmpty { parts.append("'\(current)'") }
        // A [char] alone is not a string; starting from '' makes every + a string concatenation.
        if parts.first?.hasPrefix("[char]") == true { parts.insert("''", at: 0) }
        return parts.joined(separator: " + ")
    }
}
