// A Windows VM's user data and the password checks before it: the exact PowerShell script for a
// password full of characters PowerShell would expand or end a string on, its base64 as EC2 takes
// it, and Windows' default complexity rules — refused with the rule, never with the password.
import Foundation
import SpiderDriverKit
import Testing
@testable import AWSDriver

@Suite("AWS Windows user data")
struct WindowsUserDataTests {
    /// ' ends a single-quoted string, " $ ` would expand in a double-quoted one, and spaces.
    static let tricky = "P@ss 'w\"$x`y 9"

    @Test("the script sets Administrator's password through ADSI with the password single-quoted, quotes doubled")
    func script() {
        #expect(WindowsUserData.script(password: Self.tricky) == """
            <powershell>
            ([ADSI]'WinNT://./Administrator,user').SetPassword('P@ss ''w"$x`y 9')
            </powershell>

            """)
    }

    @Test("EC2's UserData is the script base64-encoded (the value computed with Python's base64 for the same script)")
    func base64() throws {
        let encoded = WindowsUserData.base64(password: Self.tricky)
        #expect(encoded == "PHBvd2Vyc2hlbGw+CihbQURTSV0nV2luTlQ6Ly8uL0FkbWluaXN0cmF0b3IsdXNlcicpLlNldFBhc3N3b3JkKCdQQHNzICcndyIkeGB5IDknKQo8L3Bvd2Vyc2hlbGw+Cg==")
        let decoded = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
        #expect(decoded == WindowsUserData.script(password: Self.tricky))
    }

    @Test("literals: typographic quotes doubled too; < and > as [char] codes, so no block can be closed or opened")
    func literals() {
        #expect(WindowsUserData.literal("a\u{2019}b") == "'a\u{2019}\u{2019}b'")
        #expect(WindowsUserData.literal("''") == "''''''")
        #expect(WindowsUserData.literal("Ab1</powershell>") == "'Ab1' + [char]60 + '/powershell' + [char]62")
        #expect(WindowsUserData.literal("<x") == "'' + [char]60 + 'x'")
        let script = WindowsUserData.script(password: "Ab1</powershell><script>")
        #expect(script.components(separatedBy: "</powershell>").count == 2 && !script.contains("<script>"), "\(script)")
    }

    @Test("passwords Windows accepts: 8 to 123 characters of three kinds, without the user name")
    func accepted() throws {
        for password in [Self.tricky, "Abcdefg1", "abcdefg1!", "ABCDEFG1!", "Abcdefg!", "Ab1" + String(repeating: "x", count: 120)] {
            #expect(try WindowsUserData.checkedPassword(userId: nil, password: password) == password)
        }
        #expect(try WindowsUserData.checkedPassword(userId: "administrator", password: "Abcdefg1") == "Abcdefg1")
        #expect(try WindowsUserData.checkedPassword(userId: " ", password: "Abcdefg1") == "Abcdefg1")
    }

    @Test("refused with the rule, naming VMUserPasswd and never echoing the password")
    func refused() {
        let cases: [(String?, String)] = [
            (nil, "needs a password"), ("", "needs a password"),
            ("Ab1!xyz", "8 to 123 characters"), ("Ab1" + String(repeating: "y", count: 121), "8 to 123 characters"),
            ("abcdefgh12", "at least three of these kinds"), ("ABCD!!!!", "at least three of these kinds"),
            ("Secret\n12", "control characters"), ("myAdministrator1!", "user name (Administrator)"),
        ]
        for (password, rule) in cases {
            let message = Self.refusal(userId: nil, password: password)
            #expect(message.hasPrefix("VMUserPasswd: ") && message.contains(rule), "\(message)")
            if let password, !password.isEmpty { #expect(!message.contains(password), "\(message)") }
        }
    }

    @Test("VMUserId for Windows: empty or Administrator; another name is refused naming VMUserId")
    func otherUser() {
        let message = Self.refusal(userId: "alice", password: "Abcdefg1")
        #expect(message.hasPrefix("VMUserId: ") && message.contains("Administrator") && !message.contains("Abcdefg1"), "\(message)")
    }

    static func refusal(userId: String?, password: String?) -> String {
        do {
            _ = try WindowsUserData.checkedPassword(userId: userId, password: password)
            return "accepted"
        } catch let error as DriverError {
            return error.status == .invalidArgument ? error.message : "not INVALID_ARGUMENT: \(error)"
        } catch {
            return "\(error)"
        }
    }
}
