import KeytrailServe
import Testing

@Suite("Percent-encoding and parameters")
struct EncodingTests {
    @Test func encodesAllButUnreserved() {
        #expect(PercentEncoding.encode("aZ09-_.~") == "aZ09-_.~")
        #expect(PercentEncoding.encode("a b+c*d/e:") == "a%20b%2Bc%2Ad%2Fe%3A")
        #expect(PercentEncoding.encode("é") == "%C3%A9")
    }

    @Test func decodesEscapesAndPlus() {
        #expect(PercentEncoding.decode(ArraySlice("a%20b+c%2a".utf8)) == "a b c*")
        #expect(PercentEncoding.decode(ArraySlice("%".utf8)) == nil)
        #expect(PercentEncoding.decode(ArraySlice("%4".utf8)) == nil)
        #expect(PercentEncoding.decode(ArraySlice("%zz".utf8)) == nil)
        #expect(PercentEncoding.decode(ArraySlice("%FF".utf8)) == nil)
    }

    @Test func parsesAndRefusesDuplicates() throws {
        let p = try QueryString.parse(ArraySlice("b=2&&a=1&c&d=".utf8))
        #expect(p.map(\.name) == ["b", "a", "c", "d"])
        #expect(p.map(\.value) == ["2", "1", "", ""])
        #expect(throws: QueryString.Failure.duplicate("a")) {
            try QueryString.merge([try QueryString.parse(ArraySlice("a=1".utf8)), [("a", "2")]])
        }
        #expect(QueryString.canonical(["b": "x y", "a": "~*"]) == "a=~%2A&b=x%20y")
    }
}
