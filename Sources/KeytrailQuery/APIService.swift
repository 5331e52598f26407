import KeytrailScan
package import KeytrailStore

/// The five operations of ActionTrail 2020-07-06 that keytrail answers.
package enum APIAction: String, CaseIterable, Sendable {
    case products = "GetAccessKeyLastUsedProducts"
    case info = "GetAccessKeyLastUsedInfo"
    case events = "GetAccessKeyLastUsedEvents"
    case ips = "GetAccessKeyLastUsedIps"
    case resources = "GetAccessKeyLastUsedResources"

    /// The listing's dimension (nil for Products and Info).
    var dimension: Dimension? {
        switch self {
        case .products, .info: return nil
        case .events: return .event
        case .ips: return .ip
        case .resources: return .resource
        }
    }
}

/// One answer, as the cloud would send it.
package struct APIResult: Sendable {
    /// The HTTP status (200, or the error's).
    package var status: Int
    /// The response body: the answer, or the error body.
    package var body: String
    /// The error code; nil for an answer.
    package var code: String?
    /// For the terminal (stderr): the error's detail, or notes that go with an answer.
    package var notes: [String]

    /// An answer or an error as it will be sent.
    package init(status: Int, body: String, code: String?, notes: [String]) {
        self.status = status
        self.body = body
        self.code = code
        self.notes = notes
    }

    /// `error` answered with `requestId`.
    package init(_ error: APIError, requestId: String) {
        self.init(
            status: error.httpStatus, body: error.body(requestId: requestId, pretty: true), code: error.code,
            notes: [error.detail])
    }
}

