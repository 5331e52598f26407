/// Where a stored event was read: its file's manifest name (the absolute path, or the logical
/// name `ingest --files-from` gave) and the 1-based line and byte column, in the decompressed
/// text, where the event's own text starts (for an event held in a JSON string, where that string
/// starts). A BOM at the start of a file is not counted in columns.
package struct Provenance: Equatable, Sendable {
    /// The manifest name, as bytes (it need not be UTF-8).
    package var file: [UInt8]
    /// 1-based line.
    package var line: Int64
    /// 1-based column, in bytes.
    package var column: Int64

    /// A provenance.
    package init(file: [UInt8], line: Int64, column: Int64) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `name:line:column`, as compilers print a position (invalid UTF-8 shown as U+FFFD).
    package var description: String { "\(String(decoding: file, as: UTF8.self)):\(line):\(column)" }

    /// The order-free rule for copies of one event with the same text: the least (name bytes,
    /// line, column) names it, whatever order the copies are met in; a known position precedes
    /// an unknown one (nil, or line 0).
    package static func precedes(_ a: Provenance?, _ b: Provenance?) -> Bool {
        guard let a, a.line > 0 else { return false }
        guard let b, b.line > 0 else { return true }
        let c = LatestWins.compareBytes(a.file, b.file)
        if c != 0 { return c < 0 }
        return (a.line, a.column) < (b.line, b.column)
    }

    /// `precedes` for two positions in one file.
    @inline(__always) package static func precedes(_ a: TextPosition, _ b: TextPosition) -> Bool {
        guard a.line > 0 else { return false }
        guard b.line > 0 else { return true }
        return (a.line, a.column) < (b.line, b.column)
    }
}
