/// The `Source` of an answered product: how an event is classified (DESIGN semantics 5).
package enum EventSource: String, Sendable, CaseIterable {
    case management = "ManagementEvent"
    case data = "DataEvent"
    case `internal` = "Internal"

    /// The one place the rule lives. `category` is nil when `eventCategory` is absent, null or `""`;
    /// `type` is nil when `eventType` is absent or not a string.
    package static func classify(category: UnsafeRawBufferPointer?, type: UnsafeRawBufferPointer?) -> EventSource {
        if let category, category.count > 0 {
            if equal(category, "Data") { return .data }
            if equal(category, "Management") { return .management }
            return .internal
        }
        guard let type else { return .internal }
        for name in managementTypes where equal(type, name) { return .management }
        return .internal
    }

    /// Classifies from Swift strings (tests, reference models).
    package static func classify(category: String?, type: String?) -> EventSource {
        var c = category.map { Array($0.utf8) }
        var t = type.map { Array($0.utf8) }
        return withOptionalBytes(&c) { cb in withOptionalBytes(&t) { tb in classify(category: cb, type: tb) } }
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
