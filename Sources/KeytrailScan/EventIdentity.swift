/// Who made a call, from an event's `userIdentity` (camelCase members win over PascalCase ones).
/// Read from a stored Detail at query time, so the index keeps no extra columns for it.
package struct EventIdentity: Equatable, Sendable {
    /// `accountId`.
    package var accountId = ""
    /// `principalId`.
    package var principalId = ""
    /// `type` (`root-account`, `ram-user`, `assumed-role`, `system`).
    package var type = ""
    /// `userName`.
    package var userName = ""

    /// An empty identity.
    package init() {}

    /// The identity of the event whose JSON text is `detail`; members missing, null, objects or
    /// arrays are empty (numbers and booleans keep their text).
    package init(detail: [UInt8]) {
        detail.withUnsafeBytes { buffer in
            let s = JSONScanner(buffer)
            var camel: FieldSlot?
            var pascal: FieldSlot?
            let spellings = EventField.Object.userIdentity.names!
            Self.members(s, s.skipWhitespace(0)) { name, value in
                if name == spellings.camel.description { camel = value }
                if name == spellings.pascal.description { pascal = value }
            }
            guard let identity = camel ?? pascal, identity.kind == .object else { return }
            let found = Self.scalars(s, identity.start)
            accountId = found["accountId"] ?? found["AccountId"] ?? ""
            principalId = found["principalId"] ?? found["PrincipalId"] ?? ""
            type = found["type"] ?? found["Type"] ?? ""
            userName = found["userName"] ?? found["UserName"] ?? ""
        }
    }

    /// The `UserName` the cloud answers: `root` for a root account.
    package var answeredUserName: String { type == "root-account" ? "root" : userName }

    /// The members of the object at `start` whose values are strings (unescaped) or other
    /// scalars (their text), by name; the last of a repeated name wins.
    static func scalars(_ s: JSONScanner, _ start: Int) -> [String: String] {
        var found: [String: String] = [:]
        members(s, start) { name, value in
            guard value.kind == .string || value.kind == .other else { return }
            var text: [UInt8] = []
            if value.escaped {
                s.unescape(value.start, value.end, into: &text)
            } else {
                text = Array(s.bytes(value.start, value.end))
            }
            found[name] = String(decoding: text, as: UTF8.self)
        }
        return found
    }

    /// Calls `body` with each member name and value slot of the object at `start` (the last
    /// repeated name is seen last). Stops quietly on malformed text.
    static func members(_ s: JSONScanner, _ start: Int, _ body: (String, FieldSlot) -> Void) {
        guard start < s.count, s[start] == 0x7B else { return }
        var i = s.skipWhitespace(start + 1)
        while i < s.count, s[i] == 0x22 {
            guard let key = try? s.scanString(i) else { return }
            var nameBytes: [UInt8] = []
            if key.hasEscapes {
                s.unescape(i + 1, key.end - 1, into: &nameBytes)
            } else {
                nameBytes = Array(s.bytes(i + 1, key.end - 1))
            }
            i = s.skipWhitespace(key.end)
            guard i < s.count, s[i] == 0x3A else { return }
            i = s.skipWhitespace(i + 1)
            guard i < s.count, let (slot, end) = try? s.slotValue(i, depth: 1) else { return }
            body(String(decoding: nameBytes, as: UTF8.self), slot)
            i = s.skipWhitespace(end)
            guard i < s.count, s[i] == 0x2C else { return }
            i = s.skipWhitespace(i + 1)
        }
    }
}
