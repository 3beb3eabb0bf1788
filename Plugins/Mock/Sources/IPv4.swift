// IPv4 addresses and CIDR blocks: parsing, containment, overlap and address allocation.

/// An IPv4 CIDR block such as `10.0.1.0/24`, always in network form (host bits zero).
struct IPv4CIDR: Hashable, Sendable, CustomStringConvertible {
    let network: UInt32
    let prefix: Int

    /// Parses `a.b.c.d/n`. Throws INVALID_ARGUMENT naming `field` when the text is not a valid
    /// CIDR or has host bits set.
    init(_ text: String, field: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4CIDR.address(parts[0]),
              let prefix = Int(parts[1]), (0...32).contains(prefix),
              parts[1].allSatisfy(\.isASCII), !parts[1].hasPrefix("+")
        else {
            throw MockError.invalid(field, "'\(text)' is not an IPv4 CIDR block (expected a.b.c.d/n)")
        }
        let mask = IPv4CIDR.mask(prefix)
        guard address & mask == address else {
            let suggestion = IPv4CIDR.format(address & mask) + "/\(prefix)"
            throw MockError.invalid(field, "'\(text)' has host bits set (did you mean \(suggestion)?)")
        }
        self.network = address
        self.prefix = prefix
    }

    var description: String { IPv4CIDR.format(network) + "/\(prefix)" }

    var first: UInt32 { network }
    var last: UInt32 { network | ~IPv4CIDR.mask(prefix) }

    func contains(_ other: IPv4CIDR) -> Bool {
        other.prefix >= prefix && other.network & IPv4CIDR.mask(prefix) == network
    }

    func contains(address: UInt32) -> Bool {
        address & IPv4CIDR.mask(prefix) == network
    }

    func overlaps(_ other: IPv4CIDR) -> Bool {
        contains(other) || other.contains(self)
    }

    /// The addresses a VM may get, cloud style: the first four (network, gateway, DNS, reserved)
    /// and the last (broadcast) are kept back.
    var assignable: ClosedRange<UInt32>? {
        guard prefix <= 28 else { return nil }
        return (first + 4)...(last - 1)
    }

    static func mask(_ prefix: Int) -> UInt32 {
        prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
    }

    /// Four decimal octets without leading zeros.
    static func address(_ text: Substring) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy({ $0.isASCII && $0.isNumber }),
                  octet == "0" || !octet.hasPrefix("0"),
                  let byte = UInt32(octet), byte <= 255
            else { return nil }
            value = value << 8 | byte
        }
        return value
    }

    static func format(_ address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 0xff).\(address >> 8 & 0xff).\(address & 0xff)"
    }
}
