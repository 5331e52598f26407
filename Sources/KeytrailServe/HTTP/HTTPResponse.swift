/// A response as the gateway sends it: a JSON body (plain text for the health check), its
/// RequestId as `x-acs-request-id`.
package struct HTTPResponse: Sendable {
    /// The JSON content type of every answer.
    package static let json = "application/json;charset=utf-8"

    /// The status code.
    package var status: Int
    /// The body as UTF-8 bytes (JSON unless `contentType` says otherwise); its first part when
    /// `bodyTail` is not empty.
    package var bodyBytes: [UInt8]
    /// The rest of the body, sent after `bodyBytes` as it is (a kept answer's, not copied).
    package var bodyTail: ArraySlice<UInt8> = []
    /// The body's length.
    package var bodyCount: Int { bodyBytes.count + bodyTail.count }
    /// The `Content-Type`.
    package var contentType: String
    /// The body's RequestId (also the `x-acs-request-id` header).
    package var requestId: String
    /// The error code of an error body (for the access log), nil for answers.
    package var code: String?
    /// Whether the connection closes after this response.
    package var close: Bool

    /// The body as text.
    package var body: String { String(decoding: bodyBytes + bodyTail, as: UTF8.self) }

    /// A response.
    package init(
        status: Int, body: String, requestId: String, code: String? = nil, close: Bool = false,
        contentType: String = json
    ) {
        self.init(
            status: status, bodyBytes: Array(body.utf8), requestId: requestId, code: code, close: close,
            contentType: contentType)
    }

    /// A response whose body is already UTF-8 (an answer as the encoder wrote it).
    package init(
        status: Int, bodyBytes: [UInt8], requestId: String, code: String? = nil, close: Bool = false,
        contentType: String = json
    ) {
        self.status = status
        self.bodyBytes = bodyBytes
        self.contentType = contentType
        self.requestId = requestId
        self.code = code
        self.close = close
    }

    /// The bytes on the wire: `head` then the body.
    package func serialized() -> [UInt8] { head() + bodyBytes + bodyTail }

    /// The status line and the headers, through the blank line; the body follows it on the wire
    /// as it is (`Socket.sendAll` gathers both in one `sendmsg`).
    package func head() -> [UInt8] {
        var h: [UInt8] = []
        h.reserveCapacity(160 + contentType.utf8.count + requestId.utf8.count)
        h.append(contentsOf: "HTTP/1.1 ".utf8)
        Self.appendDecimal(status, to: &h)
        h.append(0x20)
        h.append(contentsOf: Self.reason(status).utf8)
        h.append(contentsOf: "\r\nContent-Type: ".utf8)
        h.append(contentsOf: contentType.utf8)
        h.append(contentsOf: "\r\nContent-Length: ".utf8)
        Self.appendDecimal(bodyCount, to: &h)
        h.append(contentsOf: "\r\nx-acs-request-id: ".utf8)
        h.append(contentsOf: requestId.utf8)
        h.append(contentsOf: (close ? "\r\nConnection: close\r\n\r\n" : "\r\nConnection: keep-alive\r\n\r\n").utf8)
        return h
    }

    /// Appends the decimal digits of `value` (≥ 0).
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        precondition(value >= 0, "a status or length is not negative")
        let start = out.count
        var v = value
        repeat {
            out.append(0x30 + UInt8(v % 10))
            v /= 10
        } while v > 0
        out[start...].reverse()
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
