import Foundation

/// Is a file a driver library? ELF, and its dynamic symbol table defines the ABI's entry point.
enum DriverLibraryCheck {
    static let entrySymbol = "spider_driver_entry"

    static func check(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure("cannot read \(path)") }
        let magic = try handle.read(upToCount: 4) ?? Data()
        try handle.close()
        guard magic == Data([0x7f, 0x45, 0x4c, 0x46]) else { throw Failure("\(path) is not an ELF file") }
        // nm reads the table without loading the library (dlopen would run its constructors).
        let output = try Subprocess.run("nm", ["-D", "--defined-only", path])
        let exported = output.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count >= 3 && fields.last == Substring(entrySymbol) && fields[fields.count - 2] == "T"
        }
        guard exported else { throw Failure("\(path) does not export \(entrySymbol)") }
    }
}
