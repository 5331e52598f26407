import KeytrailScan
import Testing

@Suite("RFC 8259 conformance")
struct ConformanceTests {
    @Test(
        "rejects structural errors, bad literals, bad numbers and bad strings where they stand",
        arguments: Conformance.rejected)
    func rejects(_ c: RejectCase) {
        #expect(validateDocument(c.bytes) == .failure(JSONError(c.kind, at: c.offset)))
    }

    /// Every rejected string or number is rejected the same way as an object member value and as a key.
    @Test("rejects bad scalars inside objects", arguments: Conformance.strings + Conformance.numbers)
    func rejectsScalarsInObjects(_ c: RejectCase) {
        // Errors found at the end of input turn into other errors once a closing brace follows.
        guard c.kind != .unexpectedEnd, c.offset < c.bytes.count, c.kind != .trailingText else { return }
        for member in ["serviceName", "other"] {
            let prefix = utf8("{\"\(member)\":")
            let doc = prefix + c.bytes + utf8("}")
            let expected = JSONError(c.kind, at: c.offset + prefix.count)
            #expect(validateDocument(doc) == .failure(expected), "member \(member)")
            #expect(scanObjectResult(doc) == .failure(expected), "member \(member)")
        }
        if c.bytes.first == 0x22 {
            let doc = utf8("{") + c.bytes + utf8(":1}")
            #expect(validateDocument(doc) == .failure(JSONError(c.kind, at: c.offset + 1)))
            #expect(scanObjectResult(doc) == .failure(JSONError(c.kind, at: c.offset + 1)))
        }
    }

