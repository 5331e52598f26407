import KeytrailPOSIX
import KeytrailQuery

/// Why a command stopped without an answer: the one error type of the command line, each case
/// with its exit status.
enum CLIError: Error {
    /// The command line itself is wrong (exit 2, with a pointer to the usage).
    case usage(String)
    /// The command could not run: the index, the input or the system said no (exit 2).
    case failure(String)
    /// A write to standard output or standard error failed: a broken pipe ends the command
    /// quietly (as SIGPIPE would), anything else is reported (exit 2).
    case output(SystemError)

    /// The exit status of the case.
    var status: Int32 { 2 }

    /// The error for a user's file at `path` that the query module could not read: a bad line is
    /// a usage error that names `path:line`.
    static func reading(_ path: String, _ error: QueryError) -> CLIError {
        guard case .malformedLine(let line, let message) = error else { return .failure(error.description) }
        return .usage("\(path):\(line): \(message)")
    }

    /// Evaluates `body`, turning another module's error (its one error type, `E`) into `.failure`
    /// with its message.
    static func failing<T, E: Error & CustomStringConvertible>(
        _: E.Type, _ body: @autoclosure () throws(E) -> T
    ) throws(CLIError) -> T {
        do throws(E) {
            return try body()
        } catch {
            throw .failure(error.description)
        }
    }
}
