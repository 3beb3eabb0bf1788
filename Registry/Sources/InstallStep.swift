/// Where an install into the store is, in order. The store reports each step as it begins, so a
/// tool can say what it is waiting for, and a crash-consistency check can stop an installer at
/// exactly one of them (spider-pack's SPIDER_INSTALL_STOP_AT; Registry/README.md).
public enum InstallStep: String, Sendable, CaseIterable {
    /// Another installer holds this driver's lock; this one waits for it.
    case waitingForLock = "waiting-for-lock"
    /// Checking the archive's size and SHA-256 against the index.
    case verifying
    /// Unpacking into `<store>/.staging/`.
    case unpacking
    /// fsync of every unpacked file and folder.
    case syncing
    /// Renaming the staged folder to `<store>/<name>/<version>/` (not installed yet: no receipt).
    case publishing
    /// Writing `receipt.json`: from its rename on, the version is installed.
    case writingReceipt = "writing-receipt"
    /// Adding the version to `spider.lock.json` (a crash here is mended when the store is next opened).
    case recording
}
