import KeytrailExtract
import KeytrailScan

// libFuzzer entry point for the scanner and the framing. Fuzz/run.sh builds it against the
// KeytrailScan and KeytrailExtract modules as the package builds them (one package name, so
// `FileProcessor` is visible). Every failed invariant traps with a message that names it;
// libFuzzer saves the input.

/// One processor for every input, as an ingest worker reuses its processor from file to file.
nonisolated(unsafe) private let processor = FileProcessor(until: Int64.max)

@_cdecl("LLVMFuzzerTestOneInput")
package func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    checkScanner(input)
    // The framing ignores a UTF-8 BOM at the very start; so do the checks that compare with it.
    var content = input
    if size >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF {
        content = UnsafeRawBufferPointer(rebasing: input[3...])
    }
    let result = processor.process(input, path: "fuzz")
    checkResult(result, processor.table, content)
    checkAgainstScanner(result, content)
    // Nothing the previous input left in the processor matters: the same input again, now after
    // itself, gives the same answer.
    let entries = snapshot(processor.table)
    let again = processor.process(input, path: "fuzz")
    expect(again.counts == result.counts, "a second pass counts differently")
    expect(again.rejections == result.rejections, "second pass: \(difference(again.rejections, result.rejections))")
    expect(again.notes == result.notes, "second pass: notes \(difference(again.notes, result.notes))")
    expect(again.rejectedUnits == result.rejectedUnits, "a second pass counts other rejected units")
    expect(snapshot(processor.table) == entries, "a second pass keeps other entries")
    // Streaming invariance: fed in windows, as large files and standard input are, the answer is
    // the same. Small windows only for small inputs (each feed rescans the unconsumed window).
    for chunk in [1, 7, 4096] where chunk == 4096 || size <= chunk * 512 {
        let streamed = stream(input, chunk: chunk)
        let what = "fed in \(chunk)-byte chunks"
        expect(streamed.counts == result.counts, "\(what): counts \(streamed.counts) vs \(result.counts)")
        expect(
            streamed.rejections == result.rejections,
            "\(what): \(difference(streamed.rejections, result.rejections))")
        expect(streamed.notes == result.notes, "\(what): notes \(difference(streamed.notes, result.notes))")
        expect(streamed.rejectedUnits == result.rejectedUnits, "\(what): other rejected units")
        expect(snapshot(processor.table) == entries, "\(what): other entries")
    }
    return 0
}

/// Feeds `input` to the processor as an ingest worker streams a file: `chunk` bytes arrive at a
/// time, the processor consumes what it can, the rest waits for more.
private func stream(_ input: UnsafeRawBufferPointer, chunk: Int) -> FileResult {
    processor.begin(path: "fuzz")
    var window: [UInt8] = []
    var next = 0
    while true {
        let end = next == input.count
        let n = min(chunk, input.count - next)
        window.append(contentsOf: input[next..<(next + n)])
        next += n
        let used = window.withUnsafeBytes { processor.feed($0, final: end) }
        expect(used >= 0 && used <= window.count, "feed consumed \(used) of \(window.count)")
        // Known: a file that is only a BOM is rejected as empty, but its final feed reports 0 bytes used.
        let bomOnly = window == [0xEF, 0xBB, 0xBF] && next == 3
        expect(!end || used == window.count || bomOnly, "the final feed left \(window.count - used) bytes")
        window.removeFirst(used)
        if end { break }
    }
    return processor.finish()
}

/// Traps with `message` when `condition` is false (also in optimised builds, with the message).
@inline(__always) private func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant failed: \(message())") }
}

