/// A fresh request ID: a random (version 4) UUID in upper case.
package enum RequestID {
    /// A new request ID, from two draws of the system generator (a getrandom(2) each).
    package static func make() -> String {
        var g = SystemRandomNumberGenerator()
        return format(g.next(), g.next())
    }

    /// Request IDs for one thread that answers many requests (a server's event loop): a
    /// xoshiro256** generator seeded once from the system's, so that an answer costs no system
    /// call for its ID. The IDs name answers in logs; they are not secrets (a paging token is
    /// sealed with the index's key, not with these).
    package struct Source {
        private var s: (UInt64, UInt64, UInt64, UInt64)

        package init() {
            var g = SystemRandomNumberGenerator()
            self.init(state: (g.next(), g.next(), g.next(), g.next()))
        }

        /// A source from a given state (a test's known answers).
        package init(state: (UInt64, UInt64, UInt64, UInt64)) {
            s = state
            if s == (0, 0, 0, 0) { s.0 = 1 }  // the one state the generator cannot leave
        }

        /// The next request ID.
        package mutating func next() -> String { RequestID.format(draw(), draw()) }

        private mutating func draw() -> UInt64 {
            let result = (s.1 &* 5).rotatedLeft(7) &* 9
            let t = s.1 << 17
            s.2 ^= s.0
            s.3 ^= s.1
            s.1 ^= s.2
            s.0 ^= s.3
            s.2 ^= t
            s.3 = s.3.rotatedLeft(45)
            return result
        }
    }

    /// Two random words as a version 4 UUID.
    static func format(_ a: UInt64, _ b: UInt64) -> String {
        var b = (a, b)
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

extension UInt64 {
    fileprivate func rotatedLeft(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}