/// Answers the operations from the index: the one code path of the command line and the server.
/// Not thread-safe: it owns one read connection; use one per thread.
package final class APIService {
    /// The Products query under this service (for the table and `--keys-from` forms).
    package let products: ProductsQuery
    /// The index connection.
    package let reader: IndexReader
    let catalog: ServiceCatalog
    let asOf: AsOf
    let days: Int

    /// The service over the index at `dbPath`, answering with `asOf` and `days` by default.
    package convenience init(dbPath: String, catalog: ServiceCatalog, asOf: AsOf, days: Int) throws {
        try self.init(reader: IndexReader(path: dbPath), catalog: catalog, asOf: asOf, days: days)
    }

    /// The service over an open index.
    package init(reader: IndexReader, catalog: ServiceCatalog, asOf: AsOf, days: Int) {
        self.reader = reader
        self.catalog = catalog
        self.asOf = asOf
        self.days = days
        products = ProductsQuery(reader: reader, catalog: catalog)
    }

    /// The answer to `action` with the API's `parameters` (`AccessKey`, `ServiceName`,
    /// `PageSize`, `NextToken`).
    package func answer(_ action: APIAction, _ parameters: [String: String], requestId: String) -> APIResult {
        do {
            return try answerOrThrow(action, parameters, requestId: requestId)
        } catch let e as APIError {
            return APIResult(e, requestId: requestId)
        } catch let r as AsOfRefusal {
            let e = APIError(
                code: "AsOfBeforeIndexedEvents", message: r.description, httpStatus: 409, detail: r.description)
            return APIResult(e, requestId: requestId)
        } catch {
            let e = APIError(
                code: "InternalError", message: "The request processing has failed due to some unknown error.",
                httpStatus: 500, detail: "\(error)")
            return APIResult(e, requestId: requestId)
        }
    }

    func answerOrThrow(_ action: APIAction, _ p: [String: String], requestId: String) throws -> APIResult {
        let key = p["AccessKey"] ?? ""
        if let e = AccessKeyRule.check(key) { throw e }
        guard let kind = action.dimension else {
            let window = try products.window(asOf: asOf, days: days)
            // Info needs one Detail: the others are not inflated.
            let answer = try products.answer(key: key, window: window, details: action == .products)
            let notes = answer.hiddenNote.map { [$0] } ?? []
            if action == .products {
                return APIResult(
                    status: 200, body: answer.json(requestId: requestId, pretty: true), code: nil, notes: notes)
            }
            return APIResult(status: 200, body: try info(answer, requestId: requestId), code: nil, notes: notes)
        }
        let service = p["ServiceName"] ?? ""
        if service.isEmpty { throw APIError.invalidQueryParameter("ServiceName is missing or empty") }
        guard try reader.keepsSiblings() else {
            throw IndexError.noSiblings(operation: action.rawValue)
        }
        let pageSize = try Self.pageSize(p["PageSize"])
        let secret = try reader.tokenKey()
        let listing = PageToken.listing(key: key, service: service)
        var window: Window
        var after: PageToken?
        if let text = p["NextToken"], !text.isEmpty {
            guard let t = PageToken.open(text, with: secret), t.kind == kind, t.listing == listing else {
                throw APIError.invalidQueryParameter("NextToken is not a token of this listing (or was changed)")
            }
            // Later pages keep the first page's window; its as-of check was made then.
            window = Window(asOf: t.asOf, days: t.days)
            after = t
        } else {
            window = try products.window(asOf: asOf, days: days)
            let newest = try reader.products(key: key, details: false).map(\.timestamp).max()
            if let newest, newest > window.asOf {
                throw AsOfRefusal(accessKey: key, asOf: window.asOf, newest: newest)
            }
        }
        // Rows are placed, filtered and cut at their position as of the first page's generation,
        // so a commit between pages neither repeats nor skips one; they show their latest event.
        let (all, generation, pruned) = try reader.dimension(
            key: key, kind, service: service, generation: after?.generation)
        if let after, after.generation < pruned {
            throw APIError.invalidQueryParameter(
                "NextToken has expired (the index keeps a day of moved rows for paging); start again without NextToken")
        }
        var rows = all.filter { window.contains($0.position) }.sorted(by: Self.precedes)
        if let after {
            var cursor = DimensionRow(
                name: after.name, sub: after.sub, timestamp: after.timestamp, eventId: "", source: .internal, detail: []
            )
            cursor.position = after.timestamp
            rows.removeAll { !Self.precedes(cursor, $0) }
        }
        var notes: [String] = []
        if after == nil, rows.isEmpty, let last = all.max(by: { $0.position < $1.position }) {
            notes.append(
                "\(key) was last used for \(service) \(Timestamp.format(last.timestamp, millis: true)), before the "
                    + "\(window.days)-day window \(Timestamp.format(window.start, millis: true)) .. "
                    + "\(Timestamp.format(window.asOf, millis: true)); \(all.count) row(s) hidden")
        }
        var next = ""
        if rows.count > pageSize {
            rows.removeLast(rows.count - pageSize)
            let last = rows[rows.count - 1]
            next = PageToken(
                kind: kind, listing: listing, asOf: window.asOf, days: window.days,
                generation: after?.generation ?? generation,
                timestamp: last.position, name: last.name, sub: last.sub
            ).seal(with: secret)
        }
        return APIResult(
            status: 200, body: Self.listing(action, rows, next: next, requestId: requestId), code: nil, notes: notes)
    }

    /// The listing order: UsedTimestamp (as of the listing's generation) descending, then name
    /// (and resource name) ascending by bytes.
    static func precedes(_ a: DimensionRow, _ b: DimensionRow) -> Bool {
        if a.position != b.position { return a.position > b.position }
        // Bytes, not String equality (which equates canonically equivalent Unicode).
        if !a.name.utf8.elementsEqual(b.name.utf8) { return a.name.utf8.lexicographicallyPrecedes(b.name.utf8) }
        return a.sub.utf8.lexicographicallyPrecedes(b.sub.utf8)
    }

    /// `PageSize`: absent, empty or 0 mean 20; 1–100 are taken; anything else is refused.
    static func pageSize(_ text: String?) throws -> Int {
        guard let text, !text.isEmpty else { return defaultPageSize }
        guard text.utf8.count <= 3, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(text), n <= 100
        else { throw APIError.invalidQueryParameter("PageSize must be an integer from 0 to 100, got '\(text)'") }
        return n == 0 ? defaultPageSize : n
    }

    /// Rows per page when none is asked.
    package static let defaultPageSize = 20

    /// `{"RequestId", "NextToken", "<List>": [...]}` in the cloud's shape.
    static func listing(_ action: APIAction, _ rows: [DimensionRow], next: String, requestId: String) -> String {
        var o = JSONOutput(pretty: true)
        o.beginObject()
        o.string("RequestId", requestId)
        o.string("NextToken", next)
        let list: String
        switch action {
        case .events: list = "Events"
        case .ips: list = "Ips"
        default: list = "Resources"
        }
        o.beginArray(list)
        for r in rows {
            o.beginObject()
            r.detail.withUnsafeBytes { o.string("Detail", bytes: $0) }
            switch action {
            case .events: o.string("EventName", r.name)
            case .ips: o.string("Ip", r.name)
            default:
                o.string("ResourceName", r.sub)
                o.string("ResourceType", r.name)
            }
            o.string("Source", r.source.rawValue)
            o.int("UsedTimestamp", r.timestamp)
            o.endObject()
        }
        o.endArray()
        o.endObject()
        return o.text
    }

    /// GetAccessKeyLastUsedInfo: the key's latest event in the window, with who made it. A key
    /// with none answers with `RequestId` and `AccessKeyId` only.
    func info(_ answer: ProductsAnswer, requestId: String) throws -> String {
        var o = JSONOutput(pretty: true)
        o.beginObject()
        o.string("RequestId", requestId)
        o.string("AccessKeyId", answer.accessKey)
        // Products are ordered newest first; on a tie in time the greater (eventId, Detail) is the latest.
        let newest = answer.products.first?.usedTimestamp
        var tied = answer.products.filter { $0.usedTimestamp == newest }
        // Rare: a tie on time and eventId across services is broken by the Details' text.
        if tied.count > 1 {
            for i in tied.indices {
                tied[i].detail = try reader.detail(
                    of: ProductRow(
                        service: tied[i].serviceName, timestamp: tied[i].usedTimestamp, eventId: tied[i].eventId,
                        source: tied[i].source, detail: []), key: answer.accessKey)
            }
        }
        let latest = tied.max { a, b in
            !a.eventId.utf8.elementsEqual(b.eventId.utf8)
                ? a.eventId.utf8.lexicographicallyPrecedes(b.eventId.utf8)
                : a.detail.lexicographicallyPrecedes(b.detail)
        }
        if var p = latest {
            if p.detail.isEmpty {
                p.detail = try reader.detail(
                    of: ProductRow(
                        service: p.serviceName, timestamp: p.usedTimestamp, eventId: p.eventId, source: p.source,
                        detail: []), key: answer.accessKey)
            }
            let who = EventIdentity(detail: p.detail)
            o.string("AccountId", who.accountId)
            o.string("OwnerId", who.principalId)
            o.string("AccountType", who.type)
            o.string("UserName", who.answeredUserName)
            o.string("ServiceName", p.serviceName)
            o.string("ServiceNameCn", p.serviceNameCn)
            o.string("ServiceNameEn", p.serviceNameEn)
            o.string("Source", p.source.rawValue)
            o.int("UsedTimestamp", p.usedTimestamp)
            p.detail.withUnsafeBytes { o.string("Detail", bytes: $0) }
        }
        o.endObject()
        return o.text
    }
}
