/// Where a response body's layout goes: a sink that sizes it, then a writer that fills a buffer
/// of that size. One layout function, generic over the sink, runs twice; nothing is appended
/// piecemeal, no intermediate `String` is made, and each byte is written once.
///
/// The bytes equal `JSONOutput`'s (the escaping rule is `JSONOutput.appendQuoted`'s: `"`, `\` and
/// control characters; `\n` `\r` `\t` `\b` `\f` by name, the others as `\u00xx` in lower-case hex),
/// which a test checks on random text.
protocol JSONBodySink {
    /// ASCII structure bytes (keys, punctuation, indentation).
    mutating func raw(_ text: StaticString)
    /// `count` spaces (pretty indentation).
    mutating func spaces(_ count: Int)
    /// A quoted, escaped string from UTF-8 bytes.
    mutating func quoted(_ value: UnsafeRawBufferPointer)
    /// A decimal integer.
    mutating func int(_ value: Int64)
}

extension JSONBodySink {
    /// A quoted, escaped string.
    mutating func quoted(_ value: String) {
        var v = value
        v.withUTF8 { quoted(UnsafeRawBufferPointer($0)) }
    }

    /// A quoted, escaped string from a byte array.
    mutating func quoted(_ value: [UInt8]) {
        value.withUnsafeBytes { quoted($0) }
    }
}

/// Per byte: 0 copied as is, else the escape's length minus one (1 for `\"`, 5 for `\u00xx`).
/// Raw pointers, made once and never written after: the loops read them without an array's
/// checks or closures.
nonisolated(unsafe) private let escapeExtraTable: UnsafePointer<UInt8> = table { c in
    switch c {
    case 0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x08, 0x0C: return 1
    case 0..<0x20: return 5
    default: return 0
    }
}

/// Per byte: 0 copied as is, else the letter after the backslash (`u` for `\u00xx`).
nonisolated(unsafe) private let escapeLetterTable: UnsafePointer<UInt8> = table { c in
    switch c {
    case 0x22, 0x5C: return UInt8(c)
    case 0x0A: return UInt8(ascii: "n")
    case 0x0D: return UInt8(ascii: "r")
    case 0x09: return UInt8(ascii: "t")
    case 0x08: return UInt8(ascii: "b")
    case 0x0C: return UInt8(ascii: "f")
    case 0..<0x20: return UInt8(ascii: "u")
    default: return 0
    }
}

private func table(_ entry: (Int) -> UInt8) -> UnsafePointer<UInt8> {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    for c in 0..<256 { p[c] = entry(c) }
    return UnsafePointer(p)
}

/// Word-at-a-time tests on eight bytes, each byte's answer in its high bit, exact per byte (no
/// borrow crosses bytes).
enum ByteMask {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080
    static let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// Bytes of `w` that are zero.
    @inline(__always) static func zero(_ w: UInt64) -> UInt64 { ~(((w & lows) &+ lows) | w) & highs }

    /// Bytes of `w` below 0x20 (control characters).
    @inline(__always) static func control(_ w: UInt64) -> UInt64 {
        ~(((w & lows) &+ ones &* 0x60) | w) & highs
    }

    /// How many bytes a mask marks: a multiply sums the flags into the top byte (the baseline
    /// x86-64 target has no `popcnt`, and `nonzeroBitCount` becomes a dozen instructions).
    @inline(__always) static func count(_ mask: UInt64) -> Int { Int(((mask &>> 7) &* ones) &>> 56) }

    /// Bytes of `w` that are `"` or `\`.
    @inline(__always) static func quoteOrBackslash(_ w: UInt64) -> UInt64 {
        zero(w ^ (ones &* 0x22)) | zero(w ^ (ones &* 0x5C))
    }
}

/// The decimal digits of `value` (the sign aside).
@inline(__always) private func digitCount(_ magnitude: UInt64) -> Int {
    var n = 1
    var v = magnitude
    while v >= 10 {
        v /= 10
        n += 1
    }
    return n
}

/// Bounds a body's size without reading its strings: a string escaped takes at most six bytes a
/// byte (`\u00xx`), an integer at most 20.
struct BoundingSink: JSONBodySink {
    /// The bytes the layout takes at most.
    private(set) var count = 0

    mutating func raw(_ text: StaticString) { count += text.utf8CodeUnitCount }

    mutating func spaces(_ n: Int) { count += n }

    mutating func quoted(_ value: UnsafeRawBufferPointer) { count += 2 + 6 * value.count }

    mutating func int(_ value: Int64) { count += 20 }
}

/// Sizes a body exactly.
struct CountingSink: JSONBodySink {
    /// The bytes the layout takes.
    private(set) var count = 0

    mutating func raw(_ text: StaticString) { count += text.utf8CodeUnitCount }

    mutating func spaces(_ n: Int) { count += n }

    mutating func quoted(_ value: UnsafeRawBufferPointer) {
        count += 2 + value.count
        guard let src = value.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        count += Self.escapeExtra(src, value.count)
    }

    /// The bytes escaping adds to `n` bytes at `src`: a word at a time, by the bytes table for a
    /// word with a control character (rare in events).
    static func escapeExtra(_ src: UnsafePointer<UInt8>, _ n: Int) -> Int {
        let extras = escapeExtraTable
        var extra = 0
        var k = 0
        while k &+ 8 <= n {
            let w = UnsafeRawPointer(src + k).loadUnaligned(as: UInt64.self)
            if ByteMask.control(w) == 0 {
                extra &+= ByteMask.count(ByteMask.quoteOrBackslash(w))
            } else {
                for i in 0..<8 { extra &+= Int(extras[Int(src[k &+ i])]) }
            }
            k &+= 8
        }
        while k < n {
            extra &+= Int(extras[Int(src[k])])
            k &+= 1
        }
        return extra
    }

