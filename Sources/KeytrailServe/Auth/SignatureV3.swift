import KeytrailCrypto

/// ACS3-HMAC-SHA256, the SDK's default ("V3") signature (api.md §1.2).
///
/// Canonical request: `METHOD\nPATH\nCANONICAL_QUERY\nHEADERS\nSIGNED_HEADERS\nPAYLOAD_HASH`, where
/// HEADERS is `name:value\n` for each signed header (values trimmed, repeated values sorted and
/// joined with `,`) and PAYLOAD_HASH is `x-acs-content-sha256`. The signature is the hex
/// HMAC-SHA256 of `ACS3-HMAC-SHA256\n<hex sha256(canonical request)>` under the secret.
package enum SignatureV3 {
    /// The algorithm name in `Authorization`.
    package static let algorithm = "ACS3-HMAC-SHA256"

    /// The parts of an `Authorization: ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` header.
    package struct Authorization: Equatable, Sendable {
        /// The caller's AccessKeyId.
        package var credential: String
        /// The signed header names, lower case, in the order signed.
        package var signedHeaders: [String]
        /// The hex signature.
        package var signature: String

        /// Parses the header; nil when it is not a well-formed ACS3-HMAC-SHA256 authorisation.
        package init?(header: String) {
            let prefix = SignatureV3.algorithm + " "
            guard header.hasPrefix(prefix) else { return nil }
            var credential: String?
            var signed: String?
            var signature: String?
            for part in header.dropFirst(prefix.count).split(separator: ",") {
                let p = part.trimmingASCIISpaces()
                guard let eq = p.firstIndex(of: "=") else { return nil }
                let value = String(p[p.index(after: eq)...])
                switch p[..<eq] {
                case "Credential": credential = value
                case "SignedHeaders": signed = value
                case "Signature": signature = value
                default: return nil
                }
            }
            guard let credential, !credential.isEmpty, let signed, !signed.isEmpty, let signature, !signature.isEmpty
            else { return nil }
            self.credential = credential
            self.signedHeaders = signed.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            self.signature = signature
            guard signedHeaders.allSatisfy({ !$0.isEmpty && $0 == $0.lowercased() }) else { return nil }
        }

        /// An authorisation from its parts.
        package init(credential: String, signedHeaders: [String], signature: String) {
            self.credential = credential
            self.signedHeaders = signedHeaders
            self.signature = signature
        }

        /// The header value.
        package var header: String {
            "\(SignatureV3.algorithm) Credential=\(credential),SignedHeaders=\(signedHeaders.joined(separator: ";")),"
                + "Signature=\(signature)"
        }
    }

    /// The canonical request over `signedHeaders` (nil when a signed header is absent).
    package static func canonicalRequest(
        method: String, path: String, query: [String: String], headers: [HTTPHeader], signedHeaders: [String],
        payloadHash: String
    ) -> String? {
        var lines = ""
        for name in signedHeaders {
            let values = headers.filter { $0.name == name }.map(\.value)
            guard !values.isEmpty else { return nil }
            lines += "\(name):\(values.sorted().joined(separator: ","))\n"
        }
        return "\(method)\n\(path)\n\(QueryString.canonical(query))\n\(lines)\n"
            + "\(signedHeaders.joined(separator: ";"))\n\(payloadHash)"
    }

    /// The string to sign of `canonicalRequest`: `ACS3-HMAC-SHA256\n<hex sha256(canonical request)>`.
    package static func stringToSign(canonicalRequest: String) -> String {
        "\(algorithm)\n\(Hex.encode(SHA256.hash(canonicalRequest.utf8)))"
    }

    /// The hex signature of `canonicalRequest` under `secret`.
    package static func signature(secret: [UInt8], canonicalRequest: String) -> String {
        signature(secret: secret, stringToSign: stringToSign(canonicalRequest: canonicalRequest))
    }

    /// The hex signature of `stringToSign` under `secret`.
    package static func signature(secret: [UInt8], stringToSign: String) -> String {
        Hex.encode(HMAC.sha256(key: secret, message: Array(stringToSign.utf8)))
    }

    /// Signs a request as the SDK does: adds `x-acs-content-sha256` and `Authorization` over every
    /// header present (for tests, benchmarks and scripts). Headers must be lower case.
    package static func sign(
        method: String, path: String = "/", query: [String: String], headers: [HTTPHeader], body: [UInt8],
        accessKeyId: String, secret: String
    ) -> [HTTPHeader] {
        var all = headers.filter { $0.name != "x-acs-content-sha256" && $0.name != "authorization" }
        let payload = Hex.encode(SHA256.hash(body))
        all.append(HTTPHeader(name: "x-acs-content-sha256", value: payload))
        let names = Array(Set(all.map(\.name))).sorted()
        let canonical = canonicalRequest(
            method: method, path: path, query: query, headers: all, signedHeaders: names, payloadHash: payload)!
        let auth = Authorization(
            credential: accessKeyId, signedHeaders: names,
            signature: signature(secret: Array(secret.utf8), canonicalRequest: canonical))
        all.append(HTTPHeader(name: "authorization", value: auth.header))
        return all
    }
}
