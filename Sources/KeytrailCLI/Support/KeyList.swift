import KeytrailQuery

/// A `--keys-from` list (`KeyLines`: one key per line, comments and blank lines skipped, trimmed),
/// with the name its messages give the file.
struct KeyList {
    /// The file as messages name it (`<stdin>` for `-`).
    var name: String
    /// The keys in file order, each with its 1-based line number.
    var keys: [(line: Int, key: String)]

    /// Reads the list at `path` (`-`: standard input).
    init(_ path: String) throws(CLIError) {
        name = path == "-" ? "<stdin>" : path
        keys = KeyLines.parse(try Output.readFile(path))
    }
}