    mutating func int(_ value: Int64) {
        count += (value < 0 ? 1 : 0) + digitCount(value.magnitude)
    }
}

/// Writes a body into a buffer a `CountingSink` sized.
struct WritingSink: JSONBodySink {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// The bytes written.
    private(set) var count = 0

    /// A writer into `buffer`, from its start.
    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    private mutating func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        precondition(count + n <= capacity, "the body outgrew its measured size")
        defer { count += n }
        return base + count
    }

    mutating func raw(_ text: StaticString) {
        let n = text.utf8CodeUnitCount
        reserve(n).update(from: text.utf8Start, count: n)
    }

    mutating func spaces(_ n: Int) { reserve(n).update(repeating: 0x20, count: n) }

    mutating func quoted(_ value: UnsafeRawBufferPointer) {
        let n = value.count
        precondition(count + n + 2 <= capacity, "the body outgrew its measured size")
        let dst = base + count
        dst[0] = 0x22
        var o = 1
        if let src = value.baseAddress?.assumingMemoryBound(to: UInt8.self) {
            o += Self.writeEscaped(src, n, to: dst + 1, room: capacity - count - 2)
        }
        dst[o] = 0x22
        count += o + 1
    }

    /// Writes the `n` bytes at `src` escaped to `dst`, which has `room` bytes; returns the bytes
    /// written. A word at a time: the word is stored whole, then again, shifted, after the
    /// backslash inserted before each `"` or `\` (overlapping stores), so plain bytes cost no
    /// branch each. A word with a control character (rare in events) goes byte by byte.
    static func writeEscaped(
        _ src: UnsafePointer<UInt8>, _ n: Int, to dst: UnsafeMutablePointer<UInt8>, room: Int
    ) -> Int {
        let letters = escapeLetterTable
        var o = 0
        var k = 0
        while k &+ 8 <= n {
            let w = UnsafeRawPointer(src + k).loadUnaligned(as: UInt64.self)
            // Each store below, the overlapping ones included, lands inside (a word escaped
            // takes at most 48 bytes; the buffer has `jsonBody`'s slack past the body).
            precondition(o &+ 48 <= room, "the body outgrew its buffer")
            if ByteMask.control(w) != 0 {
                for i in 0..<8 { o &+= escape(src[k &+ i], letters, to: dst + o) }
                k &+= 8
                continue
            }
            var special = ByteMask.quoteOrBackslash(w)
            var done = 0  // bytes of the word already placed before `o`
            UnsafeMutableRawPointer(dst + o).storeBytes(of: w, as: UInt64.self)
            while special != 0 {
                let i = special.trailingZeroBitCount &>> 3
                o &+= i &- done
                dst[o] = 0x5C
                o &+= 1
                done = i
                UnsafeMutableRawPointer(dst + o).storeBytes(of: w &>> UInt64(8 &* i), as: UInt64.self)
                special &= special &- 1
            }
            o &+= 8 &- done
            k &+= 8
        }
        while k < n {
            let c = src[k]
            precondition(o &+ 6 <= room, "the body outgrew its buffer")
            o &+= escape(c, letters, to: dst + o)
            k &+= 1
        }
        return o
    }

    /// Writes `c`, escaped when it must be, at `p`; returns the bytes written (1, 2 or 6).
    @inline(__always) static func escape(_ c: UInt8, _ letters: UnsafePointer<UInt8>, to p: UnsafeMutablePointer<UInt8>)
        -> Int
    {
        let letter = letters[Int(c)]
        if letter == 0 {
            p[0] = c
            return 1
        }
        p[0] = 0x5C
        p[1] = letter
        if letter != UInt8(ascii: "u") { return 2 }
        let hex: StaticString = "0123456789abcdef"
        p[2] = 0x30
        p[3] = 0x30
        p[4] = hex.utf8Start[Int(c >> 4)]
        p[5] = hex.utf8Start[Int(c & 15)]
        return 6
    }

    mutating func int(_ value: Int64) {
        let magnitude = value.magnitude
        let digits = digitCount(magnitude)
        let p = reserve((value < 0 ? 1 : 0) + digits)
        var at = 0
        if value < 0 {
            p[0] = UInt8(ascii: "-")
            at = 1
        }
        var v = magnitude
        for i in stride(from: at + digits - 1, through: at, by: -1) {
            p[i] = 0x30 + UInt8(v % 10)
            v /= 10
        }
    }
}

/// The bytes `layout` writes. A body whose bound (`BoundingSink`) is at most `boundedUpTo` is
/// written in one pass into a buffer of the bound's size (a hit's tens of KB of Detail are read
/// once, not counted first); a larger one is counted exactly first (`CountingSink`), so that a big
/// answer never holds six times its size. Either buffer has a little spare capacity past the
/// bytes for the escaper's word stores.
func jsonBody(
    bound layout: (inout BoundingSink) -> Void, count: (inout CountingSink) -> Void,
    write: (inout WritingSink) -> Void, boundedUpTo limit: Int = 1 << 20
) -> [UInt8] {
    var bound = BoundingSink()
    layout(&bound)
    let exact: Int?
    if bound.count <= limit {
        exact = nil
    } else {
        var counter = CountingSink()
        count(&counter)
        exact = counter.count
    }
    return [UInt8](unsafeUninitializedCapacity: (exact ?? bound.count) + 64) { buffer, initialized in
        var writer = WritingSink(buffer)
        write(&writer)
        precondition(writer.count <= bound.count, "the body's layout wrote more than its bound")
        precondition(exact.map { writer.count == $0 } ?? true, "the body's layout wrote other than it counted")
        initialized = writer.count
    }
}
