extension JSONScanner {
    /// The result of scanning a string token.
    package struct StringToken: Sendable {
        /// Offset after the closing quote.
        package var end: Int
        /// Whether the body contains a backslash escape (and needs `unescape` to be read).
        package var hasEscapes: Bool
    }

    /// Validates the string whose opening quote is at `start`: escapes, surrogate pairs, control
    /// characters and UTF-8. Plain ASCII runs are skipped sixteen bytes at a time
    /// (`skipPlainStringBytes`), landing on the byte that needs a look.
    ///
    /// Inline, for the common string (member names, most values): plain ASCII up to its quote. A
    /// string with anything else goes on out of line, in `scanStringBody`.
    @inline(__always) package func scanString(_ start: Int) throws(JSONError) -> StringToken {
        let i = skipPlainStringBytes(start &+ 1)
        if i < count && base[i] == 0x22 { return StringToken(end: i &+ 1, hasEscapes: false) }
        return try scanStringBody(i)
    }

    /// The rest of a string's body from `start`, a byte that needs a look (or the buffer's tail).
    @inline(never) func scanStringBody(_ start: Int) throws(JSONError) -> StringToken {
        var i = start
        var escaped = false
        while true {
            i = skipPlainStringBytes(i)
            guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
            let c = base[i]
            if c == 0x22 { return StringToken(end: i + 1, hasEscapes: escaped) }
            if c == 0x5C {
                escaped = true
                i = try scanEscape(i)
            } else if c < 0x20 {
                throw JSONError(.controlCharacter(c), at: i)
            } else if c < 0x80 {
                i += 1
            } else {
                i = try scanUTF8(i)
            }
        }
    }

    /// Validates one escape at `i` (the backslash) and returns the offset after it.
    @inline(__always) func scanEscape(_ i: Int) throws(JSONError) -> Int {
        guard i + 1 < count else { throw JSONError(.unexpectedEnd, at: i + 1) }
        switch base[i + 1] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: return i + 2
        case 0x75:
            let u = try hex4(i + 2)
            if u >= 0xDC00 && u <= 0xDFFF { throw JSONError(.loneSurrogate, at: i) }
            if u >= 0xD800 && u <= 0xDBFF {
                guard i + 7 < count, base[i + 6] == 0x5C, base[i + 7] == 0x75 else {
                    throw JSONError(.loneSurrogate, at: i)
                }
                let lo = try hex4(i + 8)
                guard lo >= 0xDC00 && lo <= 0xDFFF else { throw JSONError(.loneSurrogate, at: i) }
                return i + 12
            }
            return i + 6
        default:
            throw JSONError(.invalidEscape, at: i)
        }
    }

    @inline(__always) func hex4(_ i: Int) throws(JSONError) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 {
            // A non-hex byte (often the closing quote) is the error even when the buffer ends soon after it.
            guard i + k < count else { throw JSONError(.unexpectedEnd, at: i + k) }
            let c = base[i + k]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw JSONError(.invalidUnicodeEscape, at: i - 2)
            }
            v = v << 4 | d
        }
        return v
    }

    /// Validates one multi-byte UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
    @inline(__always) func scanUTF8(_ i: Int) throws(JSONError) -> Int {
        let c = base[i]
        @inline(__always) func cont(_ k: Int) -> Bool { k < count && base[k] & 0xC0 == 0x80 }
        switch c {
        case 0xC2...0xDF:
            guard cont(i + 1) else { throw JSONError(.invalidUTF8, at: i) }
            return i + 2
        case 0xE0...0xEF:
            guard cont(i + 1), cont(i + 2) else { throw JSONError(.invalidUTF8, at: i) }
            let c1 = base[i + 1]
            if c == 0xE0 && c1 < 0xA0 { throw JSONError(.invalidUTF8, at: i) }  // overlong
            if c == 0xED && c1 >= 0xA0 { throw JSONError(.invalidUTF8, at: i) }  // surrogate
            return i + 3
        case 0xF0...0xF4:
            guard cont(i + 1), cont(i + 2), cont(i + 3) else { throw JSONError(.invalidUTF8, at: i) }
            let c1 = base[i + 1]
            if c == 0xF0 && c1 < 0x90 { throw JSONError(.invalidUTF8, at: i) }  // overlong
            if c == 0xF4 && c1 >= 0x90 { throw JSONError(.invalidUTF8, at: i) }  // > U+10FFFF
            return i + 4
        default:
            throw JSONError(.invalidUTF8, at: i)
        }
    }

    /// Appends the decoded body of a validated string (`start` after the opening quote, `end` at the
    /// closing quote) to `out` as UTF-8.
    package func unescape(_ start: Int, _ end: Int, into out: inout [UInt8]) {
        let old = out.count
        out.append(contentsOf: repeatElement(0, count: end - start))
        let n = out.withUnsafeMutableBytes { unescape(start, end, to: $0.baseAddress! + old) }
        out.removeLast(end - start - n)
    }

    /// Writes the decoded body of a validated string to `dst`, which has room for `end - start`
    /// bytes (decoding never lengthens a string). Returns the number of bytes written.
    package func unescape(_ start: Int, _ end: Int, to dst: UnsafeMutableRawPointer) -> Int {
        var i = start
        var o = 0
        @inline(__always) func put(_ b: UInt8) {
            dst.storeBytes(of: b, toByteOffset: o, as: UInt8.self)
            o += 1
        }
        while i < end {
            let c = base[i]
            if c != 0x5C {
                put(c)
                i += 1
                continue
            }
            let e = base[i + 1]
            switch e {
            case 0x62: put(0x08); i += 2
            case 0x66: put(0x0C); i += 2
            case 0x6E: put(0x0A); i += 2
            case 0x72: put(0x0D); i += 2
            case 0x74: put(0x09); i += 2
            case 0x75:
                var u = (try? hex4(i + 2)) ?? 0xFFFD
                i += 6
                if u >= 0xD800 && u <= 0xDBFF {
                    let lo = (try? hex4(i + 2)) ?? 0xDC00
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                    i += 6
                }
                o += Self.storeUTF8(u, at: dst + o)
            default: put(e); i += 2
            }
        }
        return o
    }

    /// Stores a Unicode scalar value as UTF-8 at `p`; returns the byte count.
    static func storeUTF8(_ u: UInt32, at p: UnsafeMutableRawPointer) -> Int {
        @inline(__always) func st(_ k: Int, _ v: UInt32) {
            p.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: k, as: UInt8.self)
        }
        switch u {
        case 0..<0x80:
            st(0, u)
            return 1
        case 0x80..<0x800:
            st(0, 0xC0 | (u >> 6))
            st(1, 0x80 | (u & 0x3F))
            return 2
        case 0x800..<0x10000:
            st(0, 0xE0 | (u >> 12))
            st(1, 0x80 | ((u >> 6) & 0x3F))
            st(2, 0x80 | (u & 0x3F))
            return 3
        default:
            st(0, 0xF0 | (u >> 18))
            st(1, 0x80 | ((u >> 12) & 0x3F))
            st(2, 0x80 | ((u >> 6) & 0x3F))
            st(3, 0x80 | (u & 0x3F))
            return 4
        }
    }
}
