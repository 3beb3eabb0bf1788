// Every test here waits on events (TestEvents), so the module is visible in all of them.
@_exported import TestEvents

extension ChildProcess {
    /// Runs a program to completion (bounded), its output in a file inside `folder`.
    static func run(_ program: String, _ arguments: [String], in folder: TempFolder, seconds: Double = 120) throws -> (Exit, String) {
        try run(program, arguments, logIn: folder.path, seconds: seconds)
    }
}
