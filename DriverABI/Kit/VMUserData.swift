// The user data a Linux VM boots with: cloud-init creates Spider's default user (cb-user, as
// CB-Spider does) with passwordless sudo and the key pair's public key, next to the image's own
// default user. Clouds take it base64-encoded (EC2's UserData, Nova's user_data).
import Foundation

public enum VMUserData {
    public static func cloudConfig(user: String, publicKey: String) -> String {
        """
        #cloud-config
        users:
          - default
          - name: \(user)
            shell: /bin/bash
            sudo: "ALL=(ALL) NOPASSWD:ALL"
            lock_passwd: true
            ssh_authorized_keys:
              - \(yamlQuoted(publicKey))

        """
    }

    public static func base64(user: String, publicKey: String) -> String {
        Data(cloudConfig(user: user, publicKey: publicKey).utf8).base64EncodedString()
    }

    /// A double-quoted YAML scalar on one line (a key's comment may hold ': ' or '#').
    public static func yamlQuoted(_ text: String) -> String {
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return "\"" + oneLine.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
