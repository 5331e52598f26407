import Glibc
import KeytrailScan

/// Frames one decompressed input (detecting its shape), scans it, and reduces its events.
///
/// A unit is all-or-nothing: a JSON line in JSON-lines mode, otherwise the whole file. Events are
/// staged per unit and folded into the file's table only when the unit is valid.
package final class FileProcessor {
    /// Events after this time (epoch ms) are skipped (`--until`).
    let until: Int64
    /// At most this many skip notes are kept per file.
    package static let maxNotes = 100
    /// The largest event kept as a Detail; larger ones are skipped and reported.
    package static let maxDetailBytes = 64 << 20
    /// At most this many rejections are listed per file; the rest are counted.
    package static let maxRejections = 1000
    /// How many JSON strings deep an event may be nested (SLS row → event text).
    package static let maxStringNesting = 3

    let arena = Arena()
    var staged: [Candidate] = []
    var unitCounts = EventCounts()
    var unitNotes: [(UnsafeRawPointer, SkipReason, String)] = []
    /// Top-level values of the unit, and events (or response shapes) found in it.
    var unitValues = 0
    var unitEvents = 0
    /// The same for the file's accepted units: JSON values and not one event is `not_actiontrail`.
    private var fileValues = 0
    private var fileEvents = 0
    private var fileNotes: [(UnsafeRawPointer, SkipReason, String)] = []
    private var result = FileResult()
    /// The current file's reduced entries, valid until the next `process`.
    package var table: MaxRegisterTable { reduced }
    /// Events read so far in the current file (its accepted units'): what a progress line counts.
    package var eventsRead: Int { result.counts.read }
    /// Private, so that the optimiser sees every access to it and checks none at run time.
    private var reduced = MaxRegisterTable()
    /// Reused for the raw bytes of the current file (its reader fills it).
    package let raw = ByteBuffer(capacity: 1 << 20)
    /// Reused for the decompressed content of the current file (or the window being framed).
    package let inflated = ByteBuffer(capacity: 1 << 20)
    /// Reused for gathering the Details of a file's winners before they are spilled.
    package let staging = ByteBuffer(capacity: 1 << 20)
    /// The current file's whole content, when it was read (and decompressed) in one piece and
    /// stays as it is until the next file: a Detail within it records its offset
    /// (`MaxRegisterTable.Entry.sourceOffset`) and is not copied into the table. Its reader sets
    /// it after `begin`.
    package var verbatim: UnsafeRawBufferPointer? {
        didSet { reduced.verbatim = verbatim?.baseAddress }
    }
    /// The content position that skip notes inside nested strings point at.
    var anchor: UnsafeRawPointer?
    /// Where the current unit's text starts, and its line in the file (its column is 1).
    private var unitBase: UnsafeRawPointer?
    private var unitLine = 1

    /// Whether events are also offered to the sibling rows.
    let siblings: Bool

    /// A processor that skips events after `until` and, with `siblings`, offers them to the sibling rows.
    package init(until: Int64, siblings: Bool = true) {
        self.until = until
        self.siblings = siblings
    }

    /// Gives back the memory of the files processed so far (their bytes, their table): call when
    /// no file is being read or merged, e.g. when a wave of files is done.
    package func release() {
        verbatim = nil
        reduced.release()
        raw.release()
        inflated.release()
        staging.release()
        staged = []
        arena.reset()
    }

    struct Candidate {
        var key: UnsafeRawBufferPointer
        /// The row's `DimensionTag`: product (service) or a sibling dimension.
        var tag: UnsafeRawBufferPointer
        var eventId: UnsafeRawBufferPointer
        var detail: UnsafeRawBufferPointer
        var timestamp: Int64
        var source: EventSource
        /// Where the event's text (or the string holding it) starts in the unit's content.
        var at: UnsafeRawPointer? = nil
    }

    /// Processes the decompressed `content` of the file at `path` in one piece.
    package func process(_ content: UnsafeRawBufferPointer, path: String) -> FileResult {
        begin(path: path)
        _ = feed(content, final: true)
        return finish()
    }

    /// How a file is framed: undecided until its first value is seen; `rejected` once the whole
    /// file was rejected (not text, not JSON), its rest is passed over.
    enum Mode { case undecided, lines, document, rejected }

    /// The current file's framing.
    private(set) var mode = Mode.undecided
    private var path = ""
    /// Line number of the first byte of the next window.
    private var nextLine = 1
    /// Bytes consumed so far (a BOM counts only at offset 0).
    private var consumed = 0

    /// Starts a file that will be fed in windows.
    package func begin(path: String) {
        result = FileResult()
        reduced.removeAll()
        verbatim = nil
        fileNotes.removeAll(keepingCapacity: true)
        mode = .undecided
        nextLine = 1
        consumed = 0
        fileValues = 0
        fileEvents = 0
        self.path = path
    }

    /// Ends the file: its counts, notes and rejections (its entries stay in `table`). A file of JSON
    /// values without one event among them is rejected as not ActionTrail.
    package func finish() -> FileResult {
        if result.rejections.isEmpty && fileValues > 0 && fileEvents == 0 {
            let values = fileValues == 1 ? "1 JSON value" : "\(fileValues) JSON values"
            reject(
                .notActiontrail,
                "not ActionTrail: \(values) and not one event among them (an object with eventTime or eventId)")
        }
        return result
    }

    /// Rejects the whole file once (it is not text, or not JSON).
    private func reject(_ kind: Rejection.Kind, _ message: String, line: Int? = nil, column: Int? = nil) {
        result.rejectedUnits += 1
        result.rejections.append(Rejection(path: path, kind: kind, line: line, column: column, message: message))
    }

    /// Feeds the file's decompressed bytes from the first unconsumed one; returns how many were
    /// consumed. JSON lines are consumed line by line; a document is consumed only when `final`
    /// (the caller then has to supply the whole file). Zero means "feed more".
    package func feed(_ window: UnsafeRawBufferPointer, final: Bool) -> Int {
        defer { arena.reset() }
        if mode == .rejected {
            consumed += window.count
            return window.count
        }
        // A UTF-8 BOM at the very start is ignored; columns count from after it.
        var bom = 0
        if consumed == 0 {
            // Binary and foreign files are told by their first bytes, and rejected once.
            if window.count < ForeignContent.headBytes && !final { return 0 }
            if let looks = ForeignContent.describe(window) {
                reject(.binary, "looks like \(looks)")
                mode = .rejected
                consumed += window.count
                return window.count
            }
            if window.count >= 3 && window[0] == 0xEF && window[1] == 0xBB && window[2] == 0xBF { bom = 3 }
        }
        let content = UnsafeRawBufferPointer(rebasing: window[bom...])
        let used: Int
        switch mode {
        case .undecided: used = decide(content, final: final)
        case .lines: used = lines(content, final: final)
        case .document: used = final ? document(content, firstEnd: nil, first: nil) : 0
        case .rejected: used = content.count
        }
        if used == 0 && !final { return 0 }
        consumed += bom + used
        return bom + used
    }

    /// Frames the file from its first value: JSON lines when it begins and ends (or fails) on its
    /// first non-blank line, otherwise documents.
    private func decide(_ content: UnsafeRawBufferPointer, final: Bool) -> Int {
        let s = JSONScanner(content)
        let first = s.skipWhitespace(0)
        guard first < s.count else {
            guard final else { return 0 }
            result.rejections.append(
                Rejection(path: path, kind: .empty, line: 1, column: 1, message: "no JSON value in the file"))
            return content.count
        }
        let firstLineEnd = Self.lineEnd(content, from: first)
        if firstLineEnd == content.count && !final { return 0 }
        beginUnit(content.baseAddress, line: 1)
        var firstEnd = 0
        var firstError: JSONError?
        do throws(JSONError) {
            firstEnd = try topValue(s, first)
        } catch {
            firstError = error
        }
        if let e = firstError, e.offset == first {
            // Not even its first byte starts a JSON value: a CSV, a text log. One rejection, not one a line.
            let p = TextPosition(offset: first, in: content)
            reject(.json, Self.notJSON(e.message), line: p.line, column: p.column)
            mode = .rejected
            return content.count
        }
        var jsonLines = firstError.map { $0.offset < firstLineEnd } ?? (firstEnd <= firstLineEnd)
        if let e = firstError, Self.isNestedText(e) {
            // Bad JSON text held in a string shows only once the value around it has been read whole,
            // which a window may not hold yet: the value's own syntax decides where it ends or fails.
            do throws(JSONError) { jsonLines = try s.skipValue(first) <= firstLineEnd } catch {
                jsonLines = error.offset < firstLineEnd
            }
        }
        guard jsonLines else {
            mode = .document
            guard final else { return 0 }
            return document(content, firstEnd: firstEnd, first: firstError)
        }
        mode = .lines
        let lineStart = Self.lineStart(content, before: first)
        var error = firstError
        if error == nil {
            // More values may share the line; the line's own scanner keeps them on it.
            let ls = JSONScanner(UnsafeRawBufferPointer(rebasing: content[lineStart..<firstLineEnd]))
            do throws(JSONError) { try followingValues(ls, from: firstEnd - lineStart) } catch let e {
                error = JSONError(e.kind, at: e.offset + lineStart)
            }
        }
        let line = TextPosition(offset: first, in: content).line
        finishUnit(error.map { (line, $0.offset - lineStart + 1, $0.message) })
        let firstLine = UnsafeRawBufferPointer(rebasing: content[0..<min(firstLineEnd + 1, content.count)])
        resolveNotes(firstLine, firstLine: 1)
        nextLine = line + 1
        let rest = UnsafeRawBufferPointer(rebasing: content[firstLine.count...])
        return firstLine.count + (rest.isEmpty ? 0 : lines(rest, final: final))
    }

    /// JSON-lines mode: each complete line of the window is a unit.
    private func lines(_ content: UnsafeRawBufferPointer, final: Bool) -> Int {
        var cut = content.count
        if !final {
            // memrchr is a GNU extension Swift does not import; the last LF is near the end anyway.
            cut = content.count
            while cut > 0 && content[cut - 1] != 0x0A { cut -= 1 }
            if cut == 0 { return 0 }
        }
        let window = UnsafeRawBufferPointer(rebasing: content[0..<cut])
        let next = processLines(window, from: 0, line: nextLine)
        resolveNotes(window, firstLine: nextLine)
        nextLine = next
        return cut
    }

    /// Document mode: the whole file is one unit. `firstEnd`/`first` carry the first value's
    /// scan when it was made on this same buffer; otherwise the file is scanned from its start.
    private func document(_ content: UnsafeRawBufferPointer, firstEnd: Int?, first: JSONError?) -> Int {
        let s = JSONScanner(content)
        var error = first
        if error == nil {
            do throws(JSONError) {
                var end = firstEnd ?? 0
                if firstEnd == nil {
                    beginUnit(content.baseAddress, line: 1)
                    end = try topValue(s, s.skipWhitespace(0))
                }
                try followingValues(s, from: end)
            } catch let e {
                error = e
            }
        }
        if let e = error {
            let p = TextPosition(offset: e.offset, in: content)
            finishUnit((p.line, p.column, e.message))
        } else {
            finishUnit(nil)
        }
        resolveNotes(content, firstLine: 1)
        return content.count
    }

    /// The values after a unit's first one, to the end of `s` (a line, or the whole document):
    /// back to back, separated by whitespace or by nothing, as jq reads them. Text that does not
    /// start a value is trailing text.
    private func followingValues(_ s: JSONScanner, from start: Int) throws(JSONError) {
        var i = s.skipWhitespace(start)
        while i < s.count {
            guard Self.startsValue(s[i]) else { throw JSONError(.trailingText, at: i) }
            i = s.skipWhitespace(try topValue(s, i))
        }
    }

    /// Whether `c` can begin a JSON value.
    @inline(__always) static func startsValue(_ c: UInt8) -> Bool {
        switch c {
        case 0x7B, 0x5B, 0x22, 0x2D, 0x30...0x39, 0x74, 0x66, 0x6E: return true
        default: return false
        }
    }

    /// JSON-lines mode: each line is a unit; a bad line is rejected and the next one goes on.
    /// Returns the line number after the window.
    private func processLines(_ content: UnsafeRawBufferPointer, from start: Int, line firstLine: Int) -> Int {
        var pos = start
        var line = firstLine
        while pos < content.count {
            let end = Self.lineEnd(content, from: pos)
            let ls = JSONScanner(UnsafeRawBufferPointer(rebasing: content[pos..<end]))
            let k = ls.skipWhitespace(0)
            if k < ls.count {
                beginUnit(ls.address(0), line: line)
                var error: JSONError?
                do throws(JSONError) {
                    try followingValues(ls, from: try topValue(ls, k))
                } catch let e {
                    error = e
                }
                finishUnit(error.map { (line, $0.offset + 1, $0.message) })
            }
            pos = end + 1
            line += 1
        }
        return line
    }

    /// Starts a unit whose text begins at `base`, on line `line` of the file (column 1).
    private func beginUnit(_ base: UnsafeRawPointer?, line: Int) {
        unitBase = base
        unitLine = line
        staged.removeAll(keepingCapacity: true)
        unitValues = 0
        unitEvents = 0
        unitCounts = EventCounts()
        unitNotes.removeAll(keepingCapacity: true)
    }

    /// Folds the unit into the file's table, or rejects it with its position.
    private func finishUnit(_ error: (Int, Int, String)?) {
        fileValues += unitValues
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
        // Positions are counted forward from the unit's start, LF to LF, once for all its events:
        // they come in text order (but a response's `Products` list may stand before its `Events`
        // in the text and be read after them: then the count starts again from the unit's start).
        var line = unitLine
        var lineStart = unitBase
        var scanned = unitBase
        for c in staged {
            var position = TextPosition(line: 0, column: 0)
            if let p = c.at, let base = unitBase, var at = scanned, var start = lineStart {
                if p < at { (line, start, at) = (unitLine, base, base) }
                while let lf = memchr(at, 0x0A, p - at) {
                    line += 1
                    start = UnsafeRawPointer(lf) + 1
                    at = start
                }
                (scanned, lineStart) = (p, start)
                position = TextPosition(line: line, column: p - start + 1)
            }
            var sourceOffset = -1
            if let v = verbatim, let b = v.baseAddress, let d = c.detail.baseAddress, d >= b,
                d + c.detail.count <= b + v.count, c.detail.count > 0
            {
                sourceOffset = d - b
            }
            reduced.offer(
                key: c.key, service: c.tag, timestamp: c.timestamp, eventId: c.eventId, source: c.source,
                detail: c.detail, position: position, sourceOffset: sourceOffset)
        }
        // The unit's buffers are reused for the next one: a pointer no longer names its event.
        reduced.forgetLastEvent()
        fileEvents += unitEvents
        result.counts.add(unitCounts)
        for n in unitNotes where result.notes.count + fileNotes.count < Self.maxNotes { fileNotes.append(n) }
    }

    /// Turns the window's notes (pointers into it) into positions; `firstLine` is its first line.
    private func resolveNotes(_ content: UnsafeRawBufferPointer, firstLine: Int) {
        defer { fileNotes.removeAll(keepingCapacity: true) }
        guard !fileNotes.isEmpty, let base = content.baseAddress else { return }
        // Notes come in order; count lines once, moving forward.
        var line = firstLine
        var lineStart = 0
        var i = 0
        for (p, reason, message) in fileNotes {
            let offset = p - base
            guard offset >= 0 && offset <= content.count else { continue }
            if offset < i {
                line = firstLine
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

    /// The one rejection of a file whose first byte does not begin a JSON value (`message` is the scanner's).
    package static func notJSON(_ message: String) -> String {
        "not JSON: the file does not begin with a JSON value (\(message))"
    }

    /// Whether `e` is about JSON text held in a string (an SLS row's `event`, a response's `Detail`).
    static func isNestedText(_ e: JSONError) -> Bool {
        switch e.kind {
        case .inNestedText, .nestedTooDeep: return true
        default: return false
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
