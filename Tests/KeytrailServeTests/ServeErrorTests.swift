import KeytrailPOSIX
import KeytrailServe
import Testing

/// ServeError's messages are what `keytrail serve` prints after `keytrail: error:`: pinned word for word.
@Suite("Serve errors")
struct ServeErrorTests {
    static let enoent = SystemError(code: 2)

    @Test(arguments: [
        (ServeError.listenSyntax("x"), "--listen must be HOST:PORT (127.0.0.1:7706, [::1]:0), got 'x'"),
        (.listenHost("h"), "--listen: 'h' is not an IP address"),
        (.badAddress(host: "h", isIPv6: true), "bad IPv6 address h"),
        (.badAddress(host: "h", isIPv6: false), "bad IPv4 address h"),
        (.system(call: "socket", enoent), "socket: No such file or directory"),
        (.cannotListen(address: "127.0.0.1:1", enoent), "cannot listen on 127.0.0.1:1: No such file or directory"),
        (.cannotOpenCredentials(path: "c", enoent), "cannot open credentials file c: No such file or directory"),
        (.cannotReadCredentials(path: "c", enoent), "cannot read credentials file c: No such file or directory"),
        (.credentialsNotRegular(path: "c"), "credentials file c is not a regular file"),
        (
            .credentialsExposed(path: "c", mode: 0o640),
            "credentials file c is accessible by group or others (mode 0640); run `chmod 600 c`"
        ),
        (.credentialsTooLarge(path: "c"), "credentials file c is larger than 16 MiB"),
        (.credentialsNotUTF8(path: "c"), "credentials file c is not UTF-8"),
        (
            .credentialsFieldCount(source: "c", line: 2, fields: 1),
            "c:2: expected ACCESS_KEY_ID SECRET, found 1 field(s)"
        ),
        (.credentialsBadId(source: "c", line: 3), "c:3: the AccessKeyId must be printable ASCII, at most 128 bytes"),
        (.credentialsDuplicate(source: "c", line: 4, id: "A"), "c:4: AccessKeyId A is listed twice"),
        (.credentialsEmpty(source: "c"), "c: no ACCESS_KEY_ID SECRET line"),
    ])
    func messageIsTheCommandLines(error: ServeError, message: String) {
        #expect(error.description == message)
        #expect(error.isUsage == (message.hasPrefix("--listen")))
    }

    @Test(arguments: ["x", "1.2.3.4", "[::1]", "::1:80", "1.2.3.4:65536"])
    func aBadListenAddressIsAUsageError(text: String) {
        #expect(throws: ServeError.listenSyntax(text)) { try ListenAddress(parsing: text) }
    }

    @Test func aHostThatIsNotAnAddressIsNamed() {
        #expect(throws: ServeError.listenHost("example.com")) { try ListenAddress(parsing: "example.com:80") }
    }
}
