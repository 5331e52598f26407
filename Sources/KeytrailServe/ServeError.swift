package import KeytrailPOSIX

/// A reason `keytrail serve` cannot start (exit 2): a bad `--listen`, credentials file or socket.
///
/// The module's one error type that reaches the command line; a request the server cannot read or
/// answer becomes an HTTP error answer instead (`HTTPParseError`, `APIError`), never a thrown error.
package enum ServeError: Error, Equatable, CustomStringConvertible, Sendable {
    /// `--listen` is not `HOST:PORT` (a usage error).
    case listenSyntax(String)
    /// `--listen`'s host is not an IP address (a usage error).
    case listenHost(String)
    /// An address that does not convert to a socket address.
    case badAddress(host: String, isIPv6: Bool)
    /// A system call needed to serve failed (`socket`, `pipe`).
    case system(call: String, SystemError)
    /// The address cannot be bound or listened on.
    case cannotListen(address: String, SystemError)
    /// The credentials file cannot be opened.
    case cannotOpenCredentials(path: String, SystemError)
    /// The credentials file cannot be read.
    case cannotReadCredentials(path: String, SystemError)
    /// The credentials file is not a regular file.
    case credentialsNotRegular(path: String)
    /// Group or others may read or write the credentials file (`mode` is its permission bits).
    case credentialsExposed(path: String, mode: UInt32)
    /// The credentials file is larger than 16 MiB.
    case credentialsTooLarge(path: String)
    /// The credentials file is not UTF-8.
    case credentialsNotUTF8(path: String)
    /// A credentials line that is not two fields.
    case credentialsFieldCount(source: String, line: Int, fields: Int)
    /// A credentials line whose AccessKeyId is not printable ASCII of at most 128 bytes.
    case credentialsBadId(source: String, line: Int)
    /// An AccessKeyId listed twice.
    case credentialsDuplicate(source: String, line: Int, id: String)
    /// Credentials text without a caller.
    case credentialsEmpty(source: String)

    /// Whether the command line should answer this as a usage error (`--listen` itself is wrong).
    package var isUsage: Bool {
        switch self {
        case .listenSyntax, .listenHost: return true
        default: return false
        }
    }

    /// The message for `keytrail: error:` (never a secret: a credentials line is never quoted).
    package var description: String {
        switch self {
        case .listenSyntax(let text): return "--listen must be HOST:PORT (127.0.0.1:7706, [::1]:0), got '\(text)'"
        case .listenHost(let host): return "--listen: '\(host)' is not an IP address"
        case .badAddress(let host, let v6): return "bad \(v6 ? "IPv6" : "IPv4") address \(host)"
        case .system(let call, let e): return "\(call): \(e)"
        case .cannotListen(let address, let e): return "cannot listen on \(address): \(e)"
        case .cannotOpenCredentials(let path, let e): return "cannot open credentials file \(path): \(e)"
        case .cannotReadCredentials(let path, let e): return "cannot read credentials file \(path): \(e)"
        case .credentialsNotRegular(let path): return "credentials file \(path) is not a regular file"
        case .credentialsExposed(let path, let mode):
            return "credentials file \(path) is accessible by group or others (mode 0\(String(mode, radix: 8))); "
                + "run `chmod 600 \(path)`"
        case .credentialsTooLarge(let path): return "credentials file \(path) is larger than 16 MiB"
        case .credentialsNotUTF8(let path): return "credentials file \(path) is not UTF-8"
        case .credentialsFieldCount(let source, let line, let fields):
            return "\(source):\(line): expected ACCESS_KEY_ID SECRET, found \(fields) field(s)"
        case .credentialsBadId(let source, let line):
            return "\(source):\(line): the AccessKeyId must be printable ASCII, at most 128 bytes"
        case .credentialsDuplicate(let source, let line, let id):
            return "\(source):\(line): AccessKeyId \(id) is listed twice"
        case .credentialsEmpty(let source): return "\(source): no ACCESS_KEY_ID SECRET line"
        }
    }
}