/// The scanner's own promises (as Tests/KeytrailScanTests/ScannerInvariantTests.swift checks on
/// random input): a value ends inside the input and re-scans to the same end, alone or after
/// whitespace; an error lies inside the input, its line and column agree with its offset, and it
/// is the same error one byte later in an array; `scanObject` and `skipValue` agree on the same
/// grammar, at the top and as a member value, and every slot lies inside its object.
private func checkScanner(_ input: UnsafeRawBufferPointer) {
    let s = JSONScanner(input)
    let value = Result { () throws(JSONError) in try s.skipValue(0) }
    let bytes = Array(input)
    switch value {
    case .success(let end):
        expect(end > 0 && end <= s.count, "skipValue ended at \(end) of \(s.count)")
        expect(skipValue(Array(bytes[..<end])) == .success(end), "the value alone scans to another end")
        expect(skipValue([0x20, 0x0A, 0x09] + bytes) == .success(end + 3), "shifted by whitespace")
        if s.skipWhitespace(end) == s.count {
            let wrapped = skipValue([0x5B] + bytes + [0x5D])
            let deep = wrapped.failure?.kind == .tooDeep(limit: JSONScanner.maxDepth)
            expect(deep || wrapped == .success(bytes.count + 2), "a document in an array: \(wrapped)")
        }
    case .failure(let e):
        expect(e.offset >= 0 && e.offset <= s.count, "error offset \(e.offset)")
        let p = TextPosition(offset: e.offset, in: input)
        let before = bytes[..<e.offset]
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        expect(
            p.line == 1 + before.count { $0 == 0x0A } && p.column == e.offset - lineStart + 1,
            "error at offset \(e.offset) reported at \(p)")
        // A `]` where the value should start closes the array instead; an input that ran out meets the `]`.
        let closes = s.skipWhitespace(0) == e.offset && e.offset < s.count && s[e.offset] == 0x5D
        // One level deeper, input nested to the limit is too deep.
        let wrapped = skipValue([0x5B] + bytes + [0x5D])
        let deep = wrapped.failure?.kind == .tooDeep(limit: JSONScanner.maxDepth)
        if e.kind != .unexpectedEnd && !deep && !closes {
            expect(wrapped == .failure(JSONError(e.kind, at: e.offset + 1)), "\(e) in an array: \(wrapped)")
        }
    }
    for member in ["serviceName", "userIdentity", "x"] {
        let doc = Array("{\"\(member)\":".utf8) + bytes + [0x7D]
        expect(scanObject(doc) == skipValue(doc), "as the value of \(member), scanObject and skipValue differ")
    }
    let first = s.skipWhitespace(0)
    guard first < s.count else { return }
    if s[first] == 0x22, case .success(let end) = value {
        // A valid string decodes to valid UTF-8, never longer than its body.
        var decoded: [UInt8] = []
        s.unescape(first + 1, end - 1, into: &decoded)
        expect(decoded.count <= end - 1 - (first + 1), "unescaping lengthened a string")
        expect(String(validating: decoded, as: UTF8.self) != nil, "a valid string decodes to invalid UTF-8")
    }
    guard s[first] == 0x7B else { return }
    var fields = EventFields()
    let object = Result { () throws(JSONError) in try s.scanObject(first, depth: 0, into: &fields) }
    expect(object == value, "scanObject \(object) but skipValue \(value)")
    guard case .success(let end) = object else { return }
    for field in EventField.allCases where fields[field].isPresent {
        let slot = fields[field]
        expect(first < slot.start && slot.start <= slot.end && slot.end < end, "\(field) \(slot) outside 0..<\(end)")
    }
}

/// `skipValue` at the start of `bytes`.
private func skipValue(_ bytes: [UInt8]) -> Result<Int, JSONError> {
    bytes.withUnsafeBytes { skipValue(JSONScanner($0)) }
}

private func skipValue(_ s: JSONScanner) -> Result<Int, JSONError> {
    do throws(JSONError) {
        return .success(try s.skipValue(0))
    } catch {
        return .failure(error)
    }
}

/// `scanObject` on `bytes`, which start with `{`.
private func scanObject(_ bytes: [UInt8]) -> Result<Int, JSONError> {
    bytes.withUnsafeBytes { scanObject(JSONScanner($0)) }
}

private func scanObject(_ s: JSONScanner) -> Result<Int, JSONError> {
    var fields = EventFields()
    do throws(JSONError) {
        return .success(try s.scanObject(0, depth: 0, into: &fields))
    } catch {
        return .failure(error)
    }
}

extension Result {
    /// The failure, or nil on success.
    fileprivate var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}

