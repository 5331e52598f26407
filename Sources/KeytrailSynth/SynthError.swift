/// A generator failure.
package struct SynthError: Error, CustomStringConvertible {
    /// What went wrong.
    package var description: String
    init(_ d: String) { description = d }
}
