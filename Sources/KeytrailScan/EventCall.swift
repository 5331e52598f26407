/// What an event says of the call itself: where it went and whether it failed. Read from a stored
/// Detail at query time (as `EventIdentity`), for the least-privilege policy.
package struct EventCall: Equatable, Sendable {
    /// `eventSource`: the host (or URL) the call went to.
    package var eventSource = ""
    /// `errorCode`; empty for a call that succeeded.
    package var errorCode = ""
    /// `errorMessage`.
    package var errorMessage = ""

    /// The call of the event whose JSON text is `detail` (camelCase members win over PascalCase).
    package init(detail: [UInt8]) {
        detail.withUnsafeBytes { buffer in
            let s = JSONScanner(buffer)
            let found = EventIdentity.scalars(s, s.skipWhitespace(0))
            eventSource = found["eventSource"] ?? found["EventSource"] ?? ""
            errorCode = found["errorCode"] ?? found["ErrorCode"] ?? ""
            errorMessage = found["errorMessage"] ?? found["ErrorMessage"] ?? ""
        }
    }

    /// Whether the call was refused for want of permission (`Forbidden.RAM`, `NoPermission`,
    /// `Forbidden.NoPermission`, OSS's `AccessDenied`, …), as opposed to failing for other reasons.
    package var isDenied: Bool {
        let code = errorCode.lowercased()
        return code.hasPrefix("forbidden") || code.contains("nopermission") || code.hasPrefix("accessdenied")
            || code == "notauthorized" || code == "unauthorized" || code.hasSuffix(".unauthorized")
    }
}
