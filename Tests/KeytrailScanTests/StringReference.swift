import KeytrailScan
import TestSupport

/// A plain byte-by-byte JSON string validator written from RFC 8259 and RFC 3629 (table 3-7 of the Unicode
/// standard), independent of the scanner's code, with the scanner's error kinds and offsets.
enum StringReference {
    /// A scanned string: the offset after its closing quote and whether it had escapes.
    struct Token: Equatable, CustomStringConvertible {
        var end: Int
        var escaped: Bool

        init(end: Int, escaped: Bool) {
            self.end = end
            self.escaped = escaped
        }

        init(_ token: JSONScanner.StringToken) { self.init(end: token.end, escaped: token.hasEscapes) }

        var description: String { "end \(end)\(escaped ? ", escaped" : "")" }
    }

    static func isHex(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)
    }

    /// The value of four hex digits at `at`, or the error: `unexpectedEnd` where the input ran out,
    /// `invalidUnicodeEscape` at `escapeStart` for a non-hex digit.
    static func hex4(_ b: [UInt8], _ at: Int, escapeStart: Int) -> Result<UInt32, JSONError> {
        var v: UInt32 = 0
        for k in 0..<4 {
            guard at + k < b.count else { return .failure(JSONError(.unexpectedEnd, at: at + k)) }
            let c = b[at + k]
            guard isHex(c) else { return .failure(JSONError(.invalidUnicodeEscape, at: escapeStart)) }
            v = v * 16 + UInt32(String(UnicodeScalar(c)), radix: 16)!
        }
        return .success(v)
    }

    /// Well-formed UTF-8 sequences by lead byte: length and the range of the second byte.
    static func utf8Shape(_ lead: UInt8) -> (length: Int, second: ClosedRange<UInt8>)? {
        switch lead {
        case 0xC2...0xDF: return (2, 0x80...0xBF)
        case 0xE0: return (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: return (3, 0x80...0xBF)
        case 0xED: return (3, 0x80...0x9F)
        case 0xF0: return (4, 0x90...0xBF)
        case 0xF1...0xF3: return (4, 0x80...0xBF)
        case 0xF4: return (4, 0x80...0x8F)
        default: return nil
        }
    }

    /// Scans the string whose opening quote is at `start`: the offset after it and whether it has escapes.
    static func scan(_ b: [UInt8], _ start: Int) -> Result<Token, JSONError> {
        var i = start + 1
        var escaped = false
        while i < b.count {
            let c = b[i]
            if c == 0x22 { return .success(Token(end: i + 1, escaped: escaped)) }
            if c < 0x20 { return .failure(JSONError(.controlCharacter(c), at: i)) }
            if c < 0x80 && c != 0x5C {
                i += 1
                continue
            }
            if c >= 0x80 {
                guard let shape = utf8Shape(c), i + shape.length <= b.count,
                    shape.second.contains(b[i + 1]),
                    b[(i + 2)..<(i + shape.length)].allSatisfy({ (0x80...0xBF).contains($0) })
                else { return .failure(JSONError(.invalidUTF8, at: i)) }
                i += shape.length
                continue
            }
            escaped = true
            guard i + 1 < b.count else { return .failure(JSONError(.unexpectedEnd, at: i + 1)) }
            let e = b[i + 1]
            if utf8(#""\/bfnrt"#).contains(e) {
                i += 2
                continue
            }
            guard e == 0x75 else { return .failure(JSONError(.invalidEscape, at: i)) }
            let u: UInt32
            switch hex4(b, i + 2, escapeStart: i) {
            case .failure(let error): return .failure(error)
            case .success(let v): u = v
            }
            if (0xDC00...0xDFFF).contains(u) { return .failure(JSONError(.loneSurrogate, at: i)) }
            guard (0xD800...0xDBFF).contains(u) else {
                i += 6
                continue
            }
            guard i + 7 < b.count, b[i + 6] == 0x5C, b[i + 7] == 0x75 else {
                return .failure(JSONError(.loneSurrogate, at: i))
            }
            switch hex4(b, i + 8, escapeStart: i + 6) {
            case .failure(let error): return .failure(error)
            case .success(let lo):
                guard (0xDC00...0xDFFF).contains(lo) else { return .failure(JSONError(.loneSurrogate, at: i)) }
            }
            i += 12
        }
        return .failure(JSONError(.unexpectedEnd, at: b.count))
    }

    /// A JSON string body spelling `scalars`, choosing at random between raw UTF-8 and each escape form
    /// allowed for a character; also reports whether any escape was used.
    static func encode(_ scalars: [Unicode.Scalar], using rng: inout SeededRandom) -> (body: [UInt8], escaped: Bool) {
        var body: [UInt8] = []
        var escaped = false
        let short: [UInt32: String] = [
            0x22: #"\""#, 0x5C: #"\\"#, 0x2F: #"\/"#, 0x08: #"\b"#, 0x0C: #"\f"#, 0x0A: #"\n"#, 0x0D: #"\r"#,
            0x09: #"\t"#,
        ]
        for s in scalars {
            let v = s.value
            let mustEscape = v < 0x20 || v == 0x22 || v == 0x5C
            let choice = mustEscape ? Int.random(in: 1...2, using: &rng) : Int.random(in: 0...3, using: &rng)
            if choice == 0 || choice == 3 {
                body += utf8(String(s))
            } else if choice == 1, let escape = short[v] {
                body += utf8(escape)
                escaped = true
            } else {
                let upper = Bool.random(using: &rng)
                if v < 0x10000 {
                    body += utf8(#"\u"# + hex(v, uppercase: upper))
                } else {
                    let w = v - 0x10000
                    body += utf8(#"\u"# + hex(0xD800 + (w >> 10), uppercase: upper))
                    body += utf8(#"\u"# + hex(0xDC00 + (w & 0x3FF), uppercase: upper))
                }
                escaped = true
            }
        }
        return (body, escaped)
    }

    /// A random Unicode scalar, weighted towards ASCII, the characters JSON escapes, and range edges.
    static func randomScalar(using rng: inout SeededRandom) -> Unicode.Scalar {
        let edges: [UInt32] = [
            0x00, 0x1F, 0x20, 0x22, 0x2F, 0x5C, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000,
            0x10FFFF,
        ]
        let v: UInt32
        switch Int.random(in: 0..<10, using: &rng) {
        case 0...3: v = UInt32.random(in: 0x20...0x7E, using: &rng)
        case 4: v = UInt32.random(in: 0x00...0x1F, using: &rng)
        case 5: v = edges.randomElement(using: &rng)!
        case 6: v = UInt32.random(in: 0x80...0x7FF, using: &rng)
        case 7: v = UInt32.random(in: 0x800...0xD7FF, using: &rng)
        case 8: v = UInt32.random(in: 0xE000...0xFFFF, using: &rng)
        default: v = UInt32.random(in: 0x10000...0x10FFFF, using: &rng)
        }
        return Unicode.Scalar(v)!
    }
}
