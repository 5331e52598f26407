import KeytrailCrypto

/// Percent-encoding as the Alibaba Cloud SDKs sign it, and decoding of query strings and form bodies.
///
/// Both signatures encode every byte outside RFC 3986's unreserved set (`A–Z a–z 0–9 - _ . ~`) as
/// `%XX` in upper case. The V2 documentation describes it as URL-encoding followed by `+`→`%20`,
/// `*`→`%2A` and `%7E`→`~`: the same result, spelled from Java's URLEncoder.
package enum PercentEncoding {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Whether `b` is unreserved (RFC 3986 §2.3).
    @inline(__always) package static func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E: return true
        default: return false
        }
    }

    /// The UTF-8 bytes of `text`, with everything but unreserved bytes as `%XX`.
    package static func encode(_ text: String) -> String { encode(Array(text.utf8)) }

    /// `bytes`, with everything but unreserved bytes as `%XX`.
    package static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for b in bytes {
            if isUnreserved(b) {
                out.append(b)
            } else {
                out.append(0x25)
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` and (form semantics, which servers also apply to query strings) `+` as a
    /// space. nil for a broken escape or a result that is not UTF-8.
    package static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == 0x25 {
                guard i + 2 < bytes.endIndex, let hi = Hex.value(bytes[i + 1]), let lo = Hex.value(bytes[i + 2])
                else { return nil }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b == 0x2B ? 0x20 : b)
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}
