/// A complete HTTP/1.x request.
package struct HTTPRequest: Equatable, Sendable {
    /// `GET`, `POST`, … as sent (methods are case-sensitive).
    package var method: String
    /// The path of the request target, still percent-encoded.
    package var path: String
    /// The query of the request target (after `?`), still percent-encoded; "" when absent.
    package var query: String
    /// `1` for HTTP/1.1, `0` for HTTP/1.0.
    package var minorVersion: Int
    /// The header lines in order.
    package var headers: [HTTPHeader]
    /// The body (at most the parser's body limit).
    package var body: [UInt8]
    /// The authority of an absolute-form target (`http://AUTHORITY/…`, RFC 9112 §3.2.2), which is
    /// then also the `host` header; nil for an origin-form target.
    package var authority: String?

    /// A request.
    package init(
        method: String, path: String, query: String, minorVersion: Int = 1, headers: [HTTPHeader],
        body: [UInt8] = [], authority: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.minorVersion = minorVersion
        self.headers = headers
        self.body = body
        self.authority = authority
    }

    /// The first value of header `name` (lower case).
    package func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    /// Every value of header `name` (lower case), in order.
    package func headerValues(_ name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }

    /// Whether the connection may carry another request after this one's response.
    package var keepAlive: Bool {
        let tokens = headerValues("connection").flatMap { $0.lowercased().split(separator: ",") }
            .map { $0.trimmingASCIISpaces() }
        if tokens.contains("close") { return false }
        return minorVersion >= 1 || tokens.contains("keep-alive")
    }
}
