/// Comparisons whose time does not depend on where the inputs differ.
package enum ConstantTime {
    /// Whether `a` equals `b`; the time depends only on the lengths (which are public here: a
    /// signature's length follows from its algorithm).
    package static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    /// Whether the UTF-8 bytes of `a` equal those of `b`.
    package static func equals(_ a: String, _ b: String) -> Bool { equals(Array(a.utf8), Array(b.utf8)) }
}
