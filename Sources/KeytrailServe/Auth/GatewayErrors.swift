package import KeytrailQuery

/// The gateway's own errors (api.md §1.4), answered in the cloud's error body before a request
/// reaches the index. Messages are the cloud's; details go to the log only when safe.
extension APIError {
    /// `IncompleteSignature` (400): the authorisation is missing or malformed.
    package static func incompleteSignature(_ detail: String) -> APIError {
        APIError(
            code: "IncompleteSignature", message: "The request signature does not conform to Alibaba Cloud standards.",
            httpStatus: 400, detail: detail)
    }

    /// `SignatureDoesNotMatch` (400): well-formed, but not what the caller's secret signs.
    ///
    /// The message is the cloud's, with the string the server signed after `server string to sign
    /// is:` (it holds no secret): the older RPC SDK splits the message at `:` and compares the
    /// second piece with its own string to sign, telling a wrong secret (`InvalidAccessKeySecret`)
    /// from a request the two sides canonicalise differently.
    package static func signatureDoesNotMatch(stringToSign: String, _ detail: String) -> APIError {
        APIError(
            code: "SignatureDoesNotMatch",
            message:
                "Specified signature is not matched with our calculation. server string to sign is:\(stringToSign)",
            httpStatus: 400, detail: detail)
    }

    /// `InvalidAccessKeyId.NotFound` (404): the caller is not in the credentials file.
    package static let unknownCaller = APIError(
        code: "InvalidAccessKeyId.NotFound", message: "Specified access key is not found.", httpStatus: 404,
        detail: "the caller's AccessKeyId is not in the credentials file")

    /// `InvalidTimeStamp.Expired` (400): more than 15 minutes off.
    package static let timestampExpired = APIError(
        code: "InvalidTimeStamp.Expired", message: "Specified time stamp or date value is expired.", httpStatus: 400,
        detail: "the request's date is more than 15 minutes from the server's clock")

    /// `InvalidTimeStamp.Format` (400): not ISO 8601.
    package static let timestampFormat = APIError(
        code: "InvalidTimeStamp.Format", message: "Specified time stamp or date value is not well formatted.",
        httpStatus: 400, detail: "the request's date is not ISO 8601 (YYYY-MM-DDThh:mm:ssZ)")

    /// `SignatureNonceUsed` (400): a replay.
    package static let nonceUsed = APIError(
        code: "SignatureNonceUsed", message: "Specified signature nonce was used already.", httpStatus: 400,
        detail: "the signature nonce was used already")

    /// `Throttling.User` (400): the nonce memory is full of unexpired nonces.
    package static let throttled = APIError(
        code: "Throttling.User", message: "Request was denied due to user flow control.", httpStatus: 400,
        detail: "too many signed requests within 30 minutes for the nonce memory")

    /// `InvalidApi.NotFound` (404): an unknown action, or a version other than 2020-07-06.
    package static func unknownApi(_ detail: String) -> APIError {
        APIError(
            code: "InvalidApi.NotFound", message: "Specified api is not found, please check your url and method.",
            httpStatus: 404, detail: detail)
    }

    /// `UnsupportedHTTPMethod` (400): only GET and POST.
    package static func unsupportedMethod(_ method: String) -> APIError {
        APIError(
            code: "UnsupportedHTTPMethod", message: "Specified http method is not supported.", httpStatus: 400,
            detail: "method \(method) is not supported; use GET or POST")
    }

    /// The error a broken request gets from the HTTP layer (400, 411, 413, 431).
    package static func http(_ e: HTTPParseError) -> APIError {
        switch e {
        case .malformed:
            return APIError(
                code: "MalformedRequest", message: "The request is not well-formed HTTP/1.1.", httpStatus: 400,
                detail: e.detail)
        case .headTooLarge:
            return APIError(
                code: "RequestHeaderFieldsTooLarge", message: "The request line and headers exceed 32 KiB.",
                httpStatus: 431, detail: e.detail)
        case .bodyTooLarge:
            return APIError(
                code: "RequestEntityTooLarge", message: "The request body exceeds 64 KiB.", httpStatus: 413,
                detail: e.detail)
        case .lengthRequired:
            return APIError(
                code: "LengthRequired", message: "The request body must have a Content-Length.", httpStatus: 411,
                detail: e.detail)
        }
    }

    /// `RequestTimeout` (408): the head did not arrive in time.
    package static let requestTimeout = APIError(
        code: "RequestTimeout", message: "The request did not arrive in time.", httpStatus: 408,
        detail: "request head or body not received within the deadline")

    /// `ServiceUnavailable` (503): the connection cap is reached.
    package static let tooManyConnections = APIError(
        code: "ServiceUnavailable", message: "The service is temporarily unavailable.", httpStatus: 503,
        detail: "connection cap reached")
}
