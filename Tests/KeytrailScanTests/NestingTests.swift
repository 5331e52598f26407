import KeytrailScan
import TestSupport
import Testing

@Suite("Nesting depth")
struct NestingTests {
    static let maxDepth = JSONScanner.maxDepth

    /// `levels` nested containers around `0`, opened by `open` and closed by `close`.
    static func nested(_ levels: Int, open: String, close: String) -> [UInt8] {
        utf8(String(repeating: open, count: levels) + "0" + String(repeating: close, count: levels))
    }

    /// A kind of container, by how a level of it opens and closes.
    struct Nest: Sendable, CustomTestStringConvertible {
        let open: String
        let close: String
        var isObject: Bool { open.hasPrefix("{") }
        var testDescription: String { isObject ? "objects" : "arrays" }
    }

    static let nests = [Nest(open: "[", close: "]"), Nest(open: #"{"a":"#, close: "}")]

    @Test("containers nested exactly maxDepth deep are accepted by skipValue (and scanObject)", arguments: nests)
    func atLimit(_ n: Nest) {
        let doc = Self.nested(Self.maxDepth, open: n.open, close: n.close)
        #expect(validateDocument(doc) == .success(doc.count))
        if n.isObject { #expect(scanObjectResult(doc) == .success(doc.count)) }
    }

    @Test("empty arrays nested exactly maxDepth deep are accepted")
    func emptyArraysAtLimit() {
        let empty = utf8(String(repeating: "[", count: Self.maxDepth) + String(repeating: "]", count: Self.maxDepth))
        #expect(validateDocument(empty) == .success(empty.count))
    }

    @Test("one level more than maxDepth is tooDeep at the offending bracket", arguments: nests)
    func oneTooDeep(_ n: Nest) {
        let doc = Self.nested(Self.maxDepth + 1, open: n.open, close: n.close)
        let offset = Self.maxDepth * n.open.utf8.count
        #expect(validateDocument(doc) == .failure(JSONError(.tooDeep(limit: Self.maxDepth), at: offset)))
        if n.isObject {
            #expect(scanObjectResult(doc) == .failure(JSONError(.tooDeep(limit: Self.maxDepth), at: offset)))
        }
    }

    @Test("100,000 open brackets throw tooDeep without exhausting the stack")
    func hostileNesting() {
        let brackets = [UInt8](repeating: 0x5B, count: 100_000)
        #expect(validateDocument(brackets) == .failure(JSONError(.tooDeep(limit: Self.maxDepth), at: Self.maxDepth)))
        let braces = utf8(String(repeating: #"{"a":"#, count: 100_000))
        let offset = Self.maxDepth * 5
        #expect(validateDocument(braces) == .failure(JSONError(.tooDeep(limit: Self.maxDepth), at: offset)))
        #expect(scanObjectResult(braces) == .failure(JSONError(.tooDeep(limit: Self.maxDepth), at: offset)))
        let identity = utf8(#"{"userIdentity":{"accessKeyId":"#) + brackets
        let identityOffset = 31 + Self.maxDepth - 2
        #expect(scanObjectResult(identity) == .failure(JSONError(.tooDeep(limit: Self.maxDepth), at: identityOffset)))
        #expect(validateDocument(identity) == .failure(JSONError(.tooDeep(limit: Self.maxDepth), at: identityOffset)))
    }

    @Test("unclosed nesting within the limit ends with unexpectedEnd")
    func unclosedWithinLimit() {
        let brackets = [UInt8](repeating: 0x5B, count: Self.maxDepth)
        #expect(validateDocument(brackets) == .failure(JSONError(.unexpectedEnd, at: Self.maxDepth)))
    }

    @Test("the depth argument counts the containers around the value", arguments: [0, 1, 7, 1000, 1023], nests)
    func depthArgument(_ depth: Int, _ n: Nest) {
        let room = Self.maxDepth - depth
        let fits = Self.nested(room, open: n.open, close: n.close)
        let over = Self.nested(room + 1, open: n.open, close: n.close)
        let tooDeep: Result<Int, JSONError> = .failure(
            JSONError(.tooDeep(limit: Self.maxDepth), at: room * n.open.utf8.count))
        #expect(skipValueResult(fits, depth: depth) == .success(fits.count))
        #expect(skipValueResult(over, depth: depth) == tooDeep)
        if n.isObject {
            #expect(scanObjectResult(fits, depth: depth) == .success(fits.count))
            #expect(scanObjectResult(over, depth: depth) == tooDeep)
        }
    }

    @Test("scanObject inside maxDepth containers is already too deep")
    func scanObjectAtMaxDepth() {
        #expect(scanObjectResult(utf8("{}"), depth: Self.maxDepth - 1) == .success(2))
        #expect(
            scanObjectResult(utf8("  {}"), depth: Self.maxDepth)
                == .failure(JSONError(.tooDeep(limit: Self.maxDepth), at: 2))
        )
        #expect(
            scanObjectResult(utf8(#"{"a":[]}"#), depth: Self.maxDepth - 1)
                == .failure(JSONError(.tooDeep(limit: Self.maxDepth), at: 5))
        )
        let identity = utf8(#"{"userIdentity":{"accessKeyId":"K"}}"#)
        #expect(
            scanObjectResult(identity, depth: Self.maxDepth - 1)
                == .failure(JSONError(.tooDeep(limit: Self.maxDepth), at: 16))
        )
        #expect(scanObjectResult(identity, depth: Self.maxDepth - 2) == .success(identity.count))
    }

    /// Random mixes of arrays and objects, deeper than the inline part of the depth stack, must close in
    /// order; a wrong closer at any level is reported where it stands.
    @Test("mixed containers close in order at every depth", arguments: [1, 2, 3, 4, 5])
    func mixedContainers(_ seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let depth = Int.random(in: 100...Self.maxDepth, using: &rng)
        var kinds: [Bool] = []
        for _ in 0..<depth { kinds.append(Bool.random(using: &rng)) }
        var doc: [UInt8] = []
        for isObject in kinds { doc += isObject ? utf8(#"{"k":"#) : utf8("[") }
        doc += utf8("0")
        var closers: [Int] = []
        for isObject in kinds.reversed() {
            closers.append(doc.count)
            doc.append(isObject ? 0x7D : 0x5D)
        }
        #expect(validateDocument(doc) == .success(doc.count), "seed \(seed)")
        if kinds[0] { #expect(scanObjectResult(doc) == .success(doc.count), "seed \(seed)") }

        for _ in 0..<50 {
            let level = Int.random(in: 0..<depth, using: &rng)
            var broken = doc
            let at = closers[level]
            broken[at] = broken[at] == 0x7D ? 0x5D : 0x7D
            let expected = JSONError(.expectedCommaOrEnd, at: at)
            #expect(validateDocument(broken) == .failure(expected), "seed \(seed), closer \(level)")
            if kinds[0] { #expect(scanObjectResult(broken) == .failure(expected), "seed \(seed), closer \(level)") }
        }
    }
}
