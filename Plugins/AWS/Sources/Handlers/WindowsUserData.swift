// A Windows VM's login, as CB-Spider gives it on AWS: the user logs in over RDP as Administrator
// with the request's VMUserPasswd, which the user data sets at first boot (EC2Launch runs the
// <powershell> block once). The password is checked first (SpiderDriverKit's WindowsLogin: Windows'
// default complexity policy), so a password Windows would refuse is refused before anything is
// launched. (A Linux image ignores VMUserPasswd: cb-user logs in with the key pair only, as
// CB-Spider's AWS driver does.)
import Foundation
import SpiderDriverKit

enum WindowsUserData {
    static let user = WindowsLogin.user

    /// The password to set, after checking VMUserId and VMUserPasswd (WindowsLogin's rules).
    static func checkedPassword(userId: String?, password: String?) throws -> String {
        try WindowsLogin.checkedPassword(userId: userId, password: password)
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
