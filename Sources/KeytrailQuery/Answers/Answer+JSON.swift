import KeytrailScan
import KeytrailStore

extension Answer {
    /// The response body in the cloud's shape.
    package func json(requestId: String, pretty: Bool) -> String {
        switch self {
        case .products(let a): return a.json(requestId: requestId, pretty: pretty)
        case .info(let a): return a.json(requestId: requestId, pretty: pretty)
        case .listing(let a): return a.json(requestId: requestId, pretty: pretty)
        }
    }
}

extension ProductsAnswer {
    /// `{"RequestId", "Products": [...]}` (with `AccessKeyId` first when asked).
    package func json(requestId: String, pretty: Bool, includeAccessKeyId: Bool = false) -> String {
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        if includeAccessKeyId { o.string("AccessKeyId", accessKey) }
        o.string("RequestId", requestId)
        o.beginArray("Products")
        for p in products {
            o.beginObject()
            p.write(Self.members, to: &o)
            o.endObject()
        }
        o.endArray()
        o.endObject()
        return o.text
    }

    /// A product's members, in the response's order.
    static let members: [Product.Member] = [
        .usedTimestamp, .detail, .source, .serviceName, .serviceNameCn, .serviceNameEn,
    ]

    /// NDJSON: one compact object per product, `AccessKeyId` first.
    package func rowsJSON() -> [String] {
        products.map { p in
            var o = JSONOutput(pretty: false)
            o.beginObject()
            o.string("AccessKeyId", accessKey)
            p.write(Self.members, to: &o)
            o.endObject()
            return o.text
        }
    }
}

extension InfoAnswer {
    /// `{"RequestId", "AccessKeyId", who, which service, when, Detail}`; a key with no event in
    /// the window answers with `RequestId` and `AccessKeyId` only.
    /// Without `requestId` (NDJSON), the same object without `RequestId`.
    package func json(requestId: String?, pretty: Bool) -> String {
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
        }
        o.endObject()
        return o.text
    }
}

extension ListingAnswer {
    /// `{"RequestId", "NextToken", "<List>": [...]}`.
    package func json(requestId: String, pretty: Bool) -> String {
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        o.string("RequestId", requestId)
        o.string("NextToken", nextToken)
        o.beginArray(listing.listName)
        for r in rows {
            o.beginObject()
            write(r, to: &o)
            o.endObject()
        }
        o.endArray()
        o.endObject()
        return o.text
    }

    /// NDJSON: one compact object per row, `AccessKeyId` and `ServiceName` first.
    package func rowsJSON() -> [String] {
        rows.map { r in
            var o = JSONOutput(pretty: false)
            o.beginObject()
            o.string("AccessKeyId", accessKey)
            o.string("ServiceName", service)
            write(r, to: &o)
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
