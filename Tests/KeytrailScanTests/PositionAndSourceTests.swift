import KeytrailScan
import Testing

@Suite("Text positions")
struct TextPositionTests {
    static func position(_ offset: Int, in text: [UInt8]) -> TextPosition {
        text.withUnsafeBytes { TextPosition(offset: offset, in: $0) }
    }

    @Test(
        "line and column are 1-based, columns count bytes, lines end at LF",
        arguments: [
            ("", 0, 1, 1),
            ("abc", 0, 1, 1),
            ("abc", 2, 1, 3),
            ("abc", 3, 1, 4),
            ("ab\ncd", 2, 1, 3),
            ("ab\ncd", 3, 2, 1),
            ("ab\ncd", 4, 2, 2),
            ("ab\ncd", 5, 2, 3),
            ("\n\n\n", 3, 4, 1),
            ("\n\nx", 2, 3, 1),
            ("a\r\nb", 1, 1, 2),
            ("a\r\nb", 2, 1, 3),
            ("a\r\nb", 3, 2, 1),
            ("a\rb", 2, 1, 3),
            ("é\nxé!", 3, 2, 1),
            ("é\nxé!", 6, 2, 4),
            ("{\"k\":\n  \"访问\" x}", 15, 2, 10),
        ] as [(String, Int, Int, Int)]
    )
    func positions(_ text: String, _ offset: Int, _ line: Int, _ column: Int) {
        #expect(Self.position(offset, in: utf8(text)) == TextPosition(line: line, column: column))
    }

    @Test("positions of scanner errors in a JSON-lines buffer")
    func errorPositions() {
        let doc = utf8("{\"a\":1}\n{\"b\":2}\n{\"c\":tru}\n")
        let error = doc.withUnsafeBytes { buf -> JSONError? in
            let s = JSONScanner(buf)
            var i = 0
            do throws(JSONError) {
                while i < s.count {
                    i = try s.skipValue(i)
                    i = s.skipWhitespace(i)
                }
            } catch {
                return error
            }
            return nil
        }
        #expect(error == JSONError(.invalidLiteral, at: 21))
        #expect(Self.position(21, in: doc) == TextPosition(line: 3, column: 6))
        #expect(TextPosition(line: 3, column: 6).description == "3:6")
    }

    @Test("every offset agrees with a count of the bytes before it")
    func everyOffset() {
        let text = utf8("{\"a\":\n[1,\r\n \"é\"],\n\n\"b\":null}\n")
        var line = 1
        var column = 1
        for offset in 0...text.count {
            #expect(Self.position(offset, in: text) == TextPosition(line: line, column: column), "offset \(offset)")
            if offset < text.count {
                if text[offset] == 0x0A {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
        }
    }
}

@Suite("Event source")
struct EventSourceTests {
    static let managementTypes = [
        "ApiCall", "ConsoleOperation", "ConsoleSignin", "ConsoleSignout", "AliyunServiceEvent", "PasswordReset",
    ]

    @Test(
        "eventCategory decides when present",
        arguments: [
            ("Data", EventSource.data),
            ("Management", .management),
            ("data", .internal),
            ("DATA", .internal),
            ("management", .internal),
            ("Data ", .internal),
            ("Insight", .internal),
            ("Internal", .internal),
            ("DataEvent", .internal),
            ("ManagementEvent", .internal),
        ] as [(String, EventSource)]
    )
    func category(_ category: String, _ expected: EventSource) {
        for type in [nil, "ApiCall", "ConsoleSignin", "Unknown", ""] as [String?] {
            #expect(EventSource.classify(category: category, type: type) == expected, "type \(type ?? "nil")")
        }
    }

    @Test("no or empty eventCategory: management eventTypes are ManagementEvent", arguments: managementTypes)
    func managementType(_ type: String) {
        #expect(EventSource.classify(category: nil, type: type) == .management)
        #expect(EventSource.classify(category: "", type: type) == .management)
    }

    @Test(
        "no or empty eventCategory: other eventTypes are Internal",
        arguments: [
            nil, "", "apicall", "APICALL", "ApiCall ", " ApiCall", "AwsApiCall", "ConsoleSignIn", "Api", "ApiCalls",
            "PasswordResetEvent", "Data", "Management",
        ] as [String?]
    )
    func otherTypes(_ type: String?) {
        #expect(EventSource.classify(category: nil, type: type) == .internal)
        #expect(EventSource.classify(category: "", type: type) == .internal)
    }

    @Test("byte-buffer classification matches the string form")
    func bufferForm() {
        let categories: [String?] = [nil, "", "Data", "Management", "Other"]
        let types: [String?] = [nil, "", "ApiCall", "PasswordReset", "Other"]
        for category in categories {
            for type in types {
                let expected = EventSource.classify(category: category, type: type)
                let c = category.map { utf8($0) } ?? []
                let t = type.map { utf8($0) } ?? []
                let actual = c.withUnsafeBytes { cb in
                    t.withUnsafeBytes { tb in
                        EventSource.classify(category: category == nil ? nil : cb, type: type == nil ? nil : tb)
                    }
                }
                #expect(actual == expected, "\(category ?? "nil"), \(type ?? "nil")")
            }
        }
    }

    @Test("names and stored codes", arguments: EventSource.allCases)
    func codes(_ source: EventSource) {
        #expect(EventSource(code: source.code) == source)
        #expect(["ManagementEvent", "DataEvent", "Internal"].contains(source.rawValue))
    }

    @Test("an unknown stored code reads as Internal")
    func unknownCode() {
        #expect(EventSource(code: 99) == .internal)
        #expect(EventSource(code: -1) == .internal)
        #expect(EventSource.management.rawValue == "ManagementEvent")
        #expect(EventSource.data.rawValue == "DataEvent")
        #expect(EventSource.internal.rawValue == "Internal")
    }
}
