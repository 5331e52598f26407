/// The `Source` of an answered product: how an event is classified (DESIGN semantics 5).
package enum EventSource: String, Sendable, CaseIterable {
    case management = "ManagementEvent"
    case data = "DataEvent"
    case `internal` = "Internal"

    /// What an event's `eventCategory` member held, as far as the rule cares.
    package enum Category<Text> {
        /// No `eventCategory`, or `null`.
        case absent
        /// A string, by its decoded text (`""` counts as absent).
        case string(Text)
        /// A number, `true`/`false`, an object or an array: a category, and not one the rule names.
        case other
    }

    /// The one place the rule lives (DESIGN semantics 5). `type` is nil when `eventType` is absent
    /// or not a string.
    package static func classify(category: Category<UnsafeRawBufferPointer>, type: UnsafeRawBufferPointer?)
        -> EventSource
    {
        switch category {
        case .other:
            return .internal
        case .string(let text) where text.count > 0:
            if equal(text, "Data") { return .data }
            if equal(text, "Management") { return .management }
            return .internal
        case .string, .absent:
            guard let type else { return .internal }
            for name in managementTypes where equal(type, name) { return .management }
            return .internal
        }
    }

    /// Classifies from Swift strings (tests, reference models).
    package static func classify(category: Category<String>, type: String?) -> EventSource {
        var t = type.map { Array($0.utf8) }
        return withOptionalBytes(&t) { tb in
            switch category {
            case .absent: return classify(category: .absent, type: tb)
            case .other: return classify(category: .other, type: tb)
            case .string(let text):
                return Array(text.utf8).withUnsafeBytes { classify(category: .string($0), type: tb) }
            }
        }
    }

    /// Classifies from Swift strings, `category` nil when it is absent or null.
    package static func classify(category: String?, type: String?) -> EventSource {
        classify(category: category.map { .string($0) } ?? .absent, type: type)
    }

    /// The numeric code stored in the index.
    package var code: Int {
        switch self {
        case .management: return 0
        case .data: return 1
        case .internal: return 2
        }
    }

    /// The source for a stored code.
    package init(code: Int) {
        switch code {
        case 0: self = .management
        case 1: self = .data
        default: self = .internal
        }
    }

    static let managementTypes: [StaticString] = [
        "ApiCall", "ConsoleOperation", "ConsoleSignin", "ConsoleSignout", "AliyunServiceEvent", "PasswordReset",
    ]

    @inline(__always) static func equal(_ b: UnsafeRawBufferPointer, _ s: StaticString) -> Bool {
        guard b.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for k in 0..<b.count where b[k] != p[k] { return false }
        return true
    }

    static func withOptionalBytes<R>(_ a: inout [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        guard a != nil else { return body(nil) }
        return a!.withUnsafeBytes { body($0) }
    }
}

extension EventSource.Category<UnsafeRawBufferPointer> {
    /// The category of an `eventCategory` slot of `kind` whose string, when it is one, decodes to `text`.
    package init(_ kind: FieldSlot.Kind, text: UnsafeRawBufferPointer?) {
        switch kind {
        case .absent, .null: self = .absent
        case .string: self = .string(text ?? UnsafeRawBufferPointer(start: nil, count: 0))
        case .object, .array, .other: self = .other
        }
    }
}
