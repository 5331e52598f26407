@preconcurrency import Glibc

/// A failed system call: its errno, described once for every message that names it.
package struct SystemError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The errno value.
    package var code: Int32

    /// The error for `code`.
    package init(code: Int32) { self.code = code }

    /// The error in `errno` now.
    package static var current: SystemError { SystemError(code: errno) }

    /// `strerror`'s text, e.g. "No such file or directory".
    package var description: String { String(cString: strerror(code)) }
}
