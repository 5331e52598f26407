import Glibc
import KeytrailScan

/// What one input file contributed besides its entries (which stay in the processor's `table`):
/// counts, notes and rejections.
struct FileResult {
    var counts = EventCounts()
    var notes: [SkipNote] = []
    var rejections: [Rejection] = []
    var newest = Int64.min
    /// Units (lines or the whole document) rejected, listed or not.
    var rejectedUnits = 0
}

/// Frames one decompressed input (detecting its shape), scans it, and reduces its events.
///
/// A unit is all-or-nothing: a JSON line in JSON-lines mode, otherwise the whole file. Events are
/// staged per unit and folded into the file's table only when the unit is valid.
final class FileProcessor {
    /// Events after this time (epoch ms) are skipped (`--until`).
    let until: Int64
    /// At most this many skip notes are kept per file.
    static let maxNotes = 100
    /// At most this many rejections are listed per file; the rest are counted.
    static let maxRejections = 1000
    /// How many JSON strings deep an event may be nested (SLS row → event text).
    static let maxStringNesting = 3

    let arena = Arena()
    var staged: [Candidate] = []
    var unitCounts = EventCounts()
    var unitNotes: [(UnsafeRawPointer, SkipReason, String)] = []
    private var fileNotes: [(UnsafeRawPointer, SkipReason, String)] = []
    private var result = FileResult()
    /// The current file's reduced entries, valid until the next `process`.
    private(set) var table = MaxRegisterTable()
    /// Reused buffers for the raw bytes and the decompressed content of the current file.
    let raw = ByteBuffer(capacity: 1 << 20)
    let inflated = ByteBuffer(capacity: 1 << 20)
    /// The content position that skip notes inside nested strings point at.
    var anchor: UnsafeRawPointer?

    init(until: Int64) { self.until = until }

    struct Candidate {
        var key: UnsafeRawBufferPointer
        var service: UnsafeRawBufferPointer
        var eventId: UnsafeRawBufferPointer
        var detail: UnsafeRawBufferPointer
        var timestamp: Int64
        var source: EventSource
    }

    /// Processes the decompressed `content` of the file at `path`.
    func process(_ full: UnsafeRawBufferPointer, path: String) -> FileResult {
        result = FileResult()
        table.removeAll()
        fileNotes.removeAll(keepingCapacity: true)
        defer { arena.reset() }
        // A UTF-8 BOM at the very start is ignored; columns count from after it.
        var content = full
        if full.count >= 3 && full[0] == 0xEF && full[1] == 0xBB && full[2] == 0xBF {
            content = UnsafeRawBufferPointer(rebasing: full[3...])
        }
        let s = JSONScanner(content)
        let first = s.skipWhitespace(0)
        guard first < s.count else {
            result.rejections.append(
                Rejection(path: path, kind: .empty, line: 1, column: 1, message: "no JSON value in the file"))
            return result
        }
        let firstLineEnd = Self.lineEnd(content, from: first)
        beginUnit()
        var firstEnd = 0
        var firstError: JSONError?
        do throws(JSONError) {
            firstEnd = try topValue(s, first)
        } catch {
            firstError = error
        }
        let jsonLines: Bool
        if let e = firstError {
            jsonLines = e.offset < firstLineEnd
        } else {
            jsonLines = firstEnd <= firstLineEnd
        }
        if jsonLines {
            let lineStart = Self.lineStart(content, before: first)
            var error = firstError
            if error == nil {
                let after = s.skipBlanks(firstEnd)
                if after != firstLineEnd { error = JSONError(.trailingText, at: after) }
            }
            let line = TextPosition(offset: first, in: content).line
            finishUnit(error.map { (line, $0.offset - lineStart + 1, $0.message) }, path: path)
            processLines(content, from: firstLineEnd + 1, line: line + 1, path: path)
        } else {
            var error = firstError
            if error == nil {
                do throws(JSONError) {
                    try processDocuments(s, from: firstEnd)
                } catch let e {
                    error = e
                }
            }
            if let e = error {
                let p = TextPosition(offset: e.offset, in: content)
                finishUnit((p.line, p.column, e.message), path: path)
            } else {
                finishUnit(nil, path: path)
            }
        }
        resolveNotes(content, path: path)
        return result
    }

