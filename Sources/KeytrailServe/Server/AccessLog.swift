import KeytrailPOSIX
import KeytrailScan

/// One line per request on stderr: `TIME PEER CALLER ACTION STATUS CODE MS ACCESSKEY REQUESTID`.
///
/// `2026-11-24T19:32:55.123Z 127.0.0.1:50412 LTAI_CALLER_ID GetAccessKeyLastUsedProducts 200 - 0.8ms
/// LTAI5tv6QCVFimUPfpBMBSH6 6C1B2E3A-…` (one line); `-` stands for an unknown caller, action or
/// AccessKey and for the code of a success. ACCESSKEY is the key asked about (an identifier, as the
/// caller is), REQUESTID the answer's, so a line can be matched with what a client saw. Never a
/// secret, a signature, a security token or any other parameter value.
struct AccessLog: Sendable {
    /// False with `--quiet`.
    var enabled: Bool

    func record(
        peer: String, caller: String?, action: String?, status: Int, code: String?, micros: Int64, accessKey: String?,
        requestId: String
    ) {
        guard enabled else { return }
        let ms = JSONOutput.formatDecimal(Double(micros) / 1000, digits: 1)
        let line =
            "\(Timestamp.format(Clock.wallMillis(), millis: true)) \(peer) \(Self.clean(caller)) \(Self.clean(action)) "
            + "\(status) \(Self.clean(code)) \(ms)ms \(Self.clean(accessKey)) \(Self.clean(requestId))\n"
        Self.write(line)
    }

    func note(_ text: String) {
        guard enabled else { return }
        Self.write("keytrail: note: \(text)\n")
    }

    /// One write(2) per line, so lines from the event loops never interleave; a failed write is dropped.
    static func write(_ line: String) {
        try? POSIX.write(2, line)
    }

    /// Printable ASCII only, at most 128 bytes: a claimed caller is attacker-chosen text.
    static func clean(_ s: String?) -> String {
        guard let s, !s.isEmpty else { return "-" }
        let bytes = s.utf8.prefix(128).map { $0 > 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: "?") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
