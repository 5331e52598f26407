/// A 1-based line and column (in bytes) in a buffer.
package struct TextPosition: Equatable, Sendable, CustomStringConvertible {
    /// 1-based line number.
    package var line: Int
    /// 1-based column, counted in bytes.
    package var column: Int

    /// Creates a position.
    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// Computes the position of `offset` in `buffer`, counting lines by LF.
    package init(offset: Int, in buffer: UnsafeRawBufferPointer) {
        var line = 1
        var lineStart = 0
        let limit = min(offset, buffer.count)
        var i = 0
        while i < limit {
            if buffer[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        self.init(line: line, column: offset - lineStart + 1)
    }

    /// `line:column`.
    package var description: String { "\(line):\(column)" }
}
