/// An input to ingest: a file path (raw bytes, which need not be UTF-8) or standard input.
struct InputItem {
    /// The path as the user named it or as found in a directory, raw bytes.
    var path: [UInt8]
    /// The manifest's key: the logical name given for it (`--files-from`'s `PATH<TAB>NAME`), else
    /// the absolute path.
    var absolute: [UInt8]
    /// Whether this is standard input (`-`).
    var isStdin: Bool
    /// Whether `absolute` is a logical name, which messages show instead of the local path.
    var isNamed = false

    /// The path for messages (invalid UTF-8 shown as U+FFFD): the logical name when there is one.
    var display: String { isStdin ? "-" : String(decoding: isNamed ? absolute : path, as: UTF8.self) }
}

/// One input the command line names: a path and, from `--files-from`, the name the manifest
/// records instead of it (`oss://bucket/…` for a file a driver downloaded to a scratch path).
package struct NamedInput: Sendable {
    /// The local path (a file, a directory, or `-`).
    package var path: [UInt8]
    /// The logical name; for a directory, each file's is the name, `/`, its path inside.
    package var name: [UInt8]?

    /// An input.
    package init(path: [UInt8], name: [UInt8]? = nil) {
        self.path = path
        self.name = name
    }
}
