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
