import Foundation
package import KeytrailSynth

/// The expected answer for one (key, service): the greatest (timestamp, eventId, detail).
package struct ReferenceProduct: Equatable, Sendable {
    /// ServiceName.
    package var service: String
    /// UsedTimestamp.
    package var timestamp: Int64
    /// eventId.
    package var eventId: [UInt8]
    /// Detail bytes.
    package var detail: [UInt8]
    /// The answer's `Source`, by DESIGN's rule read from the Detail with Foundation's parser:
    /// `DataEvent`, `ManagementEvent` or `Internal`.
    package var source: String

    /// The expected answer for a record's event.
    init(_ r: SynthRecord) {
        service = r.serviceName
        timestamp = r.timestamp
        eventId = Array(r.eventId.utf8)
        detail = r.detail
        source = Self.source(of: r.detail)
    }

    /// DESIGN, Semantics 5, written out independently of keytrail's `EventSource`.
    static func source(of detail: [UInt8]) -> String {
        let event = (try? JSONSerialization.jsonObject(with: Data(detail))) as? [String: Any] ?? [:]
        let category = event["eventCategory"]
        if let c = category as? String, !c.isEmpty {
            return c == "Data" ? "DataEvent" : c == "Management" ? "ManagementEvent" : "Internal"
        }
        // Present and neither a string nor null: "anything else".
        if let category, !(category is NSNull), !(category is String) { return "Internal" }
        let management = [
            "ApiCall", "ConsoleOperation", "ConsoleSignin", "ConsoleSignout", "AliyunServiceEvent", "PasswordReset",
        ]
        return (event["eventType"] as? String).map(management.contains) == true ? "ManagementEvent" : "Internal"
    }
}

/// A plain-dictionary model of the index, built from generated records, to check keytrail against.
package struct ReferenceModel: Sendable {
    /// key → service → latest.
    package private(set) var latest: [String: [String: ReferenceProduct]] = [:]

    /// A model of `records`.
    package init(_ records: [SynthRecord]) {
        for r in records { add(r) }
    }

    /// Offers one record (events without a key are ignored).
    package mutating func add(_ r: SynthRecord) {
        guard let key = r.accessKeyId, !key.isEmpty, !r.serviceName.isEmpty else { return }
        let candidate = ReferenceProduct(r)
        if let old = latest[key]?[r.serviceName] {
            let newer =
                (candidate.timestamp, candidate.eventId, candidate.detail) > (old.timestamp, old.eventId, old.detail)
            if !newer { return }
        }
        latest[key, default: [:]][r.serviceName] = candidate
    }

    /// The products of `key` inside `[asOf − days, asOf]`, in the contract's order.
    package func products(_ key: String, asOf: Int64, days: Int = 400) -> [ReferenceProduct] {
        let start = asOf - Int64(days) * 86_400_000
        return (latest[key] ?? [:]).values
            .filter { $0.timestamp >= start && $0.timestamp <= asOf }
            .sorted {
                $0.timestamp != $1.timestamp
                    ? $0.timestamp > $1.timestamp
                    : Array($0.service.utf8).lexicographicallyPrecedes(Array($1.service.utf8))
            }
    }

    /// The newest timestamp of all records.
    package var newest: Int64 { latest.values.flatMap(\.values).map(\.timestamp).max() ?? 0 }
}

extension Array: @retroactive Comparable where Element == UInt8 {
    /// Byte arrays in lexicographic order, as the index compares bytes.
    public static func < (a: [UInt8], b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }
}
