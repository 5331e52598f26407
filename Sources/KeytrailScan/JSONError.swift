/// A JSON syntax error: what was wrong and the byte offset, relative to the scanned buffer, where it was found.
///
/// Line and column are computed from the offset only when the error is reported (`TextPosition`).
package struct JSONError: Error, Equatable, Sendable {
    /// What kind of syntax error this is.
    package enum Kind: Equatable, Sendable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case invalidEscape
        case invalidUnicodeEscape
        case loneSurrogate
        case invalidUTF8
        case controlCharacter(UInt8)
        case invalidNumber
        case invalidLiteral
        case tooDeep(limit: Int)
        case trailingText
        case empty
        case expectedKey
        case expectedColon
        case expectedCommaOrEnd
        case nestedTooDeep(limit: Int)
        case inNestedText(line: Int, column: Int, message: String)
    }

    /// What was wrong.
    package var kind: Kind
    /// Byte offset of the error, relative to the start of the scanned buffer.
    package var offset: Int

    /// Creates an error of `kind` at `offset`.
    package init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    /// A one-line description for people.
    package var message: String {
        switch kind {
        case .unexpectedEnd: return "unexpected end of input inside a JSON value"
        case .unexpectedByte(let b): return "unexpected \(Self.describe(b))"
        case .invalidEscape: return "invalid escape sequence in string"
        case .invalidUnicodeEscape: return "invalid \\u escape in string (expected four hex digits)"
        case .loneSurrogate: return "lone or mismatched UTF-16 surrogate in \\u escape"
        case .invalidUTF8: return "invalid UTF-8 byte sequence"
        case .controlCharacter(let b): return "unescaped control character \(Self.hex(b)) in string"
        case .invalidNumber: return "invalid number"
        case .invalidLiteral: return "invalid literal (expected true, false or null)"
        case .tooDeep(let limit): return "nesting deeper than \(limit) levels"
        case .trailingText: return "text after a JSON value that does not begin one"
        case .empty: return "no JSON value in input"
        case .expectedKey: return "expected a string object key"
        case .expectedColon: return "expected ':' after object key"
        case .expectedCommaOrEnd: return "expected ',' or a closing bracket"
        case .nestedTooDeep(let limit): return "JSON text nested in strings more than \(limit) deep"
        case .inNestedText(let line, let column, let message):
            return "in the JSON text held by this string, at \(line):\(column): \(message)"
        }
    }

    static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0x" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 15)])
    }

    static func describe(_ b: UInt8) -> String {
        if b >= 0x21 && b < 0x7F { return "character '\(Character(Unicode.Scalar(b)))'" }
        return "byte \(hex(b))"
    }
}
