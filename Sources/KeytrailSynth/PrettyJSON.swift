/// Re-indents compact JSON (two spaces per level), leaving string contents untouched.
package enum PrettyJSON {
    /// `json` re-indented, `baseIndent` levels in (empty containers stay `{}` / `[]`).
    package static func format(_ json: [UInt8], baseIndent: Int) -> [UInt8] {
        var out: [UInt8] = []
        var depth = baseIndent
        var inString = false
        var escaped = false
        func newline() {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: depth * 2))
        }
        for (i, c) in json.enumerated() {
            if inString {
                out.append(c)
                if escaped {
                    escaped = false
                } else if c == 0x5C {
                    escaped = true
                } else if c == 0x22 {
                    inString = false
                }
                continue
            }
            switch c {
            case 0x22:
                inString = true
                out.append(c)
            case 0x7B, 0x5B:
                out.append(c)
                let closer: UInt8 = c == 0x7B ? 0x7D : 0x5D
                if i + 1 < json.count && json[i + 1] == closer { continue }
                depth += 1
                newline()
            case 0x7D, 0x5D:
                if i > 0 && (json[i - 1] == 0x7B || json[i - 1] == 0x5B) {
                    out.append(c)
                    continue
                }
                depth -= 1
                newline()
                out.append(c)
            case 0x2C:
                out.append(c)
                newline()
            case 0x3A:
                out.append(contentsOf: [0x3A, 0x20])
            default:
                out.append(c)
            }
        }
        return out
    }
}
