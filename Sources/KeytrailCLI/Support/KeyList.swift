/// A `--keys-from` list: one key per line; blank lines and `#` comment lines skipped, whitespace
/// around a key trimmed, each key with its line number in the file (for its errors and notes).
struct KeyList {
    /// The file as messages name it (`<stdin>` for `-`).
    var name: String
    /// The keys in file order, each with its 1-based line number.
    var keys: [(line: Int, key: String)]

    /// Reads the list at `path` (`-`: standard input).
    init(_ path: String) throws(CLIError) {
        self.init(name: path == "-" ? "<stdin>" : path, bytes: try Output.readFile(path))
    }

    /// The list in `bytes`.
    init(name: String, bytes: [UInt8]) {
        self.name = name
        keys = []
        // Split on bytes: "\r\n" is one Character in Swift, so String.split would keep CRs.
        for (i, raw) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let isSpace = { (b: UInt8) in b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0B || b == 0x0C }
            var line = raw[...]
            if i == 0, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
            let trimmed = line.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
            if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { continue }
            keys.append((i + 1, String(decoding: trimmed, as: UTF8.self)))
        }
    }
}
