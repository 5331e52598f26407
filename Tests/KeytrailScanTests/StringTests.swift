import KeytrailScan
import TestSupport
import Testing

/// A string body piece placed at every position of bodies of every length, to cross the eight-byte fast path.
struct StringPiece: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    /// nil when the piece is valid; otherwise the error kind, found at the piece's first byte.
    let error: JSONError.Kind?

    var testDescription: String { name }

    static let all: [StringPiece] = [
        StringPiece(name: "short escape", bytes: utf8(#"\n"#), error: nil),
        StringPiece(name: "escaped quote", bytes: utf8(#"\""#), error: nil),
        StringPiece(name: "escaped backslash", bytes: utf8(#"\\"#), error: nil),
        StringPiece(name: "unicode escape", bytes: utf8(#"\u0041"#), error: nil),
        StringPiece(name: "surrogate pair", bytes: utf8(#"\ud83d\ude00"#), error: nil),
        StringPiece(name: "two-byte UTF-8", bytes: utf8("é"), error: nil),
        StringPiece(name: "three-byte UTF-8", bytes: utf8("€"), error: nil),
        StringPiece(name: "four-byte UTF-8", bytes: utf8("😀"), error: nil),
        StringPiece(name: "invalid escape", bytes: utf8(#"\x"#), error: .invalidEscape),
        StringPiece(name: "lone surrogate", bytes: utf8(#"\ud800"#), error: .loneSurrogate),
        StringPiece(name: "overlong", bytes: [0xC0, 0xAF], error: .invalidUTF8),
        StringPiece(name: "UTF-8 surrogate", bytes: [0xED, 0xA0, 0x80], error: .invalidUTF8),
    ]
}

@Suite("Strings")
struct StringTests {
    /// Leading spaces before the quote (to shift the eight-byte words) and bytes after the closing quote.
    static let frames: [(pad: Int, tail: [UInt8])] = [
        (0, []), (0, utf8(",\"abcdefgh\"]")), (5, []), (3, utf8("}}}}}}}}")),
    ]

    @Test("every byte value at every position of bodies 0...40 bytes long", arguments: 0...40)
    func everyByteEveryPosition(_ length: Int) {
        var failures: [String] = []
        for (pad, tail) in Self.frames {
            let q = pad
            let plain = [UInt8](repeating: 0x20, count: pad) + [0x22] + [UInt8](repeating: 0x61, count: length)
            let closed = plain + [0x22] + tail
            let expectedPlain: Result<StringReference.Token, JSONError> = .success(
                .init(end: q + length + 2, escaped: false))
            if scanStringResult(closed, at: q) != expectedPlain { failures.append("plain, pad \(pad)") }
            // Without a closing quote the string runs into the end of the buffer.
            if scanStringResult(plain, at: q) != .failure(JSONError(.unexpectedEnd, at: plain.count)) {
                failures.append("unterminated, pad \(pad)")
            }
            for p in 0..<length {
                for b in UInt8.min...UInt8.max where b != 0x5C {
                    var doc = closed
                    doc[q + 1 + p] = b
                    let expected: Result<StringReference.Token, JSONError>
                    switch b {
                    case 0x22: expected = .success(.init(end: q + p + 2, escaped: false))
                    case 0x00..<0x20: expected = .failure(JSONError(.controlCharacter(b), at: q + 1 + p))
                    case 0x20..<0x80: expected = expectedPlain
                    default: expected = .failure(JSONError(.invalidUTF8, at: q + 1 + p))
                    }
                    let actual = scanStringResult(doc, at: q)
                    if actual != expected { failures.append("byte \(b) at \(p), pad \(pad): \(actual)") }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test("escapes and multi-byte characters at every position", arguments: StringPiece.all)
    func piecesEveryPosition(_ piece: StringPiece) {
        var failures: [String] = []
        let isEscape = piece.bytes.first == 0x5C
        for (pad, tail) in Self.frames {
            for length in piece.bytes.count...40 {
                for p in 0...(length - piece.bytes.count) {
                    var body = [UInt8](repeating: 0x61, count: length)
                    body.replaceSubrange(p..<(p + piece.bytes.count), with: piece.bytes)
                    let doc = [UInt8](repeating: 0x20, count: pad) + [0x22] + body + [0x22] + tail
                    let expected: Result<StringReference.Token, JSONError> =
                        if let kind = piece.error {
                            .failure(JSONError(kind, at: pad + 1 + p))
                        } else {
                            .success(.init(end: pad + length + 2, escaped: isEscape))
                        }
                    let actual = scanStringResult(doc, at: pad)
                    if actual != expected { failures.append("length \(length) at \(p), pad \(pad): \(actual)") }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    /// Random bodies from an alphabet of edge bytes and fragments, checked against `StringReference`.
    @Test("agrees with a byte-by-byte reference on random bodies", arguments: [11, 12, 13, 14, 15] as [UInt64])
    func randomBodies(_ seed: UInt64) {
        let fragments: [[UInt8]] =
            [
                [0x00], [0x01], [0x1F], [0x20], [0x21], [0x22], [0x5C], [0x7F], [0x80], [0xBF], [0xC0], [0xC2],
                [0xDF], [0xE0], [0xED], [0xA0], [0x9F], [0xF0], [0xF4], [0x90], [0x8F], [0xF5], [0xFF],
                utf8("u"), utf8("d8"), utf8("dc"), utf8("0"), utf8("F"), utf8("g"), utf8(#"\u"#), utf8(#"\ud800"#),
                utf8(#"\udc00"#), utf8(#"\n"#), utf8(#"\""#), utf8("é"), utf8("€"), utf8("😀"),
            ] + Array(repeating: utf8("abcdefghijklmnop"), count: 6) + Array(repeating: utf8("x"), count: 10)
        var rng = SeededRandom(seed: seed)
        var failures: [String] = []
        var outcomes: Set<String> = []
        for _ in 0..<3000 {
            var doc: [UInt8] = [0x22]
            for _ in 0..<Int.random(in: 0...12, using: &rng) { doc += fragments.randomElement(using: &rng)! }
            if Bool.random(using: &rng) { doc.append(0x22) }
            let expected = StringReference.scan(doc, 0)
            let actual = scanStringResult(doc)
            outcomes.insert(expected.failure.map { "\($0.kind)" } ?? "ok")
            if actual != expected { failures.append("\(hexBytes(doc)): \(actual), expected \(expected)") }
        }
        #expect(failures.isEmpty, "seed \(seed): \(failures.prefix(5))")
        // The alphabet reaches every outcome, so agreement means something.
        #expect(outcomes.count >= 7, "seed \(seed): \(outcomes)")
    }

    @Test(
        "unescape decodes each escape",
        arguments: [
            (#""#, [] as [UInt8]),
            (#"plain"#, utf8("plain")),
            (#"\""#, [0x22]),
            (#"\\"#, [0x5C]),
            (#"\/"#, [0x2F]),
            (#"\b"#, [0x08]),
            (#"\f"#, [0x0C]),
            (#"\n"#, [0x0A]),
            (#"\r"#, [0x0D]),
            (#"\t"#, [0x09]),
            (#"\u0000"#, [0x00]),
            (#"\u0041"#, [0x41]),
            (#"\u007f"#, [0x7F]),
            (#"\u0080"#, [0xC2, 0x80]),
            (#"\u00e9\u00E9"#, [0xC3, 0xA9, 0xC3, 0xA9]),
            (#"\u07FF"#, [0xDF, 0xBF]),
            (#"\u0800"#, [0xE0, 0xA0, 0x80]),
            (#"\u20AC"#, [0xE2, 0x82, 0xAC]),
            (#"\uFFFF"#, [0xEF, 0xBF, 0xBF]),
            (#"\ud800\udc00"#, [0xF0, 0x90, 0x80, 0x80]),
            (#"\ud83d\ude00"#, [0xF0, 0x9F, 0x98, 0x80]),
            (#"\uDBFF\uDFFF"#, [0xF4, 0x8F, 0xBF, 0xBF]),
            (#"a\nb\u0041c"#, utf8("a\nbAc")),
            (#"é\té"#, utf8("é\té")),
            (#"\\u0041"#, utf8(#"\u0041"#)),
            (#"STS.\u004e\u0055\"x\""#, utf8(#"STS.NU"x""#)),
        ]
    )
    func unescapeTable(_ body: String, _ expected: [UInt8]) throws {
        let doc = utf8("\"" + body + "\"")
        let token = try #require(scanStringResult(doc).success)
        #expect(token.end == doc.count)
        #expect(token.escaped == body.contains("\\"))
        var out: [UInt8] = [0xAA]
        doc.withUnsafeBytes { JSONScanner($0).unescape(1, doc.count - 1, into: &out) }
        #expect(out == [0xAA] + expected, "unescape appends to what is already there")
        #expect(unescapeToPointer(doc) == expected)
    }

    /// Decodes the body of the string `doc` with the pointer form of `unescape` into a buffer of exactly the
    /// body's length followed by guard bytes, and checks that nothing past the decoded bytes was written.
    func unescapeToPointer(_ doc: [UInt8]) -> [UInt8]? {
        let room = doc.count - 2
        var dst = [UInt8](repeating: 0xEE, count: room + 8)
        let n = doc.withUnsafeBytes { src in
            dst.withUnsafeMutableBytes { JSONScanner(src).unescape(1, doc.count - 1, to: $0.baseAddress!) }
        }
        guard n <= room, dst[n...].allSatisfy({ $0 == 0xEE }) else { return nil }
        return Array(dst[..<n])
    }

    @Test("unescape matches Swift's UTF-8 for random strings in random spellings", arguments: [1, 2, 3] as [UInt64])
    func unescapeRandom(_ seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var failures: [String] = []
        for _ in 0..<1000 {
            var scalars: [Unicode.Scalar] = []
            for _ in 0..<Int.random(in: 0...30, using: &rng) {
                scalars.append(StringReference.randomScalar(using: &rng))
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            let expected = Array(String(view).utf8)
            let (body, escaped) = StringReference.encode(scalars, using: &rng)
            let doc = [0x22] + body + [0x22]
            guard scanStringResult(doc) == .success(.init(end: doc.count, escaped: escaped)) else {
                failures.append("scan \(hexBytes(doc))")
                continue
            }
            var out: [UInt8] = []
            var decoded: [UInt8] = []
            var scratch: [UInt8] = [1, 2, 3]
            doc.withUnsafeBytes { buf in
                let s = JSONScanner(buf)
                s.unescape(1, doc.count - 1, into: &out)
                let slot = FieldSlot(.string, 1, doc.count - 1, escaped: escaped)
                decoded = s.withDecoded(slot, scratch: &scratch) { Array($0) }
            }
            if out != expected || decoded != expected || unescapeToPointer(doc) != expected {
                failures.append("decode \(hexBytes(doc))")
            }
        }
        #expect(failures.isEmpty, "seed \(seed): \(failures.prefix(5))")
    }

    @Test("scanString reports whether a body has escapes")
    func hasEscapes() {
        #expect(scanStringResult(utf8(#""abc""#)) == .success(.init(end: 5, escaped: false)))
        #expect(scanStringResult(utf8(#""a\/c""#)) == .success(.init(end: 6, escaped: true)))
        #expect(scanStringResult(utf8(#""""#)) == .success(.init(end: 2, escaped: false)))
        #expect(scanStringResult(utf8(#"x "ab" y"#), at: 2) == .success(.init(end: 6, escaped: false)))
    }
}
