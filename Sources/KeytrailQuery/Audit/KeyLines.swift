/// A list of key IDs, one per line: blank lines and `#` comment lines skipped, whitespace around a
/// key trimmed (spaces, tabs, the CR of CRLF), a UTF-8 BOM dropped; each key with its 1-based line
/// number in the file, for its messages. `--keys-from` and a plain `--inventory` read it.
package enum KeyLines {
    /// The keys of `bytes`, in file order.
    package static func parse(_ bytes: [UInt8]) -> [(line: Int, key: String)] {
        var keys: [(line: Int, key: String)] = []
        // Split on bytes: "\r\n" is one Character in Swift, so String.split would keep CRs.
        for (i, raw) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let isSpace = { (b: UInt8) in b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0B || b == 0x0C }
            var line = raw[...]
            if i == 0, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
            let trimmed = line.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
            if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { continue }
            keys.append((i + 1, String(decoding: trimmed, as: UTF8.self)))
        }
        return keys
    }
}
