import KeytrailScan
import TestSupport
import Testing

/// The one byte comparison and the latest-wins order, against the standard library's
/// lexicographic order on random byte strings (long shared prefixes cross the 8-byte words).
@Suite("Latest wins")
struct LatestWinsTests {
    static func sign(_ c: Int) -> Int { c < 0 ? -1 : c > 0 ? 1 : 0 }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func compareBytesIsLexicographicByteOrder(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let alphabet: [UInt8] = [0x00, 0x01, 0x41, 0x7F, 0x80, 0xFF]
        for _ in 0..<2000 {
            let shared = (0..<rng.int(in: 0...20)).map { _ in alphabet[rng.below(alphabet.count)] }
            let a = shared + (0..<rng.int(in: 0...3)).map { _ in alphabet[rng.below(alphabet.count)] }
            let b = shared + (0..<rng.int(in: 0...3)).map { _ in alphabet[rng.below(alphabet.count)] }
            let want = a == b ? 0 : a.lexicographicallyPrecedes(b) ? -1 : 1
            let raw = a.withUnsafeBytes { x in b.withUnsafeBytes { y in LatestWins.compareBytes(x, y) } }
            #expect(Self.sign(raw) == want, "seed \(seed): \(a) vs \(b)")
            #expect(Self.sign(LatestWins.compareBytes(a, b)) == want, "seed \(seed): \(a) vs \(b)")
            #expect(Self.sign(LatestWins.compareBytes(a.lazy.map { $0 }, b)) == want, "seed \(seed)")
        }
        // Strings compare by their UTF-8 bytes, not by Unicode equivalence.
        #expect(LatestWins.compareBytes("CS".utf8, "Cdn".utf8) < 0)
        #expect(LatestWins.compareBytes("e\u{301}".utf8, "\u{E9}".utf8) != 0)
    }

    @Test func timeThenEventIdThenDetailDecide() {
        func beats(_ a: (Int64, String, String), _ b: (Int64, String, String)) -> Bool {
            var (ai, ad, bi, bd) = (a.1, a.2, b.1, b.2)
            return ai.withUTF8 { x in
                ad.withUTF8 { y in
                    bi.withUTF8 { z in
                        bd.withUTF8 { w in
                            LatestWins.beats(a.0, .init(x), .init(y), b.0, .init(z), .init(w))
                        }
                    }
                }
            }
        }
        #expect(beats((2, "a", "a"), (1, "z", "z")))
        #expect(beats((1, "b", "a"), (1, "a", "z")))
        #expect(beats((1, "a", "b"), (1, "a", "a")))
        #expect(!beats((1, "a", "a"), (1, "a", "a")))
        #expect(!beats((1, "a", "a"), (2, "a", "a")))
    }
}
