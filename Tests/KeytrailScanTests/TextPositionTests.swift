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