    /// Document mode: values separated by whitespace that contains a line break.
    private func processDocuments(_ s: JSONScanner, from start: Int) throws(JSONError) {
        var i = start
        while true {
            let j = s.skipBlanks(i)
            if j == s.count { return }
            guard s[j] == 0x0A else { throw JSONError(.trailingText, at: j) }
            i = s.skipWhitespace(j)
            if i == s.count { return }
            i = try topValue(s, i)
        }
    }

    /// JSON-lines mode: each line is a unit; a bad line is rejected and the next one goes on.
    private func processLines(_ content: UnsafeRawBufferPointer, from start: Int, line firstLine: Int, path: String) {
        var pos = start
        var line = firstLine
        while pos < content.count {
            let end = Self.lineEnd(content, from: pos)
            let ls = JSONScanner(UnsafeRawBufferPointer(rebasing: content[pos..<end]))
            let k = ls.skipWhitespace(0)
            if k < ls.count {
                beginUnit()
                var error: JSONError?
                do throws(JSONError) {
                    let e = try topValue(ls, k)
                    let after = ls.skipBlanks(e)
                    if after != ls.count { throw JSONError(.trailingText, at: after) }
                } catch let e {
                    error = e
                }
                finishUnit(error.map { (line, $0.offset + 1, $0.message) }, path: path)
            }
            pos = end + 1
            line += 1
        }
    }

    private func beginUnit() {
        staged.removeAll(keepingCapacity: true)
        unitCounts = EventCounts()
        unitNotes.removeAll(keepingCapacity: true)
    }

    /// Folds the unit into the file's table, or rejects it with its position.
    private func finishUnit(_ error: (Int, Int, String)?, path: String) {
        if let (line, column, message) = error {
            result.rejectedUnits += 1
            if result.rejections.count < Self.maxRejections {
                result.rejections.append(
                    Rejection(path: path, kind: .json, line: line, column: column, message: message))
            } else if result.rejections.count == Self.maxRejections {
                result.rejections.append(
                    Rejection(
                        path: path, kind: .json, line: line, column: column,
                        message: "\(message) (further rejected lines of this file are counted, not listed)"))
            }
            return
        }
        for c in staged {
            table.offer(
                key: c.key, service: c.service, timestamp: c.timestamp, eventId: c.eventId, source: c.source,
                detail: c.detail)
            if c.timestamp > result.newest { result.newest = c.timestamp }
        }
        result.counts.add(unitCounts)
        for n in unitNotes where fileNotes.count < Self.maxNotes { fileNotes.append(n) }
    }

    private func resolveNotes(_ content: UnsafeRawBufferPointer, path: String) {
        guard !fileNotes.isEmpty, let base = content.baseAddress else { return }
        // Notes come in file order; count lines once, moving forward.
        var line = 1
        var lineStart = 0
        var i = 0
        for (p, reason, message) in fileNotes {
            let offset = p - base
            guard offset >= 0 && offset <= content.count else { continue }
            if offset < i {
                line = 1
                lineStart = 0
                i = 0
            }
            while i < offset {
                if content[i] == 0x0A {
                    line += 1
                    lineStart = i + 1
                }
                i += 1
            }
            result.notes.append(
                SkipNote(path: path, line: line, column: offset - lineStart + 1, reason: reason, message: message))
        }
    }

    static func lineEnd(_ c: UnsafeRawBufferPointer, from i: Int) -> Int {
        guard i < c.count, let base = c.baseAddress else { return c.count }
        guard let p = memchr(base + i, 0x0A, c.count - i) else { return c.count }
        return UnsafeRawPointer(p) - base
    }

    static func lineStart(_ c: UnsafeRawBufferPointer, before i: Int) -> Int {
        var k = i
        while k > 0 && c[k - 1] != 0x0A { k -= 1 }
        return k
    }
}
