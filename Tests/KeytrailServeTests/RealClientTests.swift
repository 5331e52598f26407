import Foundation
import KeytrailQuery
import KeytrailServe
import Testing

/// What clients other than today's SDK rely on: the string to sign in `SignatureDoesNotMatch`
/// (the older RPC SDK parses it) and absolute-form targets (anything behind `HTTP_PROXY`), on the
/// real requests of api.md §1.3.
@Suite("Older SDK and proxy clients at the gateway")
struct RealClientTests {
    static let prefix = "Specified signature is not matched with our calculation. server string to sign is:"

    /// The status, code and Message of the answer to raw request bytes.
    static func answer(_ text: String, _ g: Gateway) throws -> (status: Int, code: String?, message: String?) {
        var p = HTTPRequestParser()
        p.append(Array(text.utf8))
        let r = try #require(try p.next())
        let o = g.handle(r) { EchoAnswerer().answer($0, $1, requestId: $2) }
        let body = try JSONSerialization.jsonObject(with: Data(o.response.body.utf8)) as? [String: Any]
        return (o.response.status, o.response.code, body?["Message"] as? String)
    }

    /// A gateway at the capture's time whose caller has another secret than the one that signed.
    static func wrongSecretGateway() throws -> Gateway {
        Gateway(
            authenticator: Authenticator(credentials: try Credentials(text: "LTAI_CALLER_ID other-secret\n")),
            now: { SignatureTests.now })
    }

    @Test func mismatchNamesTheServersStringToSignAsTheOlderSDKParsesIt() throws {
        let g = try Self.wrongSecretGateway()
        let v2 = try Self.answer(SignatureTests.v2Text, g)
        #expect(v2.status == 400 && v2.code == "SignatureDoesNotMatch")
        let message = try #require(v2.message)
        #expect(message.hasPrefix(Self.prefix))
        // aliyunsdkcore: `string_to_sign == message.split(':')[1]` (the encoded string has no colon).
        let piece = message.split(separator: ":", omittingEmptySubsequences: false)[1]
        #expect(
            piece
                == "POST&%2F&AccessKey%3DLTAI_TEST_KEY%26AccessKeyId%3DLTAI_CALLER_ID"
                + "%26Action%3DGetAccessKeyLastUsedProducts%26Format%3Djson%26SignatureMethod%3DHMAC-SHA1"
                + "%26SignatureNonce%3D230f245f8531caa60e55c0caa859bb43%26SignatureVersion%3D1.0"
                + "%26Timestamp%3D2026-11-24T19%253A32%253A55Z%26Version%3D2020-07-06")
        let v3 = try Self.answer(SignatureTests.v3Text, g)
        #expect(v3.status == 400 && v3.code == "SignatureDoesNotMatch")
        // The hash of the capture's canonical request (computed independently, in Python).
        #expect(
            v3.message == Self.prefix + "ACS3-HMAC-SHA256\n"
                + "94014f2de4a3613c693c990c6f7fc102e12cfc04818e370bd257da3de5f2ae34")
        for m in [v2.message, v3.message] {
            #expect(!(m ?? "").contains("secret"))
        }
    }

    /// The capture's V3 request in absolute form verifies: the path signed is `/`, the host signed
    /// is the target's authority, which a conforming client also sends as Host.
    @Test func absoluteFormTargetsVerifyWithTheAuthorityAsHost() throws {
        let g = try SignatureTests.gateway()
        let origin = "POST /?AccessKey=LTAI_TEST_KEY HTTP/1.1\r\n"
        let absolute = SignatureTests.v3Text.replacingOccurrences(
            of: origin, with: "POST http://127.0.0.1:36729/?AccessKey=LTAI_TEST_KEY HTTP/1.1\r\n")
        #expect(absolute != SignatureTests.v3Text)
        #expect(try Self.answer(absolute, g).status == 200)
        // Without a Host header the authority stands in for it (a new gateway: the nonce is spent).
        let noHost = absolute.replacingOccurrences(of: "host: 127.0.0.1:36729\r\n", with: "")
        #expect(noHost != absolute)
        #expect(try Self.answer(noHost, try SignatureTests.gateway()).status == 200)
        // Another authority is another host than the one signed.
        let elsewhere = absolute.replacingOccurrences(of: "http://127.0.0.1:36729/", with: "http://127.0.0.1:1/")
        #expect(try Self.answer(elsewhere, try SignatureTests.gateway()).code == "SignatureDoesNotMatch")
        // The V2 capture (which does not sign the host) in absolute form, over an HTTPS-named URI.
        let v2 = SignatureTests.v2Text.replacingOccurrences(of: "POST /?", with: "POST HTTPS://Example.invalid?")
        #expect(v2 != SignatureTests.v2Text)
        #expect(try Self.answer(v2, try SignatureTests.gateway()).status == 200)
    }
}

/// The startup lines' wording for the cases the binary's tests do not start (ServeTests start the
/// others): an empty index, several callers.
@Suite("Startup report")
struct StartupReportTests {
    @Test func emptyIndexAndSeveralCallers() throws {
        let r = StartupReport(
            address: try ListenAddress(parsing: "[::1]:7706"), index: "k.sqlite", newest: nil, asOf: .now,
            window: Window(asOf: 0, days: 400), auth: .signed(callers: 2, file: "callers"))
        #expect(
            r.lines == [
                "listening on http://[::1]:7706",
                "index: k.sqlite, empty (no event yet)",
                "default as-of: now, the clock at each request; window 400 days",
                "answers kept: none (--answer-cache 0)",
                "auth: signed requests (ACS3-HMAC-SHA256 or HMAC-SHA1) from the 2 callers in callers",
            ])
    }
}
