import KeytrailScan

/// An error answered in the cloud's error body shape.
package struct APIError: Error, Equatable, Sendable {
    /// The error code, e.g. `InvalidQueryParameter`.
    package var code: String
    /// The cloud's message for the code.
    package var message: String
    /// The HTTP status the cloud answers with.
    package var httpStatus: Int
    /// A detail for the user's terminal (stderr), not part of the body.
    package var detail: String

    /// An error with its code, the body's message, HTTP status and a detail for stderr.
    package init(code: String, message: String, httpStatus: Int, detail: String) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.detail = detail
    }

    /// `InvalidQueryParameter` (400) with a detail for stderr.
    package static func invalidQueryParameter(_ detail: String) -> APIError {
        APIError(
            code: "InvalidQueryParameter", message: "The specified query parameter is invalid.", httpStatus: 400,
            detail: detail)
    }

    /// The body `{"RequestId","HostId","Code","Message","Recommend"}` (with `AccessKeyId` first when given).
    package func body(requestId: String, accessKeyId: String? = nil, pretty: Bool) -> String {
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        if let accessKeyId { o.string("AccessKeyId", accessKeyId) }
        o.string("RequestId", requestId)
        o.string("HostId", APIError.hostId)
        o.string("Code", code)
        o.string("Message", message)
        o.string(
            "Recommend", "https://api.aliyun.com/troubleshoot?q=\(code)&product=Actiontrail&requestId=\(requestId)")
        o.endObject()
        return o.text
    }

    /// The HostId keytrail answers with.
    package static let hostId = "actiontrail.keytrail.local"
}

/// The AccessKey parameter rules (DESIGN semantics 11).
package enum AccessKeyRule {
    /// nil when `key` is a well-formed AccessKey ID; otherwise the error to answer with.
    package static func check(_ key: String) -> APIError? {
        let bytes = Array(key.utf8)
        if bytes.isEmpty { return .invalidQueryParameter("AccessKey is empty") }
        if bytes.count > 128 { return .invalidQueryParameter("AccessKey is longer than 128 bytes") }
        if let bad = bytes.first(where: { $0 < 0x21 || $0 > 0x7E }) {
            return .invalidQueryParameter(
                "AccessKey has a character outside printable ASCII (byte 0x\(String(bad, radix: 16, uppercase: true)))")
        }
        return nil
    }
}

/// A fresh request ID: a random (version 4) UUID in upper case.
package enum RequestID {
    /// A new request ID.
    package static func make() -> String {
        var g = SystemRandomNumberGenerator()
        var b = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        let hex = Array("0123456789ABCDEF")
        var s = ""
        for (i, byte) in b.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { s.append("-") }
            s.append(hex[Int(byte >> 4)])
            s.append(hex[Int(byte & 15)])
        }
        return s
    }
}
