/// Where one member value was found in the scanned buffer, and what kind of value it was.
package struct FieldSlot: Sendable, Equatable {
    /// What kind of value a member held.
    package enum Kind: UInt8, Sendable {
        case absent, string, null, object, array, other
    }

    /// What the member held; `.absent` when the object had no such member.
    package var kind: Kind = .absent
    /// For strings, the body between the quotes; otherwise the whole value.
    package var start = 0
    /// End (exclusive) matching `start`.
    package var end = 0
    /// Whether a string body contains backslash escapes.
    package var escaped = false

    /// An absent member.
    package init() {}

    /// A member of `kind` spanning `start..<end`.
    package init(_ kind: Kind, _ start: Int, _ end: Int, escaped: Bool = false) {
        self.kind = kind
        self.start = start
        self.end = end
        self.escaped = escaped
    }

    /// Whether the member is a string.
    @inline(__always) package var isString: Bool { kind == .string }
    /// Whether the member is present at all.
    @inline(__always) package var isPresent: Bool { kind != .absent }
}
