extension HMAC {
    /// HMAC-SHA1 of `message` under `key` (the V2 RPC signature only).
    public static func sha1(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var k = key.count > SHA1.blockSize ? SHA1.hash(key) : key
        k += [UInt8](repeating: 0, count: SHA1.blockSize - k.count)
        var inner = SHA1()
        inner.update(k.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA1()
        outer.update(k.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }
}
