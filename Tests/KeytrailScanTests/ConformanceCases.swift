import KeytrailScan
import Testing

/// A document RFC 8259 rejects, with the error the scanner must report.
struct RejectCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let kind: JSONError.Kind
    let offset: Int

    var testDescription: String { name }

    init(_ name: String, _ text: String, _ kind: JSONError.Kind, at offset: Int) {
        self.init(name, bytes: utf8(text), kind, at: offset)
    }

    init(_ name: String, bytes: [UInt8], _ kind: JSONError.Kind, at offset: Int) {
        self.name = name
        self.bytes = bytes
        self.kind = kind
        self.offset = offset
    }

    /// A string whose body is `body` (raw bytes) between two quotes.
    static func string(_ name: String, _ body: [UInt8], _ kind: JSONError.Kind, at offset: Int) -> RejectCase {
        RejectCase(name, bytes: [0x22] + body + [0x22], kind, at: offset)
    }
}

/// A document RFC 8259 accepts.
struct AcceptCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]

    var testDescription: String { name }

    init(_ name: String, _ text: String) { self.init(name, bytes: utf8(text)) }

    init(_ name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    /// The offset after the value: the document without its trailing whitespace.
    var valueEnd: Int {
        var end = bytes.count
        while end > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[end - 1]) { end -= 1 }
        return end
    }
}

