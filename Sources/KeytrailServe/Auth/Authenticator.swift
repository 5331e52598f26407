import KeytrailCrypto
package import KeytrailQuery
import KeytrailScan

/// Verifies a request's caller, signature, date and nonce (DESIGN: caller → signature → date → nonce).
package struct Authenticator: Sendable {
    /// The accepted callers.
    package let credentials: Credentials
    /// Nonces seen, shared by every worker.
    package let nonces: NonceCache
    /// How far a request's date may be from the server's clock, in ms (15 minutes).
    package var maxSkew: Int64 = 15 * 60_000

    /// An authenticator for `credentials`.
    package init(credentials: Credentials, nonces: NonceCache = NonceCache()) {
        self.credentials = credentials
        self.nonces = nonces
    }

    /// The signature scheme a request uses.
    package enum Style: Sendable {
        /// `Authorization: ACS3-HMAC-SHA256 …` (the SDK's default).
        case v3
        /// `Signature` among the parameters (HMAC-SHA1 RPC).
        case v2
        /// Neither.
        case none

        /// How `request` with `parameters` is signed.
        package init(_ request: HTTPRequest, _ parameters: [String: String]) {
            if request.header("authorization") != nil {
                self = .v3
            } else if parameters["Signature"] != nil {
                self = .v2
            } else {
                self = .none
            }
        }
    }

    /// The caller's AccessKeyId as the request claims it, for the log (nil when unsigned).
    package static func claimedCaller(_ request: HTTPRequest, _ parameters: [String: String]) -> String? {
        switch Style(request, parameters) {
        case .v3: return request.header("authorization").flatMap { SignatureV3.Authorization(header: $0)?.credential }
        case .v2: return parameters["AccessKeyId"]
        case .none: return nil
        }
    }

    /// The verified caller, or the error to answer with.
    package func verify(
        _ request: HTTPRequest, query: [String: String], parameters: [String: String], now: Int64
    ) -> Result<String, APIError> {
        switch Style(request, parameters) {
        case .v3: return verifyV3(request, query: query, now: now)
        case .v2: return verifyV2(request, parameters: parameters, now: now)
        case .none:
            return .failure(.incompleteSignature("no Authorization header and no Signature parameter"))
        }
    }

    func verifyV3(_ request: HTTPRequest, query: [String: String], now: Int64) -> Result<String, APIError> {
        guard let header = request.header("authorization"), request.headerValues("authorization").count == 1,
            let auth = SignatureV3.Authorization(header: header)
        else {
            return .failure(
                .incompleteSignature("Authorization is not ACS3-HMAC-SHA256 Credential,SignedHeaders,Signature"))
        }
        guard let secret = credentials.secret(for: auth.credential) else { return .failure(.unknownCaller) }
        if let sts = request.header("x-acs-accesskey-id"), sts != auth.credential {
            return .failure(.incompleteSignature("x-acs-accesskey-id differs from the Authorization's Credential"))
        }
        // What must be signed, so that no one can replay a signature with another date, nonce,
        // action, body or host.
        var required = ["host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"]
        for optional in ["x-acs-action", "x-acs-version", "x-acs-accesskey-id", "x-acs-security-token"]
        where request.header(optional) != nil {
            required.append(optional)
        }
        for name in required where !auth.signedHeaders.contains(name) {
            return .failure(.incompleteSignature("header \(name) is not signed"))
        }
        guard let payload = request.header("x-acs-content-sha256"),
            let canonical = SignatureV3.canonicalRequest(
                method: request.method, path: request.path, query: query, headers: request.headers,
                signedHeaders: auth.signedHeaders, payloadHash: payload)
        else { return .failure(.incompleteSignature("a signed header is missing")) }
        let stringToSign = SignatureV3.stringToSign(canonicalRequest: canonical)
        guard
            HMAC.constantTimeEqual(Array(payload.lowercased().utf8), Array(Hex.encode(SHA256.hash(request.body)).utf8))
        else {
            return .failure(
                .signatureDoesNotMatch(stringToSign: stringToSign, "x-acs-content-sha256 is not the body's SHA-256"))
        }
        let expected = SignatureV3.signature(secret: secret, stringToSign: stringToSign)
        guard HMAC.constantTimeEqual(Array(expected.utf8), Array(auth.signature.utf8)) else {
            return .failure(.signatureDoesNotMatch(stringToSign: stringToSign, "ACS3-HMAC-SHA256 signature differs"))
        }
        return checkDateAndNonce(
            caller: auth.credential, date: request.header("x-acs-date"),
            nonce: request.header("x-acs-signature-nonce"), now: now)
    }

    func verifyV2(_ request: HTTPRequest, parameters p: [String: String], now: Int64) -> Result<String, APIError> {
        guard let caller = p["AccessKeyId"], !caller.isEmpty else {
            return .failure(.incompleteSignature("no AccessKeyId parameter"))
        }
        guard let secret = credentials.secret(for: caller) else { return .failure(.unknownCaller) }
        guard p["SignatureMethod"] == "HMAC-SHA1", p["SignatureVersion"] == "1.0" else {
            return .failure(.incompleteSignature("SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0"))
        }
        guard p["Action"] != nil, p["Timestamp"] != nil, let nonce = p["SignatureNonce"], !nonce.isEmpty,
            let signature = p["Signature"]
        else {
            return .failure(.incompleteSignature("Action, Timestamp and SignatureNonce must be signed parameters"))
        }
        let stringToSign = SignatureV2.stringToSign(method: request.method, parameters: p)
        let expected = SignatureV2.signature(secret: secret, stringToSign: stringToSign)
        guard HMAC.constantTimeEqual(Array(expected.utf8), Array(signature.utf8)) else {
            return .failure(.signatureDoesNotMatch(stringToSign: stringToSign, "HMAC-SHA1 signature differs"))
        }
        return checkDateAndNonce(caller: caller, date: p["Timestamp"], nonce: nonce, now: now)
    }

    func checkDateAndNonce(caller: String, date: String?, nonce: String?, now: Int64) -> Result<String, APIError> {
        guard let date, let t = Self.parseDate(date) else { return .failure(.timestampFormat) }
        guard abs(now - t) <= maxSkew else { return .failure(.timestampExpired) }
        guard let nonce, !nonce.isEmpty else { return .failure(.incompleteSignature("no signature nonce")) }
        switch nonces.remember(caller: caller, nonce: nonce, now: now) {
        case .fresh: return .success(caller)
        case .used: return .failure(.nonceUsed)
        case .full: return .failure(.throttled)
        }
    }

    /// ISO 8601 as the SDKs send it (`2026-11-24T19:32:55Z`, an offset or fraction also accepted).
    static func parseDate(_ text: String) -> Int64? {
        var t = text
        return t.withUTF8 { Timestamp.parseRFC3339(UnsafeRawBufferPointer($0)) }
    }
}
