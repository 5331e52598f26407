/// An input to ingest: a file path (raw bytes, which need not be UTF-8) or standard input.
struct InputItem {
    /// The path as the user named it or as found in a directory, raw bytes.
    var path: [UInt8]
    /// Absolute form, the manifest's key.
    var absolute: [UInt8]
    /// Whether this is standard input (`-`).
    var isStdin: Bool

    /// The path for messages (invalid UTF-8 shown as U+FFFD).
    var display: String { isStdin ? "-" : String(decoding: path, as: UTF8.self) }
}
