import KeytrailCrypto

/// The V2 RPC signature (HMAC-SHA1), which the SDK uses with `signature_algorithm='v2'`.
///
/// `Signature = base64(hmac-sha1(secret + "&", METHOD + "&%2F&" + encode(canonical query)))`, the
/// canonical query covering every parameter (query string and form body) except `Signature`.
package enum SignatureV2 {
    /// The string to sign for `method` and the request's parameters.
    package static func stringToSign(method: String, parameters: [String: String]) -> String {
        var signed = parameters
        signed.removeValue(forKey: "Signature")
        return "\(method)&%2F&\(PercentEncoding.encode(QueryString.canonical(signed)))"
    }

    /// The Base64 signature of `stringToSign` under `secret`.
    package static func signature(secret: [UInt8], stringToSign: String) -> String {
        Base64.encode(HMAC.sha1(key: secret + [0x26], message: Array(stringToSign.utf8)))
    }

}
