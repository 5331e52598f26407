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
