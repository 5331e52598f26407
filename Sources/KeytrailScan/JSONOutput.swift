/// Builds JSON text byte by byte: string escaping and compact or pretty layout.
package struct JSONOutput: Sendable {
    /// The UTF-8 text written so far.
    package private(set) var bytes: [UInt8] = []
    let pretty: Bool
    var indent = 0
    var needsComma = [false]

    /// Starts an empty document; `pretty` indents by two spaces per level.
    package init(pretty: Bool = false) { self.pretty = pretty }

    /// The text as a String.
    package var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Opens an object (as a member value when `key` is given).
    package mutating func beginObject(_ key: String? = nil) { open(key, 0x7B) }
    /// Closes the current object.
    package mutating func endObject() { close(0x7D) }
    /// Opens an array (as a member value when `key` is given).
    package mutating func beginArray(_ key: String? = nil) { open(key, 0x5B) }
    /// Closes the current array.
    package mutating func endArray() { close(0x5D) }

    /// Writes a string value.
    package mutating func string(_ key: String?, _ value: String) {
        member(key)
        Self.appendQuoted(value, to: &bytes)
    }

    /// Writes a string value from UTF-8 bytes.
    package mutating func string(_ key: String?, bytes value: UnsafeRawBufferPointer) {
        member(key)
        Self.appendQuoted(value, to: &bytes)
    }

    /// Writes an integer value.
    package mutating func int(_ key: String?, _ value: Int64) {
        member(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Writes a boolean value.
    package mutating func bool(_ key: String?, _ value: Bool) {
        member(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Writes null.
    package mutating func null(_ key: String?) {
        member(key)
        bytes.append(contentsOf: "null".utf8)
    }

    /// Writes a number with up to `digits` decimals (e.g. throughput figures).
    package mutating func decimal(_ key: String?, _ value: Double, digits: Int = 3) {
        member(key)
        bytes.append(contentsOf: Self.formatDecimal(value, digits: digits).utf8)
    }

    mutating func open(_ key: String?, _ bracket: UInt8) {
        member(key)
        bytes.append(bracket)
        indent += 1
        needsComma.append(false)
    }

    mutating func close(_ bracket: UInt8) {
        let hadMembers = needsComma.removeLast()
        indent -= 1
        if pretty && hadMembers { newline() }
        bytes.append(bracket)
    }

    mutating func member(_ key: String?) {
        if needsComma[needsComma.count - 1] { bytes.append(0x2C) }
        needsComma[needsComma.count - 1] = true
        if pretty && indent > 0 { newline() }
        if let key {
            Self.appendQuoted(key, to: &bytes)
            bytes.append(0x3A)
            if pretty { bytes.append(0x20) }
        }
    }

    mutating func newline() {
        bytes.append(0x0A)
        for _ in 0..<(indent * 2) { bytes.append(0x20) }
    }

    /// Formats a finite double with at most `digits` decimals, without exponent.
    package static func formatDecimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int64(scaled / scale)
        var frac = Int64(scaled) - whole * Int64(scale)
        var s = (value < 0 && scaled != 0 ? "-" : "") + String(whole)
        if digits > 0 && frac != 0 {
            var f = String(frac)
            f = String(repeating: "0", count: digits - f.count) + f
            while f.hasSuffix("0") { f.removeLast() }
            s += "." + f
        }
        frac = 0
        return s
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `value` as a quoted JSON string.
    package static func appendQuoted(_ value: String, to out: inout [UInt8]) {
        var v = value
        v.withUTF8 { appendQuoted(UnsafeRawBufferPointer($0), to: &out) }
    }

    /// Appends UTF-8 `value` as a quoted JSON string, escaping `"`, `\` and control characters.
    /// Sizes the output first, then writes it through a pointer: Details are JSON, full of quotes,
    /// and appending run by run cost more than the escaping itself.
    package static func appendQuoted(_ value: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let n = value.count
        guard let src = value.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            out.append(contentsOf: [0x22, 0x22])
            return
        }
        var extra = 0
        for k in 0..<n {
            let c = src[k]
            if c == 0x22 || c == 0x5C {
                extra += 1
            } else if c < 0x20 {
                extra += (c == 0x0A || c == 0x0D || c == 0x09 || c == 0x08 || c == 0x0C) ? 1 : 5
            }
        }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: n + extra + 2))
        out.withUnsafeMutableBufferPointer { buf in
            let dst = buf.baseAddress! + start
            dst[0] = 0x22
            if extra == 0 {
                (dst + 1).update(from: src, count: n)
            } else {
                var o = 1
                for k in 0..<n {
                    let c = src[k]
                    if c >= 0x20 && c != 0x22 && c != 0x5C {
                        dst[o] = c
                        o += 1
                        continue
                    }
                    dst[o] = 0x5C
                    switch c {
                    case 0x22, 0x5C: dst[o + 1] = c
                    case 0x0A: dst[o + 1] = 0x6E
                    case 0x0D: dst[o + 1] = 0x72
                    case 0x09: dst[o + 1] = 0x74
                    case 0x08: dst[o + 1] = 0x62
                    case 0x0C: dst[o + 1] = 0x66
                    default:
                        dst[o + 1] = 0x75
                        dst[o + 2] = 0x30
                        dst[o + 3] = 0x30
                        dst[o + 4] = hexDigits[Int(c >> 4)]
                        dst[o + 5] = hexDigits[Int(c & 15)]
                        o += 4
                    }
                    o += 2
                }
            }
            dst[n + extra + 1] = 0x22
        }
    }
}
