/// Input that was rejected: a file, a line or a document that contributed nothing.
package struct Rejection: Equatable, Sendable {
    /// The class of problem.
    package enum Kind: String, Sendable {
        /// Malformed JSON.
        case json
        /// No JSON value at all.
        case empty
        /// A truncated or corrupt gzip stream.
        case gzip
        /// The file could not be found, opened or read.
        case io
        /// Not text: an archive, an image, UTF-16/32, NUL bytes (`ForeignContent`).
        case binary
        /// JSON values, but not one ActionTrail event among them.
        case notActiontrail = "not_actiontrail"
    }

    /// The input file (`-` for standard input).
    package var path: String
    /// What kind of problem.
    package var kind: Kind
    /// 1-based line, when the problem is in the text.
    package var line: Int?
    /// 1-based column in bytes, when the problem is in the text.
    package var column: Int?
    /// Compressed byte offset, for gzip problems.
    package var offset: Int?
    /// What was wrong.
    package var message: String

    /// A rejection of `path`, at a position in its text or (gzip) a compressed byte offset.
    package init(path: String, kind: Kind, line: Int? = nil, column: Int? = nil, offset: Int? = nil, message: String) {
        self.path = path
        self.kind = kind
        self.line = line
        self.column = column
        self.offset = offset
        self.message = message
    }

    /// `path:line:column: error: message` (or `path: error: …` without a position).
    package var formatted: String {
        var where_ = path
        if let line, let column { where_ += ":\(line):\(column)" }
        if let offset { where_ += " (compressed byte \(offset))" }
        return "\(where_): error: \(message)"
    }
}
