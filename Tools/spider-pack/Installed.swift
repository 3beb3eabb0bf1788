import ArgumentParser
import Foundation
import SpiderRegistry

struct Installed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the drivers installed in an install store (their receipts).",
        discussion: """
        One line per installed version: name, version, platform, provider, driver ABI, signer \
        (key id or 'unsigned') and source. Folders without a receipt are not installed and are \
        not listed.

        Example: spider-pack installed --store /var/lib/spider/drivers
        """)

    @Option(help: "The install store folder.")
    var store: String

    func run() throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: store, isDirectory: &isFolder), isFolder.boolValue else {
            throw Failure("\(store) is not a folder")
        }
        // Opening the store also clears what an interrupted install left, as spiderd does on start.
        let receipts = try InstallStore(root: store).installed()
        for r in receipts {
            print("\(r.name) \(r.version) \(r.platform) provider \(r.provider) abi \(r.abi_version) signer \(r.signer) source \(r.source)")
        }
        if receipts.isEmpty { FileHandle.standardError.write(Data("no drivers installed in \(store)\n".utf8)) }
    }
}
