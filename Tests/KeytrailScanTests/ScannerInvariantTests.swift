import KeytrailScan
import TestSupport
import Testing

/// What the scanner promises of any input at all, checked on seeded random bytes (the same
/// invariants as the fuzz target, Fuzz/FuzzScanner.swift). Each failure names the input.
enum ScannerInvariants {
    /// The invariants `bytes` breaks, as messages (empty: none).
    static func violations(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { out.append(message()) }
        }
        let result = skipValueResult(bytes)
        switch result {
        case .success(let end):
            expect(end > 0 && end <= bytes.count, "skipValue ended at \(end) of \(bytes.count)")
            // The value alone, and the value after whitespace, re-scan to the same end.
            let value = Array(bytes[..<end])
            expect(skipValueResult(value) == .success(end), "the value alone scans to \(skipValueResult(value))")
            expect(skipValueResult(utf8(" \n\t") + bytes) == .success(end + 3), "shifted by whitespace")
            // A value followed by nothing but whitespace is a document, and an array's element.
            if bytes[end...].allSatisfy({ [0x20, 0x0A, 0x0D, 0x09].contains($0) }) {
                let wrapped = utf8("[") + bytes + utf8("]")
                let expected: Result<Int, JSONError> = .success(wrapped.count)
                let deep = skipValueResult(wrapped).failure?.kind == .tooDeep(limit: JSONScanner.maxDepth)
                expect(deep || skipValueResult(wrapped) == expected, "in an array: \(skipValueResult(wrapped))")
            }
        case .failure(let error):
            expect(error.offset >= 0 && error.offset <= bytes.count, "error offset \(error.offset) of \(bytes.count)")
            expect(!error.message.isEmpty, "an error without a message")
            expect(position(error.offset, in: bytes) == counted(error.offset, in: bytes), "line and column")
            // The same error, one byte later, as an array's element — except where the input ran
            // out (there the closing bracket is what the scanner meets) and where a `]` instead of
            // a value closes the array.
            let inArray = skipValueResult(utf8("[") + bytes + utf8("]"))
            let closes =
                bytes.withUnsafeBytes { JSONScanner($0).skipWhitespace(0) } == error.offset
                && error.offset < bytes.count && bytes[error.offset] == 0x5D
            // One level deeper, input nested to the limit is too deep.
            let deep = inArray.failure?.kind == .tooDeep(limit: JSONScanner.maxDepth)
            if error.kind != .unexpectedEnd && !deep && !closes {
                expect(inArray == .failure(JSONError(error.kind, at: error.offset + 1)), "in an array: \(inArray)")
            }
        }
        let first = bytes.firstIndex { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }
        guard let first else { return out }
        if bytes[first] == 0x22, case .success(let end) = result {
            // A valid string decodes to valid UTF-8, never longer than its body.
            let decoded = bytes.withUnsafeBytes { buf in
                var d: [UInt8] = []
                JSONScanner(buf).unescape(first + 1, end - 1, into: &d)
                return d
            }
            expect(decoded.count <= end - first - 2, "unescaping lengthened a string")
            expect(String(validating: decoded, as: UTF8.self) != nil, "a valid string decodes to invalid UTF-8")
        }
        if bytes[first] == 0x7B {
            // scanObject validates as skipValue does, and finds its slots inside the object.
            expect(scanObjectResult(bytes) == result, "scanObject \(scanObjectResult(bytes)) but skipValue \(result)")
            if case .success(let end) = result, let fields = try? rawFields(bytes) {
                for field in EventField.allCases where fields[field].isPresent {
                    let slot = fields[field]
                    expect(first < slot.start && slot.start <= slot.end && slot.end < end, "\(field) at \(slot)")
                }
            }
        }
        // As the value of each kind of member (a field, userIdentity, one not read), the same grammar.
        for member in ["serviceName", "userIdentity", "x"] {
            let doc = utf8(#"{"\#(member)":"#) + bytes + utf8("}")
            expect(scanObjectResult(doc) == skipValueResult(doc), "as \(member): scanObject and skipValue differ")
        }
        return out
    }

    static func position(_ offset: Int, in bytes: [UInt8]) -> TextPosition {
        bytes.withUnsafeBytes { TextPosition(offset: offset, in: $0) }
    }

    /// Line and column by counting the bytes before `offset`.
    static func counted(_ offset: Int, in bytes: [UInt8]) -> TextPosition {
        let before = bytes[..<offset]
        let lastLF = before.lastIndex(of: 0x0A)
        return TextPosition(
            line: 1 + before.count { $0 == 0x0A }, column: offset - (lastLF.map { $0 + 1 } ?? 0) + 1)
    }
}

@Suite("Scanner invariants on random input")
struct ScannerInvariantTests {
    /// Pieces that make random input look like JSON often enough to get deep into the grammar.
    static let pieces: [[UInt8]] =
        [
            "{", "}", "[", "]", "\"", ":", ",", "\\", "\\u", "\\ud83d", "\\ude00", "00", "7", "-", ".", "e+", "true",
            "fals", "null", " ", "\n", "\r\n", "\t", "é", "\"serviceName\"", "\"userIdentity\"", "\"accessKeyId\"",
            "\"EventTime\"", "\"x\"", "{\"a\":", "[1,",
        ]
        .map { utf8($0) } + [[0x00], [0x1F], [0x7F], [0x80], [0xC3], [0xED, 0xA0], [0xF4, 0x90], [0xFF]]

    static func randomInput(using rng: inout SeededRandom) -> [UInt8] {
        var bytes: [UInt8] = []
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:
            // Raw bytes.
            for _ in 0..<Int.random(in: 0...64, using: &rng) { bytes.append(UInt8.random(in: 0...255, using: &rng)) }
        case 1:
            // A real event, damaged in a few places or cut short.
            bytes = utf8(sampleEvent)
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = pieces.randomElement(using: &rng)![0]
            }
            if Bool.random(using: &rng) { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &rng)) }
        case 2:
            // Nesting around the depth limit, then anything.
            let depth = Int.random(in: JSONScanner.maxDepth - 2...JSONScanner.maxDepth + 1, using: &rng)
            bytes = Array(repeating: Bool.random(using: &rng) ? 0x5B : 0x7B, count: depth)
            for _ in 0..<Int.random(in: 0...8, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
        default:
            for _ in 0..<Int.random(in: 0...40, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
        }
        return bytes
    }

    @Test("every invariant holds on random input", arguments: [61, 62, 63, 64] as [UInt64])
    func randomInput(_ seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var failures: [String] = []
        var outcomes: Set<String> = []
        for _ in 0..<1500 {
            let bytes = Self.randomInput(using: &rng)
            outcomes.insert(skipValueResult(bytes).failure.map { "\($0.kind)" } ?? "ok")
            for v in ScannerInvariants.violations(bytes) { failures.append("\(hexBytes(bytes)): \(v)") }
        }
        #expect(failures.isEmpty, "seed \(seed): \(failures.prefix(5))")
        // The input reaches valid values and many kinds of error, so the invariants are exercised.
        #expect(outcomes.contains("ok") && outcomes.count >= 8, "seed \(seed): \(outcomes)")
    }

    @Test(
        "known inputs keep every invariant; positions count bytes before the offset",
        arguments: ["{\"a\":1}", "\"\\u00e9\"", "[1,", "tru", "\n\n x"])
    func knownInputs(_ text: String) {
        #expect(ScannerInvariants.violations(utf8(text)).isEmpty)
        #expect(ScannerInvariants.counted(3, in: utf8("\n\n x")) == TextPosition(line: 3, column: 2))
    }
}
