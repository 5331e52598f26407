import KeytrailScan
import TestSupport
import Testing

@Suite("JSON output")
struct JSONOutputTests {
    static func sample(pretty: Bool) -> JSONOutput {
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        o.string("RequestId", "R\"1")
        o.beginArray("Products")
        o.beginObject()
        o.string("ServiceName", "Ecs")
        o.int("UsedTimestamp", 1_628_155_292_000)
        o.endObject()
        o.endArray()
        o.beginArray("Empty")
        o.endArray()
        o.beginObject("None")
        o.endObject()
        o.bool("Yes", true)
        o.bool("No", false)
        o.null("Nothing")
        o.decimal("Rate", 12.5, digits: 1)
        o.endObject()
        return o
    }

    @Test("compact layout")
    func compact() {
        let text = Self.sample(pretty: false).text
        #expect(
            text == #"{"RequestId":"R\"1","Products":[{"ServiceName":"Ecs","UsedTimestamp":1628155292000}],"#
                + #""Empty":[],"None":{},"Yes":true,"No":false,"Nothing":null,"Rate":12.5}"#
        )
        #expect(validateDocument(utf8(text)) == .success(text.utf8.count))
    }

    @Test("pretty layout indents two spaces per level and keeps empty containers on one line")
    func pretty() {
        let o = Self.sample(pretty: true)
        let expected = """
            {
              "RequestId": "R\\"1",
              "Products": [
                {
                  "ServiceName": "Ecs",
                  "UsedTimestamp": 1628155292000
                }
              ],
              "Empty": [],
              "None": {},
              "Yes": true,
              "No": false,
              "Nothing": null,
              "Rate": 12.5
            }
            """
        #expect(o.text == expected)
        #expect(validateDocument(o.bytes) == .success(o.bytes.count))
    }

    @Test("a top-level array of scalars")
    func topLevelArray() {
        var o = JSONOutput()
        o.beginArray()
        o.int(nil, -1)
        o.string(nil, "")
        o.null(nil)
        o.endArray()
        #expect(o.text == #"[-1,"",null]"#)
    }

    @Test(
        "quoting escapes quotes, backslashes and control characters only",
        arguments: [
            ("", #""""#),
            ("plain", #""plain""#),
            ("a\"b\\c", #""a\"b\\c""#),
            ("\n\r\t\u{08}\u{0C}", #""\n\r\t\b\f""#),
            ("\u{00}\u{01}\u{1F}", #""\u0000\u0001\u001f""#),
            ("/é€😀\u{7F}", "\"/é€😀\u{7F}\""),
        ] as [(String, String)]
    )
    func quoting(_ value: String, _ expected: String) {
        var out: [UInt8] = [0x5B]
        JSONOutput.appendQuoted(value, to: &out)
        #expect(out == [0x5B] + utf8(expected))
        var o = JSONOutput()
        var v = value
        v.withUTF8 { o.string(nil, bytes: UnsafeRawBufferPointer($0)) }
        #expect(o.text == expected)
    }

    @Test("quoted strings scan and decode back to the original", arguments: [51, 52] as [UInt64])
    func quotingRoundTrip(_ seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var failures: [String] = []
        for _ in 0..<500 {
            var view = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...40, using: &rng) { view.append(StringReference.randomScalar(using: &rng)) }
            let value = String(view)
            var doc: [UInt8] = []
            JSONOutput.appendQuoted(value, to: &doc)
            guard let token = scanStringResult(doc).success, token.end == doc.count else {
                failures.append("scan \(hexBytes(doc))")
                continue
            }
            var decoded: [UInt8] = []
            doc.withUnsafeBytes { JSONScanner($0).unescape(1, doc.count - 1, into: &decoded) }
            if decoded != utf8(value) { failures.append("decode \(hexBytes(doc))") }
        }
        #expect(failures.isEmpty, "seed \(seed): \(failures.prefix(5))")
    }

    @Test(
        "decimals without exponent, trailing zeros dropped",
        arguments: [
            (0, 3, "0"),
            (12.5, 1, "12.5"),
            (12.5, 3, "12.5"),
            (12.25, 1, "12.3"),
            (1.0, 3, "1"),
            (0.0004, 3, "0"),
            (0.0005, 3, "0.001"),
            (-0.0004, 3, "0"),
            (-2.5, 1, "-2.5"),
            (123.456, 2, "123.46"),
            (1.05, 2, "1.05"),
            (99.999, 2, "100"),
            (1e12, 1, "1000000000000"),
            (7, 0, "7"),
            (.infinity, 2, "0"),
            (.nan, 2, "0"),
        ] as [(Double, Int, String)]
    )
    func decimals(_ value: Double, _ digits: Int, _ expected: String) {
        #expect(JSONOutput.formatDecimal(value, digits: digits) == expected)
    }
}
