import KeytrailScan
import KeytrailStore

extension Answer {
    /// The response body in the cloud's shape; `explain` adds each row's `Provenance` (`--explain`).
    package func json(requestId: String, pretty: Bool, explain: Bool = false) -> String {
        switch self {
        case .products(let a):
            return explain
                ? a.explainedJSON(requestId: requestId, pretty: pretty) : a.json(requestId: requestId, pretty: pretty)
        case .info(let a): return a.json(requestId: requestId, pretty: pretty, explain: explain)
        case .listing(let a): return a.json(requestId: requestId, pretty: pretty, explain: explain)
        }
    }

    /// The response body as UTF-8 bytes (the server's form: no `String` between the encoder and
    /// the socket).
    package func jsonBytes(requestId: String, pretty: Bool) -> [UInt8] {
        switch self {
        case .products(let a): return a.jsonBytes(requestId: requestId, pretty: pretty)
        case .info(let a): return a.jsonOutput(requestId: requestId, pretty: pretty).bytes
        case .listing(let a): return a.jsonOutput(requestId: requestId, pretty: pretty).bytes
        }
    }
}

extension ProductsAnswer {
    /// `{"RequestId", "Products": [...]}` (with `AccessKeyId` first when asked); the layout is
    /// `jsonBytes`'s (`ProductsAnswer+Body.swift`).
    package func json(requestId: String, pretty: Bool, includeAccessKeyId: Bool = false) -> String {
        String(
            decoding: jsonBytes(requestId: requestId, pretty: pretty, includeAccessKeyId: includeAccessKeyId),
            as: UTF8.self)
    }

    /// A product's members, in the response's order.
    static let members: [Product.Member] = [
        .usedTimestamp, .detail, .source, .serviceName, .serviceNameCn, .serviceNameEn,
    ]

    /// NDJSON: one compact object per product, `AccessKeyId` first (`explain`: `Provenance` last).
    package func rowsJSON(explain: Bool = false) -> [String] {
        products.map { p in
            var o = JSONOutput(pretty: false)
            o.beginObject()
            o.string("AccessKeyId", accessKey)
            p.write(Self.members, to: &o)
            if explain { o.provenance(p.provenance) }
            o.endObject()
            return o.text
        }
    }

    /// `json`'s body with each product's `Provenance` after its members (`--explain`; not the
    /// server's hot path, so `JSONOutput` writes it, in the same layout).
    package func explainedJSON(requestId: String, pretty: Bool, includeAccessKeyId: Bool = false) -> String {
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        if includeAccessKeyId { o.string("AccessKeyId", accessKey) }
        o.string("RequestId", requestId)
        o.beginArray("Products")
        for p in products {
            o.beginObject()
            p.write(Self.members, to: &o)
            o.provenance(p.provenance)
            o.endObject()
        }
        o.endArray()
        o.endObject()
        return o.text
    }
}

extension InfoAnswer {
    /// `{"RequestId", "AccessKeyId", who, which service, when, Detail}`; a key with no event in
    /// the window answers with `RequestId` and `AccessKeyId` only.
    /// Without `requestId` (NDJSON), the same object without `RequestId`.
    /// `explain` adds `Provenance` after `Detail` (`--explain`).
    package func json(requestId: String?, pretty: Bool, explain: Bool = false) -> String {
        jsonOutput(requestId: requestId, pretty: pretty, explain: explain).text
    }

    /// The encoder holding `json`'s text.
    func jsonOutput(requestId: String?, pretty: Bool, explain: Bool = false) -> JSONOutput {
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        if let requestId { o.string("RequestId", requestId) }
        o.string("AccessKeyId", accessKey)
        if let p = latest {
            let who = EventIdentity(detail: p.detail)
            o.string("AccountId", who.accountId)
            o.string("OwnerId", who.principalId)
            o.string("AccountType", who.type)
            o.string("UserName", who.answeredUserName)
            p.write([.serviceName, .serviceNameCn, .serviceNameEn, .source, .usedTimestamp, .detail], to: &o)
            if explain { o.provenance(p.provenance) }
        }
        o.endObject()
        return o
    }
}

extension ListingAnswer {
    /// `{"RequestId", "NextToken", "<List>": [...]}`; `explain` adds each row's `Provenance`.
    package func json(requestId: String, pretty: Bool, explain: Bool = false) -> String {
        jsonOutput(requestId: requestId, pretty: pretty, explain: explain).text
    }

    /// The encoder holding `json`'s text.
    func jsonOutput(requestId: String, pretty: Bool, explain: Bool = false) -> JSONOutput {
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        o.string("RequestId", requestId)
        o.string("NextToken", nextToken)
        o.beginArray(listing.listName)
        for r in rows {
            o.beginObject()
            write(r, to: &o)
            if explain { o.provenance(r.provenance) }
            o.endObject()
        }
        o.endArray()
        o.endObject()
        return o
    }

    /// NDJSON: one compact object per row, `AccessKeyId` and `ServiceName` first (`explain`:
    /// `Provenance` last).
    package func rowsJSON(explain: Bool = false) -> [String] {
        rows.map { r in
            var o = JSONOutput(pretty: false)
            o.beginObject()
            o.string("AccessKeyId", accessKey)
            o.string("ServiceName", service)
            write(r, to: &o)
            if explain { o.provenance(r.provenance) }
            o.endObject()
            return o.text
        }
    }

    /// A row's members, in the response's order.
    func write(_ r: DimensionRow, to o: inout JSONOutput) {
        r.detail.withUnsafeBytes { o.string("Detail", bytes: $0) }
        for field in listing.nameFields { o.string(field.member, field.isSub ? r.sub : r.name) }
        o.string("Source", r.source.rawValue)
        o.int("UsedTimestamp", r.timestamp)
    }
}

extension Product {
    /// A member of a product in a response body; Products and Info write the same members in
    /// their own orders.
    enum Member {
        case usedTimestamp, detail, source, serviceName, serviceNameCn, serviceNameEn
    }

    /// Writes `members` of this product, in that order.
    func write(_ members: [Member], to o: inout JSONOutput) {
        for m in members {
            switch m {
            case .usedTimestamp: o.int("UsedTimestamp", usedTimestamp)
            case .detail: detail.withUnsafeBytes { o.string("Detail", bytes: $0) }
            case .source: o.string("Source", source.rawValue)
            case .serviceName: o.string("ServiceName", serviceName)
            case .serviceNameCn: o.string("ServiceNameCn", serviceNameCn)
            case .serviceNameEn: o.string("ServiceNameEn", serviceNameEn)
            }
        }
    }
}
