/// Where a response body's layout goes: a counter that sizes it, then a writer that fills a buffer
/// of exactly that size. One layout function, generic over the sink, runs twice; nothing is
/// appended piecemeal, no intermediate `String` is made, and each byte is written once.
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
private let escapeExtra: [UInt8] = (0..<256).map { c in
    switch c {
    case 0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x08, 0x0C: return 1
    case 0..<0x20: return 5
    default: return 0
    }
}

/// Per byte: 0 copied as is, else the letter after the backslash (`u` for `\u00xx`).
private let escapeLetter: [UInt8] = (0..<256).map { c in
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

/// Sizes a body.
struct CountingSink: JSONBodySink {
    /// The bytes the layout takes.
    private(set) var count = 0

    mutating func raw(_ text: StaticString) { count += text.utf8CodeUnitCount }

    mutating func spaces(_ n: Int) { count += n }

    mutating func quoted(_ value: UnsafeRawBufferPointer) {
        count += 2 + value.count
        guard let src = value.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        // Branch-free: Details are JSON text, with a quote every few bytes.
        var extra = 0
        escapeExtra.withUnsafeBufferPointer { table in
            for k in 0..<value.count { extra &+= Int(table[Int(src[k])]) }
        }
        count += extra
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
            escapeLetter.withUnsafeBufferPointer { letters in
                escapeExtra.withUnsafeBufferPointer { extras in
                    /// Writes the escape of `c`, which needs one: `\x` or `\u00xx`.
                    func escape(_ c: UInt8, remaining: Int) {
                        // This byte escaped, the rest plain and the closing quote still fit.
                        precondition(
                            count &+ o &+ remaining &+ 1 &+ Int(extras[Int(c)]) <= capacity,
                            "the body outgrew its measured size")
                        let letter = letters[Int(c)]
                        dst[o] = 0x5C
                        dst[o + 1] = letter
                        if letter != UInt8(ascii: "u") {
                            o += 2
                            return
                        }
                        let hex: StaticString = "0123456789abcdef"
                        dst[o + 2] = 0x30
                        dst[o + 3] = 0x30
                        dst[o + 4] = hex.utf8Start[Int(c >> 4)]
                        dst[o + 5] = hex.utf8Start[Int(c & 15)]
                        o += 6
                    }
                    // Eight bytes at a time: store them, then keep those before the first that
                    // needs an escape (none, mostly, in a run of plain text).
                    var k = 0
                    while k &+ 8 <= n {
                        precondition(count &+ o &+ (n &- k) &+ 1 <= capacity, "the body outgrew its measured size")
                        let w = UnsafeRawPointer(src + k).loadUnaligned(as: UInt64.self)
                        UnsafeMutableRawPointer(dst + o).storeBytes(of: w, as: UInt64.self)
                        let special = Self.needsEscape(w)
                        if special == 0 {
                            k &+= 8
                            o &+= 8
                            continue
                        }
                        let i = special.trailingZeroBitCount &>> 3
                        k &+= i
                        o &+= i
                        escape(src[k], remaining: n &- k &- 1)
                        k &+= 1
                    }
                    while k < n {
                        let c = src[k]
                        if extras[Int(c)] == 0 {
                            precondition(count &+ o &+ (n &- k) &+ 1 <= capacity, "the body outgrew its measured size")
                            dst[o] = c
                            o &+= 1
                        } else {
                            escape(c, remaining: n &- k &- 1)
                        }
                        k &+= 1
                    }
                }
            }
        }
        dst[o] = 0x22
        count += o + 1
    }

    /// The high bit of each byte of `w` that is `"`, `\` or a control character, exact for the
    /// lowest such byte (a borrow can only mark bytes above a true one).
    @inline(__always) static func needsEscape(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let isQuote = (quote &- ones) & ~quote
        let isBackslash = (backslash &- ones) & ~backslash
        let isControl = (w &- ones &* 0x20) & ~w
        return (isQuote | isBackslash | isControl) & highs
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

/// The bytes `layout` writes, in one buffer of exactly their size.
func jsonBody(_ layout: (inout CountingSink) -> Void, _ write: (inout WritingSink) -> Void) -> [UInt8] {
    var counter = CountingSink()
    layout(&counter)
    let size = counter.count
    return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
        var writer = WritingSink(buffer)
        write(&writer)
        precondition(writer.count == size, "the body's layout wrote \(writer.count) of \(size) bytes")
        initialized = size
    }
}
