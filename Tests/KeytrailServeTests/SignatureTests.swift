import KeytrailQuery
import KeytrailScan
import KeytrailServe
import Testing

/// A stand-in for APIService: answers 200 with the parameters it got.
final class EchoAnswerer: ActionAnswering {
    var calls = 0
    func answer(_ action: APIAction, _ parameters: [String: String], requestId: String) -> APIResult {
        calls += 1
        return APIResult(
            status: 200, body: "{\"RequestId\":\"\(requestId)\",\"Key\":\"\(parameters["AccessKey"] ?? "")\"}",
            code: nil, notes: [])
    }
}

/// The real requests of api.md §1.3 (secret `caller-secret`, port 36729), the check order, and
/// every gateway error.
@Suite("Signatures and the gateway")
struct SignatureTests {
    static let now = Timestamp.parseRFC3339Text("2026-11-24T19:32:55Z")!
    static let v3Text = """
        POST /?AccessKey=LTAI_TEST_KEY HTTP/1.1\r
        Accept-Encoding: identity\r
        host: 127.0.0.1:36729\r
        x-acs-version: 2020-07-06\r
        x-acs-action: GetAccessKeyLastUsedProducts\r
        user-agent: AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2\r
        x-acs-date: 2026-11-24T19:32:55Z\r
        x-acs-signature-nonce: 3a42aad110155ec403d9e9ae75a54be5\r
        accept: application/json\r
        x-acs-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\r
        x-acs-credentials-provider: static_ak\r
        Authorization: ACS3-HMAC-SHA256 Credential=LTAI_CALLER_ID,SignedHeaders=accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=1671a8bbcc02ca464d836df28081a5b8205a9ff340fecedec89bea9a3fbb22a5\r
        Content-Length: 0\r
        \r

        """
    static let v2Text = """
        POST /?Action=GetAccessKeyLastUsedProducts&Format=json&Version=2020-07-06&Timestamp=2026-11-24T19%3A32%3A55Z&SignatureNonce=230f245f8531caa60e55c0caa859bb43&AccessKey=LTAI_TEST_KEY&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=LTAI_CALLER_ID&Signature=5ZRbU8tcq0kpqxDpno1h8fRugJA%3D HTTP/1.1\r
        host: 127.0.0.1:36729\r
        x-acs-version: 2020-07-06\r
        x-acs-action: GetAccessKeyLastUsedProducts\r
        user-agent: AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2\r
        x-acs-credentials-provider: static_ak\r
        Content-Length: 0\r
        \r

        """

    static func gateway(now: Int64 = now) throws -> Gateway {
        let creds = try Credentials(text: "# callers\nLTAI_CALLER_ID caller-secret\n\nSTS.CALLER sts-secret\n")
        return Gateway(authenticator: Authenticator(credentials: creds), now: { now })
    }

    /// The response to raw request bytes (400-class answer for a request the parser refuses).
    static func respond(_ bytes: [UInt8], _ g: Gateway) -> (status: Int, code: String?) {
        var p = HTTPRequestParser()
        p.append(bytes)
        do {
            guard let r = try p.next() else { return (0, "incomplete") }
            let o = g.handle(r) { EchoAnswerer().answer($0, $1, requestId: $2) }
            return (o.response.status, o.response.code)
        } catch {
            return (error.status, "http")
        }
    }

    @Test(arguments: [v3Text, v2Text])
    func realRequestVerifies(text: String) throws {
        let r = Self.respond(Array(text.utf8), try Self.gateway())
        #expect(r.status == 200 && r.code == nil, "\(r)")
    }

    /// Byte ranges that the signature covers: the request target, every signed header value, and
    /// the Authorization header.
    static func signedRanges(_ text: String, signedHeaders: [String]) -> [Range<Int>] {
        let bytes = Array(text.utf8)
        var ranges: [Range<Int>] = []
        var lineStart = 0
        var first = true
        for i in bytes.indices where bytes[i] == 0x0A {
            let line = String(decoding: bytes[lineStart..<i], as: UTF8.self)
            if first {
                // After "POST ", before " HTTP/1.1\r".
                ranges.append((lineStart + 5)..<(lineStart + line.utf8.count - 10))
                first = false
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                if signedHeaders.contains(name) || name == "authorization" {
                    let valueStart = lineStart + line.utf8.distance(from: line.startIndex, to: colon) + 2
                    ranges.append(valueStart..<(lineStart + line.utf8.count - 1))
                }
            }
            lineStart = i + 1
        }
        return ranges
    }

