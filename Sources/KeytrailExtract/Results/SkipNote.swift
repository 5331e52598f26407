/// A skipped event worth pointing at (an unparseable time), with its position.
package struct SkipNote: Equatable, Sendable {
    /// The input file.
    package var path: String
    /// 1-based line.
    package var line: Int
    /// 1-based column in bytes.
    package var column: Int
    /// Why it was skipped.
    package var reason: SkipReason
    /// Details, e.g. the offending value.
    package var message: String
}
