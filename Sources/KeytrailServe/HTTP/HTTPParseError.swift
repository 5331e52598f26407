/// Why a request could not be read; each is answered with its status, then the connection closes.
package enum HTTPParseError: Error, Equatable, Sendable {
    /// Not HTTP/1.x as RFC 9112 spells it: 400.
    case malformed(String)
    /// The request line and headers exceed the head limit: 431.
    case headTooLarge
    /// The declared body exceeds the body limit: 413.
    case bodyTooLarge
    /// A `Transfer-Encoding` body (chunked): 411, bodies must declare their Content-Length.
    case lengthRequired

    /// The HTTP status answered.
    package var status: Int {
        switch self {
        case .malformed: return 400
        case .headTooLarge: return 431
        case .bodyTooLarge: return 413
        case .lengthRequired: return 411
        }
    }

    /// A short description for the error body's detail and the log.
    package var detail: String {
        switch self {
        case .malformed(let why): return "malformed HTTP request: \(why)"
        case .headTooLarge: return "request line and headers exceed the limit"
        case .bodyTooLarge: return "request body exceeds the limit"
        case .lengthRequired: return "Transfer-Encoding is not supported; send Content-Length"
        }
    }
}
