import Glibc
import KeytrailScan
import TestSupport
import Testing

/// The sixteen-byte skips of string bodies and whitespace (`JSONScanner+Runs.swift`): a byte
/// that needs a look at every offset around the 16- and 32-byte boundaries, from every start
/// alignment, with the buffer ending right there — checked against the byte-by-byte reference,
/// error kinds and offsets included, in a buffer whose end is the end of readable memory.
@Suite("Sixteen-byte runs")
struct SixteenByteRunTests {
    /// Bytes a string body must stop at or must not: quote, backslash (a valid escape), control
    /// characters, DEL, non-ASCII leads (valid and not), and ASCII neighbours of the special bytes.
    static let stringBytes: [(name: String, bytes: [UInt8])] = [
        ("quote", [0x22]), ("escape", utf8(#"\n"#)), ("bad escape", utf8(#"\x"#)), ("NUL", [0x00]),
        ("0x1F", [0x1F]), ("tab", [0x09]), ("space", [0x20]), ("0x21", [0x21]), ("0x23", [0x23]),
        ("0x5B", [0x5B]), ("0x5D", [0x5D]), ("DEL", [0x7F]), ("é", utf8("é")), ("0x80", [0x80]),
        ("0xFF", [0xFF]),
    ]

    @Test("a special byte at every offset 0...47 of bodies, from every alignment", arguments: 0...15)
    func stringBodies(_ pad: Int) {
        let guarded = GuardedBytes()
        var failures: [String] = []
        for (name, piece) in Self.stringBytes {
            for length in 0...48 {
                // Length 0 is the empty body, once; otherwise the piece at every offset that fits.
                if length > 0 && length < piece.count { continue }
                for p in 0...max(0, length - piece.count) {
                    var body = [UInt8](repeating: 0x61, count: length)
                    if length > 0 { body.replaceSubrange(p..<(p + piece.count), with: piece) }
                    let open = [UInt8](repeating: 0x20, count: pad) + [0x22] + body
                    // Closed and ending the buffer; closed with a value after it; not closed at all.
                    for doc in [open + [0x22], open + utf8("\",1"), open] {
                        let expected = StringReference.scan(doc, pad)
                        let actual = guarded.scanString(doc, at: pad)
                        if actual != expected { failures.append("\(name) at \(p) of \(length): \(actual)") }
                    }
                }
            }
        }
        #expect(failures.isEmpty, "pad \(pad): \(failures.prefix(10))")
    }

    @Test("plain bodies that end at the buffer's end, every length 0...64 and alignment")
    func unterminatedBodies() {
        let guarded = GuardedBytes()
        var failures: [String] = []
        for pad in 0...15 {
            for length in 0...64 {
                let doc = [UInt8](repeating: 0x20, count: pad) + [0x22] + [UInt8](repeating: 0x62, count: length)
                let actual = guarded.scanString(doc, at: pad)
                if actual != .failure(JSONError(.unexpectedEnd, at: doc.count)) {
                    failures.append("pad \(pad), length \(length): \(actual)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    /// Whitespace runs of every length, mixed from the four whitespace bytes, stopped by a byte
    /// that is not whitespace (the near misses among them) or by the end of the buffer.
    @Test("whitespace runs 0...48 long, from every alignment, stopped by each near miss", arguments: 0...15)
    func whitespaceRuns(_ pad: Int) {
        let stops: [UInt8?] = [nil, 0x31, 0x7B, 0x22, 0x00, 0x08, 0x0B, 0x0C, 0x1F, 0x21, 0x85, 0xA0, 0xFF]
        let guarded = GuardedBytes()
        var rng = SeededRandom(seed: UInt64(40 + pad))
        var failures: [String] = []
        for length in 0...48 {
            let run = (0..<length).map { _ in [0x20, 0x0A, 0x0D, 0x09].randomElement(using: &rng)! as UInt8 }
            for stop in stops {
                let doc = [UInt8](repeating: 0x78, count: pad) + run + (stop.map { [$0] } ?? [])
                let actual = guarded.skipWhitespace(doc, from: pad)
                if actual != pad + length { failures.append("length \(length), stop \(String(describing: stop))") }
            }
            // A near miss inside the run ends it there.
            for p in 0..<length {
                var doc = [UInt8](repeating: 0x78, count: pad) + run + [0x31]
                doc[pad + p] = 0x0B
                let actual = guarded.skipWhitespace(doc, from: pad)
                if actual != pad + p { failures.append("length \(length), 0x0B at \(p): \(actual)") }
            }
        }
        #expect(failures.isEmpty, "pad \(pad): \(failures.prefix(10))")
    }

    @Test("errors after pretty-printed indentation keep their offsets")
    func errorsAfterIndentation() {
        for indent in [0, 1, 7, 15, 16, 17, 31, 32, 33, 64] {
            let spaces = String(repeating: " ", count: indent)
            let doc = utf8("{\n" + spaces + "\"a\": [\n" + spaces + "  1,\n" + spaces + "  x]}")
            let x = doc.firstIndex(of: 0x78)!
            #expect(validateDocument(doc) == .failure(JSONError(.unexpectedByte(0x78), at: x)), "indent \(indent)")
            let good = utf8(
                "{\n" + spaces + "\"a\"" + spaces + ":\t" + spaces + "[\r\n" + spaces + "1 ]\n" + spaces + "}")
            #expect(validateDocument(good) == .success(good.count), "indent \(indent)")
        }
    }
}

/// Test bytes placed so that they end where readable memory ends (a `PROT_NONE` page follows):
/// a read past the buffer's end crashes the test instead of passing unseen. One mapping, reused
/// for every document (each copied to the end of it), so a case costs no system call.
final class GuardedBytes {
    private let raw: UnsafeMutableRawPointer
    private let size: Int
    private let end: UnsafeMutableRawPointer

    init() {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        size = 2 * page
        let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let raw = mapped, Int(bitPattern: raw) != -1 else { preconditionFailure("mmap failed") }
        self.raw = raw
        end = raw + page
        precondition(mprotect(end, page, PROT_NONE) == 0)
    }

    deinit { munmap(raw, size) }

    /// A scanner over a copy of `bytes` that ends at the guard page (valid until the next call).
    func scanner(_ bytes: [UInt8]) -> JSONScanner {
        precondition(bytes.count <= end - raw)
        let start = end - bytes.count
        bytes.withUnsafeBytes { start.copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(end), byteCount: $0.count) }
        return JSONScanner(UnsafeRawBufferPointer(start: start, count: bytes.count))
    }

    func scanString(_ bytes: [UInt8], at start: Int) -> Result<StringReference.Token, JSONError> {
        let s = scanner(bytes)
        do throws(JSONError) {
            return .success(StringReference.Token(try s.scanString(start)))
        } catch {
            return .failure(error)
        }
    }

    func skipWhitespace(_ bytes: [UInt8], from start: Int) -> Int { scanner(bytes).skipWhitespace(start) }
}
