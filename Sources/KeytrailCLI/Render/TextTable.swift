/// The one text-table renderer of the command line: columns padded to their widest cell (two
/// spaces apart, the last one unpadded), a footer line below.
struct TextTable {
    /// The header cells.
    var header: [String]
    /// The rows, as many cells as the header.
    var rows: [[String]]
    /// A line after the rows (counts, the window), if any.
    var footer: String?
    /// Whether trailing spaces go (the keys table, whose last cells are often empty); a products
    /// table keeps its cells' bytes as they are.
    var trimsTrailingSpaces = false

    /// The table as lines joined by newlines (no final newline).
    func render() -> String {
        let all = [header] + rows
        var widths = header.map { _ in 0 }
        for r in all { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        var lines = all.map { r in
            var line = ""
            for (i, c) in r.enumerated() {
                line += i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count + 2)
            }
            while trimsTrailingSpaces && line.last == " " { line.removeLast() }
            return line
        }
        if let footer { lines.append(footer) }
        return lines.joined(separator: "\n")
    }
}
