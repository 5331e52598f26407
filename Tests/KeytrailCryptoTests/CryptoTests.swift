import KeytrailCrypto
import Testing

/// SHA-256 and SHA-1 against FIPS 180 examples; HMAC against RFC 4231 and RFC 2202; hex and Base64.
@Suite("Hashes and HMAC")
struct CryptoTests {
    static func hex(_ b: [UInt8]) -> String { Hex.encode(b) }
    static let long448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (long448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256(input: String, digest: String) {
        #expect(Self.hex(SHA256.hash(Array(input.utf8))) == digest)
    }

    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (long448, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
    ])
    func sha1(input: String, digest: String) {
        #expect(Self.hex(SHA1.hash(Array(input.utf8))) == digest)
    }

    @Test func millionAsInPieces() {
        var h256 = SHA256()
        var h1 = SHA1()
        let piece = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 {
            h256.update(piece)
            h1.update(piece)
        }
        #expect(Self.hex(h256.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(Self.hex(h1.finalize()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test(arguments: [0, 1, 55, 56, 63, 64, 65, 128, 299])
    func splitFeedingGivesTheSameDigest(cut: Int) {
        let data = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var a = SHA256()
        a.update(data[..<cut])
        a.update(data[cut...])
        #expect(a.finalize() == SHA256.hash(data))
        var b = SHA1()
        b.update(data[..<cut])
        b.update(data[cut...])
        #expect(b.finalize() == SHA1.hash(data))
    }

    static let blockKeyMessage = "Test Using Larger Than Block-Size Key - Hash Key First"

    /// RFC 4231 test cases 1, 2 and 6 (a key longer than the block).
    @Test(arguments: [
        (
            [UInt8](repeating: 0x0b, count: 20), "Hi There",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            Array("Jefe".utf8), "what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            [UInt8](repeating: 0xaa, count: 131), blockKeyMessage,
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
    ])
    func hmacSHA256RFC4231(key: [UInt8], message: String, mac: String) {
        #expect(Self.hex(HMAC.sha256(key: key, message: Array(message.utf8))) == mac)
    }

    /// RFC 2202 test cases 1, 2 and 6.
    @Test(arguments: [
        ([UInt8](repeating: 0x0b, count: 20), "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"),
        (Array("Jefe".utf8), "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        ([UInt8](repeating: 0xaa, count: 80), blockKeyMessage, "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
    ])
    func hmacSHA1RFC2202(key: [UInt8], message: String, mac: String) {
        #expect(Self.hex(HMAC.sha1(key: key, message: Array(message.utf8))) == mac)
    }

    @Test func hexAndBase64RoundTrip() {
        #expect(Hex.decode("00ff10Ab") == [0, 255, 16, 0xab])
        #expect(Hex.decode("abc") == nil && Hex.decode("zz") == nil)
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(HMAC.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!HMAC.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!HMAC.constantTimeEqual([1, 2, 3], [1, 2]))
    }
}
