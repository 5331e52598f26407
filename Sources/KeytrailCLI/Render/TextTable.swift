/// The one text-table renderer of the command line: columns padded to their widest cell (two
/// spaces apart, the last one unpadded, no trailing padding), a footer line below. Given a width,
/// the columns that may give way are shortened (cells cut with `…`) until the table fits.
struct TextTable {
    /// The header cells.
    var header: [String]
    /// The rows, as many cells as the header.
    var rows: [[String]]
    /// A line after the rows (counts, the window), if any.
    var footer: String?
    /// The columns never shortened (times, counts, statuses): the others give way first.
    var fixed: Set<Int> = []
    /// The width to fit, in columns; nil prints every cell whole (`--wide`).
    var width: Int?
    /// The columns shortened from their start (`…` first): their cells' ends matter most.
    var keptEnds: Set<Int> = []

    /// The narrowest a shortened column gets (its header is shortened too).
    static let narrowest = 6

    /// The table as lines joined by newlines (no final newline).
    func render() -> String {
        let all = ([header] + rows).map { $0.map(Self.visible) }
        var widths = header.map { _ in 0 }
        var cells = widths
        for (n, r) in all.enumerated() {
            for (i, c) in r.enumerated() {
                widths[i] = max(widths[i], c.count)
                if n > 0 { cells[i] = max(cells[i], c.count) }
            }
        }
        if let width { widths = Self.fit(widths, cells: cells, fixed: fixed, width: width) }
        var lines = all.enumerated().map { n, r in
            var line = ""
            var end = line.endIndex
            for (i, c) in r.enumerated() {
                let room = max(widths[i] - 1, 0)
                let cell =
                    c.count <= widths[i]
                    ? c : keptEnds.contains(i) && n > 0 ? "…" + String(c.suffix(room)) : String(c.prefix(room)) + "…"
                line += cell
                if !cell.isEmpty { end = line.endIndex }
                if i < r.count - 1 { line += String(repeating: " ", count: widths[i] - cell.count + 2) }
            }
            return String(line[..<end])
        }
        if let footer { lines.append(footer) }
        return lines.joined(separator: "\n")
    }

    /// Column widths that fit `width`: the widest columns give way one column at a time, first
    /// down to their widest cell (only headers are cut), then, for columns not fixed, down to
    /// `narrowest`. Fixed columns' cells are never cut, so a table of many may stay wider.
    static func fit(_ natural: [Int], cells: [Int], fixed: Set<Int>, width: Int) -> [Int] {
        var widths = natural
        var total = widths.reduce(0, +) + 2 * max(widths.count - 1, 0)
        for (floors, cutsCells) in [(cells.map { max($0, narrowest) }, false), (natural.map { _ in narrowest }, true)] {
            while total > width {
                let open = widths.indices.filter { !(cutsCells && fixed.contains($0)) && widths[$0] > floors[$0] }
                guard let i = open.max(by: { widths[$0] < widths[$1] }) else { break }
                widths[i] -= 1
                total -= 1
            }
        }
        return widths
    }

    /// A cell as a terminal shows it safely: control characters (a line break in a resource
    /// name, an escape sequence in an archived user name) written as `\n`, `\t`, `\u{1B}`.
    static func visible(_ cell: String) -> String {
        guard cell.unicodeScalars.contains(where: isControl) else { return cell }
        var out = ""
        for s in cell.unicodeScalars {
            switch s {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isControl(s): out += "\\u{\(String(s.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool { s.value < 0x20 || (0x7F...0x9F).contains(s.value) }
}