    /// `scanObject` reports exactly what `skipValue` reports for every malformed object.
    @Test(
        "scanObject rejects objects like skipValue", arguments: Conformance.rejected.filter { $0.bytes.first == 0x7B })
    func scanObjectRejects(_ c: RejectCase) {
        let expected = skipValueResult(c.bytes)
        #expect(scanObjectResult(c.bytes) == expected)
        if c.kind != .trailingText { #expect(expected == .failure(JSONError(c.kind, at: c.offset))) }
    }

    @Test("rejects raw control characters in strings", arguments: Array(UInt8(0x00)...0x1F))
    func rejectsControlCharacters(_ b: UInt8) {
        let value = [0x22, 0x61, b, 0x62, 0x22] as [UInt8]
        #expect(validateDocument(value) == .failure(JSONError(.controlCharacter(b), at: 2)))
        let key = utf8("{") + value + utf8(":1}")
        #expect(validateDocument(key) == .failure(JSONError(.controlCharacter(b), at: 3)))
        #expect(scanObjectResult(key) == .failure(JSONError(.controlCharacter(b), at: 3)))
        let identity = utf8(#"{"userIdentity":{"accessKeyId":"#) + value + utf8("}}")
        #expect(validateDocument(identity) == .failure(JSONError(.controlCharacter(b), at: 33)))
        #expect(scanObjectResult(identity) == .failure(JSONError(.controlCharacter(b), at: 33)))
    }

    @Test("accepts valid documents", arguments: Conformance.accepted)
    func accepts(_ c: AcceptCase) {
        #expect(validateDocument(c.bytes) == .success(c.valueEnd))
        #expect(skipValueResult(c.bytes) == .success(c.valueEnd))
        // The same value inside an array and as an object member.
        let array = utf8("[") + c.bytes + utf8("]")
        #expect(validateDocument(array) == .success(array.count))
        let object = utf8(#"{"eventTime":"#) + c.bytes + utf8(#","x":"#) + c.bytes + utf8("}")
        #expect(validateDocument(object) == .success(object.count))
        #expect(scanObjectResult(object) == .success(object.count))
    }

    @Test("scanObject accepts valid objects", arguments: Conformance.accepted)
    func scanObjectAccepts(_ c: AcceptCase) throws {
        let start = c.bytes.firstIndex { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        guard let start, c.bytes[start] == 0x7B else { return }
        #expect(scanObjectResult(c.bytes) == .success(c.valueEnd))
    }

    @Test("whitespace variants between tokens", arguments: [" ", "\t", "\r", "\n", "\r\n", " \t\n\r "])
    func whitespaceBetweenTokens(_ ws: String) {
        let tokens = [
            "{", #""a""#, ":", "[", "1", ",", "{", #""b""#, ":", "null", "}", "]", ",", #""c""#, ":", #""d""#, "}",
        ]
        for gap in 0...tokens.count {
            var parts = tokens
            parts.insert(ws, at: gap)
            let doc = utf8(parts.joined())
            let end = gap == tokens.count ? doc.count - ws.utf8.count : doc.count
            #expect(validateDocument(doc) == .success(end), "gap \(gap)")
            #expect(scanObjectResult(doc) == .success(end), "gap \(gap)")
        }
        let all = utf8(ws + tokens.joined(separator: ws) + ws)
        #expect(validateDocument(all) == .success(all.count - ws.utf8.count))
        #expect(scanObjectResult(all) == .success(all.count - ws.utf8.count))
    }

    @Test("skipValue starts after leading whitespace and stops at the value's end")
    func skipValueBounds() throws {
        let doc = utf8("  [1, 2]  ,  {\"a\":\"b\"} 7")
        try doc.withUnsafeBytes { buf in
            let s = JSONScanner(buf)
            let first = try s.skipValue(0)
            #expect(first == 8)
            let comma = s.skipWhitespace(first)
            #expect(s[comma] == 0x2C)
            let second = try s.skipValue(comma + 1)
            #expect(second == 22)
            #expect(try s.skipValue(second) == doc.count)
        }
    }

    @Test("skipBlanks stops at a line feed; skipWhitespace does not")
    func blanksAndWhitespace() {
        let doc = utf8(" \t\r\n x")
        doc.withUnsafeBytes { buf in
            let s = JSONScanner(buf)
            #expect(s.skipBlanks(0) == 3)
            #expect(s.skipWhitespace(0) == 5)
            #expect(s.skipBlanks(5) == 5)
            #expect(s.skipWhitespace(doc.count) == doc.count)
        }
    }

    @Test("an empty buffer has no value")
    func emptyBuffer() {
        [UInt8]().withUnsafeBytes { buf in
            let s = JSONScanner(buf)
            #expect(s.count == 0)
            #expect(s.skipWhitespace(0) == 0)
        }
        #expect(skipValueResult([]) == .failure(JSONError(.unexpectedEnd, at: 0)))
    }

    @Test("every error kind has a message")
    func messages() {
        let kinds: [JSONError.Kind] = [
            .unexpectedEnd, .unexpectedByte(0x7D), .unexpectedByte(0x00), .invalidEscape, .invalidUnicodeEscape,
            .loneSurrogate, .invalidUTF8, .controlCharacter(0x09), .invalidNumber, .invalidLiteral,
            .tooDeep(limit: 1024), .trailingText, .empty, .expectedKey, .expectedColon, .expectedCommaOrEnd,
            .nestedTooDeep(limit: 8), .inNestedText(line: 2, column: 7, message: "invalid number"),
        ]
        let messages = kinds.map { JSONError($0, at: 0).message }
        #expect(messages.allSatisfy { !$0.isEmpty })
        #expect(Set(messages).count == messages.count)
        #expect(JSONError(.unexpectedByte(0x7D), at: 0).message == "unexpected character '}'")
        #expect(JSONError(.unexpectedByte(0x0B), at: 0).message == "unexpected byte 0x0B")
        #expect(JSONError(.controlCharacter(0x1F), at: 0).message == "unescaped control character 0x1F in string")
        #expect(JSONError(.tooDeep(limit: 1024), at: 0).message.contains("1024"))
        let nested = JSONError(.inNestedText(line: 2, column: 7, message: "invalid number"), at: 0).message
        #expect(nested.contains("2:7") && nested.hasSuffix("invalid number"))
    }
}
