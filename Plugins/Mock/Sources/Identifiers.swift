// Cloud-looking resource IDs and lookups by IID.
import SpiderModels

enum SystemID {
    /// `prefix-` followed by 17 random hex digits, like `vpc-0a1b2c3d4e5f67890`.
    static func make(_ prefix: String, unusedIn taken: (String) -> Bool) -> String {
        while true {
            var generator = SystemRandomNumberGenerator()
            let high = UInt64.random(in: 0..<16, using: &generator)
            let low = generator.next() as UInt64
            let hex = String(high, radix: 16) + pad(String(low, radix: 16), to: 16)
            let id = "\(prefix)-\(hex)"
            if !taken(id) { return id }
        }
    }

    private static func pad(_ text: String, to width: Int) -> String {
        String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// A stored resource that carries its IID and its creation order.
protocol Identified {
    var iid: IID { get }
    var sequence: Int { get }
}

extension Dictionary where Key == String, Value: Identified {
    /// The resource an IID names: by SystemId when the caller gave one, else by NameId.
    func find(_ iid: IID) -> Value? {
        if !iid.SystemId.isEmpty { return self[iid.SystemId] }
        guard !iid.NameId.isEmpty else { return nil }
        return values.first { $0.iid.NameId == iid.NameId }
    }

    /// The resource an IID names, or NOT_FOUND naming the kind (`noun`) and the IID.
    func require(_ iid: IID, _ noun: String) throws -> Value {
        guard let value = find(iid) else { throw MockError.notFound(noun, iid.label) }
        return value
    }

    func hasName(_ name: String) -> Bool {
        values.contains { $0.iid.NameId == name }
    }

    /// Every resource in creation order.
    var inCreationOrder: [Value] {
        values.sorted { $0.sequence < $1.sequence }
    }
}

extension IID {
    /// The name to show in messages: the NameId, else the SystemId.
    var label: String { NameId.isEmpty ? SystemId : NameId }
}
