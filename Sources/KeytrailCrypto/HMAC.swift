/// HMAC (RFC 2104) over SHA-256 or SHA-1, and a comparison that takes the same time wherever the
/// inputs differ.
package enum HMAC {
    /// HMAC-SHA256 of `message` under `key`.
    package static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        mac(SHA256.self, key: key, message: message)
    }

    /// HMAC-SHA1 of `message` under `key` (the V2 RPC signature only).
    package static func sha1(key: [UInt8], message: [UInt8]) -> [UInt8] {
        mac(SHA1.self, key: key, message: message)
    }

    /// HMAC with hash `H`.
    package static func mac<H: BlockHash>(_: H.Type, key: [UInt8], message: [UInt8]) -> [UInt8] {
        var k = key.count > H.blockSize ? H.hash(key) : key
        k += [UInt8](repeating: 0, count: H.blockSize - k.count)
        var inner = H()
        inner.update(k.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = H()
        outer.update(k.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// Whether `a` equals `b`, in time that depends only on their lengths.
    package static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var d: UInt8 = 0
        for i in a.indices { d |= a[i] ^ b[i] }
        return d == 0
    }
}
