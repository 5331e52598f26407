import Foundation
package import KeytrailSynth

/// One row of a sibling dimension: kind (1 eventName, 2 sourceIpAddress, 3 resource), service,
/// name (EventName, Ip or ResourceType) and sub (ResourceName).
package struct ReferenceDimension: Hashable, Sendable, Comparable {
    /// 1 eventName, 2 sourceIpAddress, 3 resource.
    package var kind: Int
    /// ServiceName.
    package var service: String
    /// EventName, Ip or ResourceType.
    package var name: String
    /// ResourceName (empty for the other kinds).
    package var sub: String

    /// A row of `kind`.
    package init(kind: Int, service: String, name: String, sub: String) {
        self.kind = kind
        self.service = service
        self.name = name
        self.sub = sub
    }

    /// Ordered as the index's primary key: kind, then service, name and sub as bytes.
    package static func < (a: Self, b: Self) -> Bool {
        (a.kind, Array(a.service.utf8), Array(a.name.utf8), Array(a.sub.utf8))
            < (b.kind, Array(b.service.utf8), Array(b.name.utf8), Array(b.sub.utf8))
    }
}

/// The sibling dimensions of a set of records, read with Foundation's JSON parser (independent of
/// keytrail's scanner): key → row → latest (timestamp, eventId, detail).
package struct ReferenceDimensions: Sendable {
    /// key → row → latest.
    package private(set) var latest: [String: [ReferenceDimension: ReferenceProduct]] = [:]

    /// A model of `records`.
    package init(_ records: [SynthRecord]) {
        for r in records { add(r) }
    }

    /// Offers one record to every row its event counts for.
    package mutating func add(_ r: SynthRecord) {
        guard let key = r.accessKeyId, !key.isEmpty, !r.serviceName.isEmpty,
            let event = try? JSONSerialization.jsonObject(with: Data(r.detail)) as? [String: Any]
        else { return }
        let candidate = ReferenceProduct(r)
        for d in Self.dimensions(of: event, service: r.serviceName) {
            if let old = latest[key]?[d],
                (candidate.timestamp, candidate.eventId, candidate.detail) <= (old.timestamp, old.eventId, old.detail)
            {
                continue
            }
            latest[key, default: [:]][d] = candidate
        }
    }

    /// The rows an event counts for.
    package static func dimensions(of e: [String: Any], service: String) -> Set<ReferenceDimension> {
        var out = Set<ReferenceDimension>()
        if let n = e["eventName"] as? String, !n.isEmpty {
            out.insert(ReferenceDimension(kind: 1, service: service, name: n, sub: ""))
        }
        if let ip = e["sourceIpAddress"] as? String, !ip.isEmpty {
            out.insert(ReferenceDimension(kind: 2, service: service, name: ip, sub: ""))
        }
        var resources = Set<ReferenceDimension>()
        if let refs = e["referencedResources"] as? [String: Any] {
            for (type, names) in refs where !type.isEmpty {
                let list = (names as? [Any])?.compactMap { $0 as? String } ?? [(names as? String)].compactMap { $0 }
                for n in list where !n.isEmpty {
                    resources.insert(ReferenceDimension(kind: 3, service: service, name: type, sub: n))
                }
            }
        }
        if resources.isEmpty, let types = e["resourceType"] as? String, let names = e["resourceName"] as? String {
            let t = types.split(separator: ";", omittingEmptySubsequences: false).map(trim)
            let groups =
                names.isEmpty ? [] : names.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            for (g, group) in groups.enumerated() where !t.isEmpty {
                let type = t[min(g, t.count - 1)]
                if type.isEmpty { continue }
                for n in group.split(separator: ",", omittingEmptySubsequences: false).map(trim) where !n.isEmpty {
                    resources.insert(ReferenceDimension(kind: 3, service: service, name: type, sub: n))
                }
            }
        }
        return out.union(resources)
    }

    static func trim<S: StringProtocol>(_ s: S) -> String {
        String(s).trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
    }
}
