/// HMAC (RFC 2104) over a 64-byte-block hash.
package enum HMAC<H: HashFunction> {
    /// The tag of `message` under `key`.
    package static func authenticate(key: [UInt8], message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { authenticate(key: key, message: $0) }
    }

    /// The tag of the UTF-8 bytes of `message` under the UTF-8 bytes of `key`.
    package static func authenticate(key: String, message: String) -> [UInt8] {
        authenticate(key: Array(key.utf8), message: Array(message.utf8))
    }

    /// The tag of `message` under `key`.
    package static func authenticate(key: [UInt8], message: UnsafeRawBufferPointer) -> [UInt8] {
        var k = key.count > H.blockCount ? H.hash(key) : key
        k += [UInt8](repeating: 0, count: H.blockCount - k.count)
        var inner = H()
        inner.update(k.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = H()
        outer.update(k.map { $0 ^ 0x5C })
        outer.update(inner.finalize())
        return outer.finalize()
    }
}
