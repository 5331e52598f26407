import KeytrailIngest

/// An `ingest --files-from` list: one input per line, `PATH` or `PATH<TAB>NAME` (NAME is what the
/// manifest records, e.g. `oss://bucket/AliyunLogs/…`). Blank lines are skipped and a CR before
/// the line feed dropped; nothing else is trimmed, as paths may hold any byte but NUL and LF.
struct FileList {
    /// The list as messages name it (`<stdin>` for `-`).
    var name: String
    /// The inputs in list order, each with its 1-based line number.
    var inputs: [(line: Int, input: NamedInput)]

    /// Reads the list at `path` (`-`: standard input).
    init(_ path: String) throws(CLIError) {
        try self.init(name: path == "-" ? "<stdin>" : path, bytes: try Output.readFile(path))
    }

    /// The list in `bytes`; an empty path or name is refused with its line.
    init(name: String, bytes: [UInt8]) throws(CLIError) {
        self.name = name
        inputs = []
        for (i, raw) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = raw.last == 0x0D ? raw.dropLast() : raw
            if line.isEmpty { continue }
            let fields = line.split(separator: 0x09, maxSplits: 1, omittingEmptySubsequences: false)
            guard !fields[0].isEmpty, fields.count == 1 || !fields[1].isEmpty else {
                throw .usage(
                    "\(name):\(i + 1): expected PATH or PATH<TAB>NAME, got '\(String(decoding: line, as: UTF8.self))'")
            }
            inputs.append((i + 1, NamedInput(path: Array(fields[0]), name: fields.count == 2 ? Array(fields[1]) : nil)))
        }
    }
}
