/// A validating JSON scanner over a byte buffer (RFC 8259).
///
/// Tokens are byte offsets into the buffer. Containers are skipped iteratively with an explicit depth
/// stack, so hostile nesting hits `maxDepth` instead of the call stack. Validating allocates only
/// past 128 levels of nesting (the stack's heap part) and for member names with escapes.
package struct JSONScanner {
    /// The deepest nesting of arrays and objects accepted.
    package static let maxDepth = 1024

    @usableFromInline let base: UnsafePointer<UInt8>
    /// Number of bytes in the buffer.
    package let count: Int

    /// Scans `buffer`, which must outlive the scanner.
    package init(_ buffer: UnsafeRawBufferPointer) {
        if let b = buffer.baseAddress, buffer.count > 0 {
            base = b.assumingMemoryBound(to: UInt8.self)
        } else {
            base = UnsafePointer(Self.emptyByte)
        }
        count = buffer.count
    }

    nonisolated(unsafe) private static let emptyByte: UnsafeMutablePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    /// The byte at `i`, unchecked in every build: callers keep `0 <= i < count` (the scan loops test
    /// `i < count` before each read).
    @inline(__always) package subscript(i: Int) -> UInt8 { base[i] }

    /// The address of the byte at `i` (stable while the buffer lives).
    @inline(__always) package func address(_ i: Int) -> UnsafeRawPointer { UnsafeRawPointer(base + i) }

    /// The buffer's bytes in `start..<end`.
    @inline(__always) package func bytes(_ start: Int, _ end: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + start, count: end - start)
    }

    /// Skips JSON whitespace (space, tab, CR, LF) from `i`.
    /// Compact JSON has none between tokens: the first byte decides, inline; runs go to
    /// `skipWhitespaceRun`.
    @inline(__always) package func skipWhitespace(_ i: Int) -> Int {
        guard i < count, Self.isWhitespace(base[i]) else { return i }
        return skipWhitespaceRun(i &+ 1)
    }

    /// Skips spaces, tabs and CRs (not LF) from `i`.
    @inline(__always) package func skipBlanks(_ i: Int) -> Int {
        var i = i
        while i < count {
            let c = base[i]
            if c == 0x20 || c == 0x0D || c == 0x09 { i += 1 } else { break }
        }
        return i
    }

    /// Validates the value starting at `i` (after optional whitespace) and returns the offset after it.
    /// `depth` is the nesting level of the value's container, counted against `maxDepth`.
    package func skipValue(_ start: Int, depth: Int = 0) throws(JSONError) -> Int {
        var i = skipWhitespace(start)
        guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
        let first = base[i]
        if first != 0x7B && first != 0x5B { return try skipScalar(i) }
        // Bit stack: 1 = object, 0 = array; index = local depth.
        var stack = DepthStack()
        var d = 0
        // State: at a value position.
        value: while true {
            guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
            let c = base[i]
            if c == 0x7B || c == 0x5B {
                if depth + d + 1 > Self.maxDepth { throw JSONError(.tooDeep(limit: Self.maxDepth), at: i) }
                let isObject = c == 0x7B
                stack.set(d, isObject)
                d += 1
                i = skipWhitespace(i + 1)
                guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
                if base[i] == (isObject ? 0x7D : 0x5D) {
                    i += 1
                    d -= 1
                } else if isObject {
                    i = try skipKeyAndColon(i)
                    continue value
                } else {
                    continue value
                }
            } else {
                i = try skipScalar(i)
            }
            // After a value: close containers or move to the next element.
            while true {
                if d == 0 { return i }
                i = skipWhitespace(i)
                guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
                let c = base[i]
                let isObject = stack.get(d - 1)
                if c == 0x2C {
                    i = skipWhitespace(i + 1)
                    if isObject { i = try skipKeyAndColon(i) } else { i = skipWhitespace(i) }
                    continue value
                } else if c == (isObject ? 0x7D : 0x5D) {
                    i += 1
                    d -= 1
                } else {
                    throw JSONError(.expectedCommaOrEnd, at: i)
                }
            }
        }
    }

    /// At an object key position: validates `"key"` `:` and returns the offset of the member value.
    @inline(__always) func skipKeyAndColon(_ start: Int) throws(JSONError) -> Int {
        guard start < count else { throw JSONError(.unexpectedEnd, at: start) }
        guard base[start] == 0x22 else { throw JSONError(.expectedKey, at: start) }
        var i = try scanString(start).end
        i = skipWhitespace(i)
        guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
        guard base[i] == 0x3A else { throw JSONError(.expectedColon, at: i) }
        return skipWhitespace(i + 1)
    }

    /// Validates a string, number or literal at `i` and returns the offset after it.
    @inline(__always) func skipScalar(_ i: Int) throws(JSONError) -> Int {
        let c = base[i]
        switch c {
        case 0x22: return try scanString(i).end
        case 0x2D, 0x30...0x39: return try scanNumber(i)
        case 0x74: return try literal(i, 0x74_72_75_65, 4)  // true
        case 0x66: return try literal(i, 0x66_61_6C_73_65, 5)  // false
        case 0x6E: return try literal(i, 0x6E_75_6C_6C, 4)  // null
        default: throw JSONError(.unexpectedByte(c), at: i)
        }
    }

    @inline(__always) func literal(_ i: Int, _ word: UInt64, _ n: Int) throws(JSONError) -> Int {
        var k = 0
        while k < n {
            let expected = UInt8(truncatingIfNeeded: word >> UInt64(8 * (n - 1 - k)))
            guard i + k < count else { throw JSONError(.unexpectedEnd, at: i + k) }
            guard base[i + k] == expected else { throw JSONError(.invalidLiteral, at: i) }
            k += 1
        }
        return i + n
    }

    /// Validates a number at `i` (RFC 8259 grammar) and returns the offset after it.
    package func scanNumber(_ start: Int) throws(JSONError) -> Int {
        var i = start
        if base[i] == 0x2D { i += 1 }
        guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
        if base[i] == 0x30 {
            i += 1
        } else if base[i] >= 0x31 && base[i] <= 0x39 {
            i += 1
            while i < count && base[i] &- 0x30 < 10 { i += 1 }
        } else {
            throw JSONError(.invalidNumber, at: start)
        }
        if i < count && base[i] == 0x2E {
            i += 1
            guard i < count, base[i] &- 0x30 < 10 else { throw JSONError(.invalidNumber, at: start) }
            while i < count && base[i] &- 0x30 < 10 { i += 1 }
        }
        if i < count && (base[i] == 0x65 || base[i] == 0x45) {
            i += 1
            if i < count && (base[i] == 0x2B || base[i] == 0x2D) { i += 1 }
            guard i < count, base[i] &- 0x30 < 10 else { throw JSONError(.invalidNumber, at: start) }
            while i < count && base[i] &- 0x30 < 10 { i += 1 }
        }
        // A number glued to a letter or digit ("01", "1x") is one bad token, not two.
        if i < count {
            let c = base[i]
            if c &- 0x30 < 10 || c == 0x2E || (c | 0x20) &- 0x61 < 26 { throw JSONError(.invalidNumber, at: start) }
        }
        return i
    }
}
