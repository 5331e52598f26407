/// A reason `keytrail serve` cannot start (exit 2): bad credentials file, address, socket.
package struct ServeError: Error, CustomStringConvertible, Sendable {
    /// The message for `keytrail: error:`.
    package var description: String

    /// An error with its message.
    package init(_ description: String) { self.description = description }
}
