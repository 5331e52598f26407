/// A fresh request ID: a random (version 4) UUID in upper case.
package enum RequestID {
    /// A new request ID.
    package static func make() -> String {
        // Two draws of the system generator (a getrandom(2) each), not one per byte.
        var g = SystemRandomNumberGenerator()
        var b = (g.next() as UInt64, g.next() as UInt64)
        return withUnsafeMutableBytes(of: &b) { raw in
            raw[6] = (raw[6] & 0x0F) | 0x40
            raw[8] = (raw[8] & 0x3F) | 0x80
            let hex: StaticString = "0123456789ABCDEF"
            return String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 {
                        out[o] = UInt8(ascii: "-")
                        o += 1
                    }
                    out[o] = hex.utf8Start[Int(raw[i] >> 4)]
                    out[o + 1] = hex.utf8Start[Int(raw[i] & 15)]
                    o += 2
                }
                return o
            }
        }
    }
}