/// What any result must satisfy on its own.
private func checkResult(_ r: FileResult, _ table: MaxRegisterTable, _ content: UnsafeRawBufferPointer) {
    let lines = LineIndex(content)
    // A file rejected whole for what it is (binary, not ActionTrail) has no position.
    for x in r.rejections where x.kind != .binary && x.kind != .notActiontrail {
        let line = x.line ?? 0
        let column = x.column ?? 0
        expect(line >= 1 && column >= 1, "rejection at \(String(describing: x.line)):\(String(describing: x.column))")
        expect(lines.contains(line: line, column: column), "rejection at \(line):\(column) outside the text")
    }
    for n in r.notes {
        expect(n.line >= 1 && n.column >= 1, "note at \(n.line):\(n.column)")
        expect(lines.contains(line: n.line, column: n.column), "note at \(n.line):\(n.column) outside the text")
    }
    if r.rejections.contains(where: { $0.kind == .empty }) {
        expect(r.rejections.count == 1 && r.rejectedUnits == 0 && r.counts.read == 0, "an empty file did more")
    } else if r.rejections.contains(where: { $0.kind == .binary }) {
        expect(r.rejections.count == 1 && r.rejectedUnits == 1 && r.counts.read == 0, "a binary file did more")
    } else if r.rejections.contains(where: { $0.kind == .notActiontrail }) {
        expect(r.rejections.count == 1 && r.rejectedUnits == 1, "not ActionTrail, and other rejections")
        expect(r.counts.indexed == 0 && table.count == 0, "not ActionTrail, but events indexed")
    } else {
        expect(r.rejections.allSatisfy { $0.kind == .json }, "a rejection other than json or empty")
        expect(r.rejections.count == min(r.rejectedUnits, FileProcessor.maxRejections + 1), "rejections uncounted")
    }
    let c = r.counts
    expect(c.read == c.indexed + c.totalSkipped, "read \(c.read) != indexed \(c.indexed) + skipped \(c.totalSkipped)")
    expect(c.skipped.allSatisfy { $0 >= 0 }, "negative skip count")
    expect(c.skipped(.afterUntil) == 0, "an event after Int64.max")
    expect(r.notes.count <= min(c.skipped(.unparseableTime), FileProcessor.maxNotes), "more notes than skips")
    // Each indexed event has one product row, and sibling rows only with one: products ≤ indexed.
    let products = table.entries.filter { table.service($0).first == 0 }.count
    expect(products <= c.indexed, "table holds \(products) product rows for \(c.indexed) indexed")
    expect(products > 0 || table.count == 0, "sibling rows without a product row")
    expect((table.count == 0) == (c.indexed == 0), "indexed events but an empty table, or the reverse")
    var pairs = Set<[[UInt8]]>()
    for e in table.entries {
        let key = table.key(e)
        let service = table.service(e)
        expect(key.count > 0 && service.count > 0, "an entry with an empty key or service")
        expect(pairs.insert([Array(key), Array(service)]).inserted, "two entries for one (key, service)")
        // Detail is the text of one event object, as found in the input or in a decoded string.
        let detail = table.detail(e)
        let s = JSONScanner(detail)
        expect(detail.count >= 2 && s[0] == 0x7B, "Detail is not an object's text")
        let end = Result { () throws(JSONError) in try s.skipValue(0) }
        expect(end == .success(detail.count), "Detail is not exactly one JSON value: \(end)")
        let ms = e.timestamp
        if ms > -62_135_596_800_000 && ms < 253_402_214_400_000 {  // 0001-01-01 ..< 9999-12-31
            let text = Timestamp.format(ms, millis: true)
            expect(Timestamp.parseRFC3339(text) == ms, "\(ms) formats as \(text), which does not parse back")
        }
    }
}

/// The framing against the scanner on the first top-level value, for the cases that must agree.
private func checkAgainstScanner(_ r: FileResult, _ content: UnsafeRawBufferPointer) {
    let s = JSONScanner(content)
    let first = s.skipWhitespace(0)
    guard first < s.count else { return }
    let ownSyntax = r.rejections.filter { $0.kind == .json && !isNestedText($0.message) }
    do throws(JSONError) {
        let end = try s.skipValue(first)
        // A whole document that is one valid object or array: only the JSON text held in a string
        // (an SLS row's `event`, a response's `Detail`), parsed as a document of its own, may be bad.
        guard s.skipWhitespace(end) == s.count, s[first] == 0x7B || s[first] == 0x5B else { return }
        expect(ownSyntax.isEmpty, "a valid document rejected: \(ownSyntax[0].formatted)")
    } catch {
        // The first value is malformed: the first rejection is that error, unless an earlier array
        // element held bad text in a string.
        guard let x = r.rejections.first else { fatalError("invariant failed: malformed input accepted: \(error)") }
        if isNestedText(x.message) || x.kind == .binary { return }
        let p = TextPosition(offset: error.offset, in: content)
        expect(
            x.line == p.line && x.column == p.column
                && (x.message == error.message || x.message == FileProcessor.notJSON(error.message)),
            "framing says \(x.formatted), scanner says \(p): \(error.message)")
    }
}

/// How two lists differ, briefly: their lengths and the first pair that differs.
private func difference<T: Equatable>(_ a: [T], _ b: [T]) -> String {
    let i = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    let show = { (x: [T]) in i < x.count ? "\(x[i])" : "nothing" }
    return "\(a.count) vs \(b.count) items; at \(i): \(show(a)) vs \(show(b))"
}

/// Whether a rejection is about JSON text held in a string rather than the file's own syntax.
private func isNestedText(_ message: String) -> Bool {
    message.hasPrefix("in the JSON text held by this string")
        || message == JSONError(.nestedTooDeep(limit: FileProcessor.maxStringNesting), at: 0).message
}

/// A table's entries as plain values, for comparison.
private func snapshot(_ t: MaxRegisterTable) -> [[[UInt8]]] {
    t.entries.map { e in
        [
            Array(t.key(e)), Array(t.service(e)), Array(t.eventId(e)), Array(t.detail(e)),
            [UInt8](String(e.timestamp).utf8), [UInt8](e.source.rawValue.utf8),
        ]
    }
}

/// Line lengths of a text (lines split at LF), to check that positions fall inside it.
private struct LineIndex {
    var lengths: [Int] = []

    init(_ text: UnsafeRawBufferPointer) {
        var start = 0
        for (i, b) in text.enumerated() where b == 0x0A {
            lengths.append(i - start)
            start = i + 1
        }
        lengths.append(text.count - start)
    }

    /// A column may be one past the line's last byte (where the line, or the input, ended).
    func contains(line: Int, column: Int) -> Bool {
        line >= 1 && line <= lengths.count && column >= 1 && column <= lengths[line - 1] + 1
    }
}