enum Conformance {
    static let structure: [RejectCase] = [
        RejectCase("empty input", "", .unexpectedEnd, at: 0),
        RejectCase("whitespace only", " \n\t\r", .unexpectedEnd, at: 4),
        RejectCase("unclosed array", "[", .unexpectedEnd, at: 1),
        RejectCase("unclosed array after element", "[1", .unexpectedEnd, at: 2),
        RejectCase("unclosed array after comma", "[1,", .unexpectedEnd, at: 3),
        RejectCase("unclosed nested array", "[[[]]", .unexpectedEnd, at: 5),
        RejectCase("unclosed object", "{", .unexpectedEnd, at: 1),
        RejectCase("object ends after key", #"{"a""#, .unexpectedEnd, at: 4),
        RejectCase("object ends after colon", #"{"a":"#, .unexpectedEnd, at: 5),
        RejectCase("object ends after value", #"{"a":1"#, .unexpectedEnd, at: 6),
        RejectCase("object ends after comma", #"{"a":1,"#, .unexpectedEnd, at: 7),
        RejectCase("unclosed string", #""abc"#, .unexpectedEnd, at: 4),
        RejectCase("unclosed string in array", #"["abc   "#, .unexpectedEnd, at: 8),
        RejectCase("unclosed string in object", #"{"a":"b"#, .unexpectedEnd, at: 7),
        RejectCase("lone closing bracket", "]", .unexpectedByte(0x5D), at: 0),
        RejectCase("lone closing brace", "}", .unexpectedByte(0x7D), at: 0),
        RejectCase("brace closes array", "[1}", .expectedCommaOrEnd, at: 2),
        RejectCase("bracket closes object", #"{"a":1]"#, .expectedCommaOrEnd, at: 6),
        RejectCase("brace closes empty array", "[}", .unexpectedByte(0x7D), at: 1),
        RejectCase("bracket closes empty object", "{]", .expectedKey, at: 1),
        RejectCase("extra closer", "[1]]", .trailingText, at: 3),
        RejectCase("two values", "1 2", .trailingText, at: 2),
        RejectCase("text after string", #""a"b"#, .trailingText, at: 3),
        RejectCase("elements without comma", "[1 2]", .expectedCommaOrEnd, at: 3),
        RejectCase("members without comma", #"{"a":1 "b":2}"#, .expectedCommaOrEnd, at: 7),
        RejectCase("member without value", #"{"a":}"#, .unexpectedByte(0x7D), at: 5),
        RejectCase("double colon", #"{"a"::1}"#, .unexpectedByte(0x3A), at: 5),
        RejectCase("colon in array", "[:]", .unexpectedByte(0x3A), at: 1),
        RejectCase("NUL byte as value", bytes: [0x00], .unexpectedByte(0x00), at: 0),
        RejectCase("trailing comma in array", "[1,]", .unexpectedByte(0x5D), at: 3),
        RejectCase("trailing comma and spaces in array", "[1 , ]", .unexpectedByte(0x5D), at: 5),
        RejectCase("trailing comma in object", #"{"a":1,}"#, .expectedKey, at: 7),
        RejectCase("comma only in array", "[,]", .unexpectedByte(0x2C), at: 1),
        RejectCase("double comma in array", "[1,,2]", .unexpectedByte(0x2C), at: 3),
        RejectCase("comma only in object", "{,}", .expectedKey, at: 1),
        RejectCase("double comma in object", #"{"a":1,,"b":2}"#, .expectedKey, at: 7),
        RejectCase("block comment before value", "/* c */ 1", .unexpectedByte(0x2F), at: 0),
        RejectCase("line comment before value", "// c\n1", .unexpectedByte(0x2F), at: 0),
        RejectCase("block comment in array", "[1,/*c*/2]", .unexpectedByte(0x2F), at: 3),
        RejectCase("line comment in object", "{\"a\":1 // c\n}", .expectedCommaOrEnd, at: 7),
        RejectCase("comment after value", "[1]//c", .trailingText, at: 3),
        RejectCase("hash comment", "# c\n1", .unexpectedByte(0x23), at: 0),
        RejectCase("missing colon", #"{"a" 1}"#, .expectedColon, at: 5),
        RejectCase("key without value", #"{"a"}"#, .expectedColon, at: 4),
        RejectCase("comma for colon", #"{"a",1}"#, .expectedColon, at: 4),
        RejectCase("equals for colon", #"{"a"=1}"#, .expectedColon, at: 4),
        RejectCase("number key", "{1:2}", .expectedKey, at: 1),
        RejectCase("bare key", "{a:1}", .expectedKey, at: 1),
        RejectCase("null key", "{null:1}", .expectedKey, at: 1),
        RejectCase("bare second key", #"{"a":1,b:2}"#, .expectedKey, at: 7),
        RejectCase("object key", "{{}:1}", .expectedKey, at: 1),
        RejectCase("array key", "{[]:1}", .expectedKey, at: 1),
        RejectCase("single-quoted key", "{'a':1}", .expectedKey, at: 1),
        RejectCase("single-quoted string", "'a'", .unexpectedByte(0x27), at: 0),
        RejectCase("single-quoted element", "['a']", .unexpectedByte(0x27), at: 1),
        RejectCase("vertical tab as whitespace", "\u{0B}1", .unexpectedByte(0x0B), at: 0),
        RejectCase("form feed as whitespace", "[1,\u{0C}2]", .unexpectedByte(0x0C), at: 3),
        RejectCase("vertical tab after element", "[1\u{0B}]", .expectedCommaOrEnd, at: 2),
        RejectCase("no-break space as whitespace", bytes: [0xC2, 0xA0, 0x31], .unexpectedByte(0xC2), at: 0),
        RejectCase("byte order mark", bytes: [0xEF, 0xBB, 0xBF, 0x31], .unexpectedByte(0xEF), at: 0),
        RejectCase("raw UTF-8 outside a string", bytes: [0xC3, 0xA9], .unexpectedByte(0xC3), at: 0),
    ]

    static let literals: [RejectCase] = [
        RejectCase("truncated true", "tru", .unexpectedEnd, at: 3),
        RejectCase("truncated null", "nul", .unexpectedEnd, at: 3),
        RejectCase("truncated false", "fals", .unexpectedEnd, at: 4),
        RejectCase("capitalised True", "True", .unexpectedByte(0x54), at: 0),
        RejectCase("upper-case NULL", "NULL", .unexpectedByte(0x4E), at: 0),
        RejectCase("upper-case FALSE", "FALSE", .unexpectedByte(0x46), at: 0),
        RejectCase("mixed-case trUe", "trUe", .invalidLiteral, at: 0),
        RejectCase("mixed-case nulL", "nulL", .invalidLiteral, at: 0),
        RejectCase("truncated true in array", "[tru]", .invalidLiteral, at: 1),
        RejectCase("truncated null before comma", "[nul,1]", .invalidLiteral, at: 1),
        RejectCase("true glued to a letter", "truex", .trailingText, at: 4),
        RejectCase("true glued to a letter in array", "[truex]", .expectedCommaOrEnd, at: 5),
        RejectCase("undefined", "undefined", .unexpectedByte(0x75), at: 0),
        RejectCase("NaN", "NaN", .unexpectedByte(0x4E), at: 0),
        RejectCase("nan", "nan", .invalidLiteral, at: 0),
        RejectCase("Infinity", "Infinity", .unexpectedByte(0x49), at: 0),
        RejectCase("-Infinity", "-Infinity", .invalidNumber, at: 0),
        RejectCase("NaN in array", "[1,NaN]", .unexpectedByte(0x4E), at: 3),
    ]

    static let numbers: [RejectCase] = [
        RejectCase("leading zero", "01", .invalidNumber, at: 0),
        RejectCase("negative leading zero", "-01", .invalidNumber, at: 0),
        RejectCase("double zero", "00", .invalidNumber, at: 0),
        RejectCase("leading zero in array", "[01]", .invalidNumber, at: 1),
        RejectCase("bare plus", "+1", .unexpectedByte(0x2B), at: 0),
        RejectCase("bare dot", ".5", .unexpectedByte(0x2E), at: 0),
        RejectCase("dot without fraction", "1.", .invalidNumber, at: 0),
        RejectCase("zero dot", "0.", .invalidNumber, at: 0),
        RejectCase("dot without fraction in array", "[1.]", .invalidNumber, at: 1),
        RejectCase("dot then exponent", "1.e5", .invalidNumber, at: 0),
        RejectCase("exponent without digits", "1e", .invalidNumber, at: 0),
        RejectCase("exponent sign without digits", "1e+", .invalidNumber, at: 0),
        RejectCase("negative exponent sign without digits", "1E-", .invalidNumber, at: 0),
        RejectCase("exponent without digits in array", "[1e]", .invalidNumber, at: 1),
        RejectCase("minus alone", "-", .unexpectedEnd, at: 1),
        RejectCase("minus alone in array", "[-]", .invalidNumber, at: 1),
        RejectCase("minus letter", "-a", .invalidNumber, at: 0),
        RejectCase("minus dot", "-.5", .invalidNumber, at: 0),
        RejectCase("minus space", "- 1", .invalidNumber, at: 0),
        RejectCase("number glued to a letter", "1x", .invalidNumber, at: 0),
        RejectCase("two dots", "1.5.", .invalidNumber, at: 0),
        RejectCase("hex number", "0x10", .invalidNumber, at: 0),
        RejectCase("two exponents", "1e5e", .invalidNumber, at: 0),
        RejectCase("double e", "1ee5", .invalidNumber, at: 0),
        RejectCase("fractional exponent", "1e1.5", .invalidNumber, at: 0),
    ]

    static let strings: [RejectCase] = [
        RejectCase("escape x", #""\x""#, .invalidEscape, at: 1),
        RejectCase("escape a", #""\a""#, .invalidEscape, at: 1),
        RejectCase("escape single quote", #""\'""#, .invalidEscape, at: 1),
        RejectCase("escape upper-case U", #""\U0041""#, .invalidEscape, at: 1),
        RejectCase("escape zero", #""\0""#, .invalidEscape, at: 1),
        RejectCase("escape space", #""\ ""#, .invalidEscape, at: 1),
        RejectCase("escape later in string", #""ab\qc""#, .invalidEscape, at: 3),
        RejectCase("backslash at end of input", #""\"#, .unexpectedEnd, at: 2),
        RejectCase("escaped quote leaves string open", #""\""#, .unexpectedEnd, at: 3),
        RejectCase("\\u without digits", #""\u""#, .invalidUnicodeEscape, at: 1),
        RejectCase("\\u with two digits", #""\u12""#, .invalidUnicodeEscape, at: 1),
        RejectCase("\\u with two digits in array", #"["\u12"]"#, .invalidUnicodeEscape, at: 2),
        RejectCase("\\u with a non-hex digit", #""\u00G0""#, .invalidUnicodeEscape, at: 1),
        RejectCase("\\u with letters", #""\uzzzz""#, .invalidUnicodeEscape, at: 1),
        RejectCase("\\u with a space", #""\u 123""#, .invalidUnicodeEscape, at: 1),
        RejectCase("\\u with a sign", #""\u-123""#, .invalidUnicodeEscape, at: 1),
        RejectCase("\\u cut by end of input", #""\u00"#, .unexpectedEnd, at: 5),
        RejectCase("lone high surrogate", #""\ud800""#, .loneSurrogate, at: 1),
        RejectCase("lone low surrogate", #""\udc00""#, .loneSurrogate, at: 1),
        RejectCase("lone low surrogate DFFF", #""\uDFFF""#, .loneSurrogate, at: 1),
        RejectCase("high surrogate then ASCII escape", #""\ud800\u0041""#, .loneSurrogate, at: 1),
        RejectCase("two high surrogates", #""\ud800\ud800""#, .loneSurrogate, at: 1),
        RejectCase("reversed surrogate pair", #""\udc00\ud800""#, .loneSurrogate, at: 1),
        RejectCase("high surrogate then text", #""\ud800x\udc00""#, .loneSurrogate, at: 1),
        RejectCase("high surrogate then other escape", #""\ud800\n""#, .loneSurrogate, at: 1),
        RejectCase("high surrogate at end of input", #""\udbff"#, .loneSurrogate, at: 1),
        RejectCase("low half with three digits", #""\ud800\udc0""#, .invalidUnicodeEscape, at: 7),
        RejectCase("lone low surrogate mid-string", #""a\uDC00b""#, .loneSurrogate, at: 2),
        RejectCase("raw tab in string", "\"a\tb\"", .controlCharacter(0x09), at: 2),
        RejectCase("raw newline in string", "\"a\nb\"", .controlCharacter(0x0A), at: 2),
        RejectCase("raw NUL in string", bytes: [0x22, 0x00, 0x22], .controlCharacter(0x00), at: 1),
        .string("overlong C0 80", [0xC0, 0x80], .invalidUTF8, at: 1),
        .string("overlong C1 BF", [0xC1, 0xBF], .invalidUTF8, at: 1),
        .string("overlong E0 80 80", [0xE0, 0x80, 0x80], .invalidUTF8, at: 1),
        .string("overlong E0 9F BF", [0xE0, 0x9F, 0xBF], .invalidUTF8, at: 1),
        .string("overlong F0 80 80 80", [0xF0, 0x80, 0x80, 0x80], .invalidUTF8, at: 1),
        .string("overlong F0 8F BF BF", [0xF0, 0x8F, 0xBF, 0xBF], .invalidUTF8, at: 1),
        .string("surrogate ED A0 80", [0xED, 0xA0, 0x80], .invalidUTF8, at: 1),
        .string("surrogate ED BF BF", [0xED, 0xBF, 0xBF], .invalidUTF8, at: 1),
        .string("above U+10FFFF F4 90 80 80", [0xF4, 0x90, 0x80, 0x80], .invalidUTF8, at: 1),
        .string("lead byte F5", [0xF5, 0x80, 0x80, 0x80], .invalidUTF8, at: 1),
        .string("five-byte form F8", [0xF8, 0x88, 0x80, 0x80, 0x80], .invalidUTF8, at: 1),
        .string("byte FE", [0xFE], .invalidUTF8, at: 1),
        .string("byte FF", [0xFF], .invalidUTF8, at: 1),
        .string("stray continuation 80", [0x80], .invalidUTF8, at: 1),
        .string("stray continuation BF", [0x61, 0xBF], .invalidUTF8, at: 2),
        .string("continuation after a complete character", [0xC3, 0xA9, 0x80], .invalidUTF8, at: 3),
        .string("truncated two-byte", [0xC2], .invalidUTF8, at: 1),
        .string("truncated three-byte", [0xE2, 0x82], .invalidUTF8, at: 1),
        .string("truncated four-byte", [0xF0, 0x9F, 0x98], .invalidUTF8, at: 1),
        .string("bad second byte", [0xE2, 0x28, 0xA1], .invalidUTF8, at: 1),
        .string("bad third byte", [0xE2, 0x82, 0x28], .invalidUTF8, at: 1),
        .string("bad fourth byte", [0xF0, 0x9F, 0x98, 0x41], .invalidUTF8, at: 1),
        RejectCase("two-byte cut by end of input", bytes: [0x22, 0xC3], .invalidUTF8, at: 1),
        RejectCase("four-byte cut by end of input", bytes: [0x22, 0xF0, 0x9F, 0x98], .invalidUTF8, at: 1),
    ]

    static let rejected: [RejectCase] = structure + literals + numbers + strings

    static let accepted: [AcceptCase] = [
        AcceptCase("zero", "0"),
        AcceptCase("minus zero", "-0"),
        AcceptCase("minus zero point zero", "-0.0"),
        AcceptCase("zero with negative zero exponent", "0.0e-0"),
        AcceptCase("zero exponent", "0e0"),
        AcceptCase("upper-case exponent with plus", "0E+0"),
        AcceptCase("huge exponent", "1e400"),
        AcceptCase("tiny exponent", "-1e-400"),
        AcceptCase("exponent with leading zeros", "1e05"),
        AcceptCase("fraction and exponent", "123.456e78"),
        AcceptCase("negative fraction and exponent", "-12.5E-3"),
        AcceptCase("beyond Int64", "9223372036854775808"),
        AcceptCase("300-digit integer", "1" + String(repeating: "7", count: 299)),
        AcceptCase("300-digit negative fraction", "-0." + String(repeating: "3", count: 300)),
        AcceptCase("true", "true"),
        AcceptCase("false", "false"),
        AcceptCase("null", "null"),
        AcceptCase("empty string", #""""#),
        AcceptCase("space string", #"" ""#),
        AcceptCase("unescaped slash", #""a/b""#),
        AcceptCase("short escapes", #""\" \\ \/ \b \f \n \r \t""#),
        AcceptCase("escaped NUL and unit separator", #""\u0000\u001f""#),
        AcceptCase("mixed-case hex", #""\u00e9\u00E9\uAbCd""#),
        AcceptCase("escaped U+FFFF", #""\uFFFF\uffff""#),
        AcceptCase("escaped surrogate pair", #""\ud83d\ude00""#),
        AcceptCase("escaped surrogate pair upper-case", #""\uD834\uDD1E""#),
        AcceptCase("first surrogate pair", #""\uD800\uDC00""#),
        AcceptCase("last surrogate pair", #""\uDBFF\uDFFF""#),
        AcceptCase("escapes around surrogate pair", #""\n\ud83d\ude00\t""#),
        AcceptCase("DEL", bytes: [0x22, 0x7F, 0x22]),
        AcceptCase("two-byte U+0080", bytes: [0x22, 0xC2, 0x80, 0x22]),
        AcceptCase("two-byte U+07FF", bytes: [0x22, 0xDF, 0xBF, 0x22]),
        AcceptCase("two-byte é", "\"é\""),
        AcceptCase("three-byte U+0800", bytes: [0x22, 0xE0, 0xA0, 0x80, 0x22]),
        AcceptCase("three-byte U+D7FF", bytes: [0x22, 0xED, 0x9F, 0xBF, 0x22]),
        AcceptCase("three-byte U+E000", bytes: [0x22, 0xEE, 0x80, 0x80, 0x22]),
        AcceptCase("three-byte U+FFFF", bytes: [0x22, 0xEF, 0xBF, 0xBF, 0x22]),
        AcceptCase("three-byte text", "\"访问密钥 €\""),
        AcceptCase("byte order mark inside a string", bytes: [0x22, 0xEF, 0xBB, 0xBF, 0x22]),
        AcceptCase("four-byte U+10000", bytes: [0x22, 0xF0, 0x90, 0x80, 0x80, 0x22]),
        AcceptCase("four-byte emoji", "\"😀🔑\""),
        AcceptCase("four-byte U+10FFFF", bytes: [0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]),
        AcceptCase("empty array", "[]"),
        AcceptCase("empty object", "{}"),
        AcceptCase("empty array with space", "[ ]"),
        AcceptCase("empty object with newline", "{\n}"),
        AcceptCase("nested empty array", "[[]]"),
        AcceptCase("empty object in array", "[{}]"),
        AcceptCase("empty key", #"{"":{}}"#),
        AcceptCase("empty key and value", #"{"":""}"#),
        AcceptCase("array member", #"{"a":[]}"#),
        AcceptCase("every kind of element", #"[1,"a",true,false,null,{},[],-0.5e+3]"#),
        AcceptCase("duplicate keys", #"{"a":1,"a":2}"#),
        AcceptCase("deeper mix", #"{"a":{"b":{"c":[1,[2,[3,{"d":null}]]]}}}"#),
        AcceptCase("whitespace around array", "\t\r\n [ 1 , 2 ]\n"),
        AcceptCase("whitespace in object", "{\r\n\"a\"\t:\n1\r\n ,\"b\" : [ ] }"),
        AcceptCase("spaces around scalar", " 1 "),
        AcceptCase("blank lines around string", "\n\n\"x\"\n"),
        AcceptCase("CRLF everywhere", "{\r\n\"a\":\r\n[\r\n1\r\n,\r\n2\r\n]\r\n}\r\n"),
    ]
}
