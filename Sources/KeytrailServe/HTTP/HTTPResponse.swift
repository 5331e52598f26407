/// A response as the gateway sends it: a JSON body (plain text for the health check), its
/// RequestId as `x-acs-request-id`.
package struct HTTPResponse: Sendable {
    /// The JSON content type of every answer.
    package static let json = "application/json;charset=utf-8"

    /// The status code.
    package var status: Int
    /// The body (JSON unless `contentType` says otherwise).
    package var body: String
    /// The `Content-Type`.
    package var contentType: String
    /// The body's RequestId (also the `x-acs-request-id` header).
    package var requestId: String
    /// The error code of an error body (for the access log), nil for answers.
    package var code: String?
    /// Whether the connection closes after this response.
    package var close: Bool

    /// A response.
    package init(
        status: Int, body: String, requestId: String, code: String? = nil, close: Bool = false,
        contentType: String = json
    ) {
        self.status = status
        self.body = body
        self.contentType = contentType
        self.requestId = requestId
        self.code = code
        self.close = close
    }

    /// The bytes on the wire.
    package func serialized() -> [UInt8] {
        let bodyBytes = Array(body.utf8)
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        head += "Content-Type: \(contentType)\r\n"
        head += "Content-Length: \(bodyBytes.count)\r\n"
        head += "x-acs-request-id: \(requestId)\r\n"
        head += close ? "Connection: close\r\n" : "Connection: keep-alive\r\n"
        head += "\r\n"
        return Array(head.utf8) + bodyBytes
    }

    /// The reason phrase of `status`.
    package static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}