    /// Another byte, never the same letter in the other case (`%3A` and `%3a` are one escape).
    static func changed(_ b: UInt8) -> UInt8 {
        b == UInt8(ascii: "a") ? UInt8(ascii: "b") : b == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "a")
    }

    @Test func oneChangedByteFailsV3() throws {
        let g = try Self.gateway()
        let signed = [
            "accept", "host", "user-agent", "x-acs-action", "x-acs-content-sha256", "x-acs-credentials-provider",
            "x-acs-date", "x-acs-signature-nonce", "x-acs-version",
        ]
        var checked = 0
        for range in Self.signedRanges(Self.v3Text, signedHeaders: signed) {
            for i in range {
                var bytes = Array(Self.v3Text.utf8)
                bytes[i] = Self.changed(bytes[i])
                let r = Self.respond(bytes, g)
                #expect(r.status != 200, "byte \(i) changed still verifies")
                checked += 1
            }
        }
        #expect(checked > 500)
        // And the untouched request still verifies: no changed one was remembered as a nonce.
        #expect(Self.respond(Array(Self.v3Text.utf8), g).status == 200)
    }

    @Test func oneChangedByteFailsV2() throws {
        let g = try Self.gateway()
        let range = Self.signedRanges(Self.v2Text, signedHeaders: [])[0]
        for i in range {
            var bytes = Array(Self.v2Text.utf8)
            bytes[i] = Self.changed(bytes[i])
            #expect(Self.respond(bytes, g).status != 200, "byte \(i) changed still verifies")
        }
        #expect(Self.respond(Array(Self.v2Text.utf8), g).status == 200)
    }

    @Test func replayedNonceIsRefusedAfterTheFirst() throws {
        let g = try Self.gateway()
        #expect(Self.respond(Array(Self.v3Text.utf8), g).status == 200)
        #expect(Self.respond(Array(Self.v3Text.utf8), g).code == "SignatureNonceUsed")
        #expect(Self.respond(Array(Self.v2Text.utf8), g).status == 200)
        #expect(Self.respond(Array(Self.v2Text.utf8), g).code == "SignatureNonceUsed")
    }

    @Test func staleDateIsExpiredAfterTheSignature() throws {
        let later = try Self.gateway(now: Self.now + 16 * 60_000)
        #expect(Self.respond(Array(Self.v3Text.utf8), later).code == "InvalidTimeStamp.Expired")
        #expect(Self.respond(Array(Self.v2Text.utf8), later).code == "InvalidTimeStamp.Expired")
        let earlier = try Self.gateway(now: Self.now - 14 * 60_000)
        #expect(Self.respond(Array(Self.v3Text.utf8), earlier).status == 200)
    }

    /// A V3 request signed by our signer (the same algorithm the SDK uses).
    static func signedV3(
        action: String = "GetAccessKeyLastUsedProducts", version: String = "2020-07-06",
        date: String = "2026-11-24T19:32:55Z",
        nonce: String = "n1", caller: String = "LTAI_CALLER_ID", secret: String = "caller-secret",
        query: [String: String] = ["AccessKey": "LTAI_TEST_KEY"], extra: [HTTPHeader] = [], body: [UInt8] = []
    ) -> HTTPRequest {
        let headers =
            [
                HTTPHeader(name: "host", value: "127.0.0.1:1"), HTTPHeader(name: "x-acs-action", value: action),
                HTTPHeader(name: "x-acs-version", value: version), HTTPHeader(name: "x-acs-date", value: date),
                HTTPHeader(name: "x-acs-signature-nonce", value: nonce),
            ] + extra
        let signed = SignatureV3.sign(
            method: "POST", query: query, headers: headers, body: body, accessKeyId: caller, secret: secret)
        return HTTPRequest(
            method: "POST", path: "/",
            query: query.map { "\($0.key)=\(PercentEncoding.encode($0.value))" }.joined(separator: "&"),
            headers: signed, body: body)
    }

    static func code(_ r: HTTPRequest, _ g: Gateway) -> String? {
        let o = g.handle(r) { EchoAnswerer().answer($0, $1, requestId: $2) }
        return o.response.code ?? "\(o.response.status)"
    }

    @Test func everyGatewayErrorInTheDesignedOrder() throws {
        let g = try Self.gateway()
        #expect(Self.code(Self.signedV3(), g) == "200")
        // Action and version first, even with a bad signature or an unknown caller.
        #expect(
            Self.code(Self.signedV3(action: "GetAccessKeyLastUsedNope", nonce: "a", secret: "x"), g)
                == "InvalidApi.NotFound")
        #expect(Self.code(Self.signedV3(version: "2019-01-01", nonce: "b", caller: "WHO"), g) == "InvalidApi.NotFound")
        // Then the caller, then the signature.
        #expect(Self.code(Self.signedV3(nonce: "c", caller: "WHO", secret: "x"), g) == "InvalidAccessKeyId.NotFound")
        #expect(Self.code(Self.signedV3(nonce: "d", secret: "wrong"), g) == "SignatureDoesNotMatch")
        // Then the date (signed correctly, but stale or not ISO 8601), then the nonce.
        #expect(Self.code(Self.signedV3(date: "2026-11-24T19:00:00Z", nonce: "e"), g) == "InvalidTimeStamp.Expired")
        #expect(Self.code(Self.signedV3(date: "yesterday", nonce: "f"), g) == "InvalidTimeStamp.Format")
        #expect(Self.code(Self.signedV3(nonce: "g"), g) == "200")
        #expect(Self.code(Self.signedV3(nonce: "g"), g) == "SignatureNonceUsed")
        // The same nonce from another caller is fine.
        #expect(Self.code(Self.signedV3(nonce: "g", caller: "STS.CALLER", secret: "sts-secret"), g) == "200")
    }

    @Test func malformedAuthorisationIsIncomplete() throws {
        let g = try Self.gateway()
        var r = Self.signedV3(nonce: "h")
        r.headers.removeAll { $0.name == "authorization" }
        #expect(Self.code(r, g) == "IncompleteSignature")
        r.headers.append(HTTPHeader(name: "authorization", value: "ACS3-HMAC-SHA256 Credential=LTAI_CALLER_ID"))
        #expect(Self.code(r, g) == "IncompleteSignature")
        // A date header that is not signed.
        var unsigned = Self.signedV3(nonce: "i")
        var auth = try #require(SignatureV3.Authorization(header: unsigned.header("authorization")!))
        auth.signedHeaders.removeAll { $0 == "x-acs-date" }
        unsigned.headers.removeAll { $0.name == "authorization" }
        unsigned.headers.append(HTTPHeader(name: "authorization", value: auth.header))
        #expect(Self.code(unsigned, g) == "IncompleteSignature")
    }

    @Test func stsKeyMustMatchTheCredential() throws {
        let g = try Self.gateway()
        let ok = Self.signedV3(
            nonce: "s1", caller: "STS.CALLER", secret: "sts-secret",
            extra: [
                HTTPHeader(name: "x-acs-accesskey-id", value: "STS.CALLER"),
                HTTPHeader(name: "x-acs-security-token", value: "token"),
            ])
        #expect(Self.code(ok, g) == "200")
        let other = Self.signedV3(
            nonce: "s2", caller: "STS.CALLER", secret: "sts-secret",
            extra: [HTTPHeader(name: "x-acs-accesskey-id", value: "LTAI_CALLER_ID")])
        #expect(Self.code(other, g) == "IncompleteSignature")
    }

    @Test func bodyHashMustMatch() throws {
        let g = try Self.gateway()
        var r = Self.signedV3(nonce: "b1", body: Array("AccessKey=X".utf8))
        #expect(Self.code(r, g) == "200")
        r = Self.signedV3(nonce: "b2", body: Array("AccessKey=X".utf8))
        r.body = Array("AccessKey=Y".utf8)
        #expect(Self.code(r, g) == "SignatureDoesNotMatch")
    }

    @Test func formBodyParametersReachTheAnswer() throws {
        let g = Gateway(authenticator: nil)
        let r = HTTPRequest(
            method: "POST", path: "/", query: "Action=GetAccessKeyLastUsedProducts&Version=2020-07-06",
            headers: [HTTPHeader(name: "content-type", value: "application/x-www-form-urlencoded")],
            body: Array("AccessKey=FROM%5FBODY".utf8))
        let o = g.handle(r) { EchoAnswerer().answer($0, $1, requestId: $2) }
        #expect(o.response.status == 200 && o.response.body.contains("FROM_BODY"))
        var dup = r
        dup.query += "&AccessKey=Q"
        #expect(g.handle(dup) { EchoAnswerer().answer($0, $1, requestId: $2) }.response.code == "InvalidQueryParameter")
        var get = r
        get.method = "DELETE"
        #expect(g.handle(get) { EchoAnswerer().answer($0, $1, requestId: $2) }.response.code == "UnsupportedHTTPMethod")
    }

    @Test func credentialsFileErrorsNameTheLine() {
        #expect(throws: ServeError.self) { try Credentials(text: "# only comments\n\n") }
        #expect(throws: ServeError.credentialsEmpty(source: "credentials")) {
            try Credentials(text: "# only comments\n\n")
        }
        do {
            _ = try Credentials(text: "A s1\nB\n", source: "c.txt")
            Issue.record("accepted a line with one field")
        } catch {
            #expect(error.description.hasPrefix("c.txt:2:"))
            #expect(!error.description.contains("s1"))
        }
        #expect(throws: ServeError.self) { try Credentials(text: "A s1\nA s2\n") }
        #expect(throws: ServeError.credentialsDuplicate(source: "credentials", line: 2, id: "A")) {
            try Credentials(text: "A s1\nA s2\n")
        }
        #expect((try? Credentials(text: "A\ts1\r\n  # c\nB s2 \n"))?.count == 2)
    }

    @Test func nonceCacheExpiresAndIsBounded() {
        let c = NonceCache(lifetime: 1000, capacity: 2)
        #expect(c.remember(caller: "a", nonce: "1", now: 0) == .fresh)
        #expect(c.remember(caller: "a", nonce: "1", now: 999) == .used)
        #expect(c.remember(caller: "b", nonce: "1", now: 10) == .fresh)
        #expect(c.remember(caller: "a", nonce: "2", now: 20) == .full)
        #expect(c.remember(caller: "a", nonce: "1", now: 1000) == .fresh)
        #expect(c.count <= 2)
    }
}

extension Timestamp {
    static func parseRFC3339Text(_ s: String) -> Int64? {
        var t = s
        return t.withUTF8 { Timestamp.parseRFC3339(UnsafeRawBufferPointer($0)) }
    }
}
