// TEMPORARY stand-in on branch `serve` until main's APIService lands (same interface); on merge,
// main's file replaces this one.
import KeytrailStore

/// The five ActionTrail AccessKey-audit actions of version 2020-07-06.
public enum APIAction: String, CaseIterable, Sendable {
    /// GetAccessKeyLastUsedProducts.
    case products = "GetAccessKeyLastUsedProducts"
    /// GetAccessKeyLastUsedInfo.
    case info = "GetAccessKeyLastUsedInfo"
    /// GetAccessKeyLastUsedEvents.
    case events = "GetAccessKeyLastUsedEvents"
    /// GetAccessKeyLastUsedIps.
    case ips = "GetAccessKeyLastUsedIps"
    /// GetAccessKeyLastUsedResources.
    case resources = "GetAccessKeyLastUsedResources"
}

/// One answer: HTTP status, JSON body, error code when an error, notes for stderr.
public struct APIResult: Sendable {
    /// HTTP status.
    public var status: Int
    /// The JSON body.
    public var body: String
    /// The error code, nil for an answer.
    public var code: String?
    /// Notes for stderr.
    public var notes: [String]
}

/// Answers the API actions from the index. Not thread-safe: one per thread.
public final class APIService {
    let query: ProductsQuery
    let asOf: AsOf
    let days: Int

    /// Opens the index read-only.
    public init(dbPath: String, catalog: ServiceCatalog, asOf: AsOf, days: Int) throws {
        query = ProductsQuery(reader: try IndexReader(path: dbPath), catalog: catalog)
        self.asOf = asOf
        self.days = days
    }

    /// The answer to `action` with parameters by API name.
    public func answer(_ action: APIAction, _ parameters: [String: String], requestId: String) -> APIResult {
        let key = parameters["AccessKey"] ?? ""
        if let e = AccessKeyRule.check(key) {
            return APIResult(status: e.httpStatus, body: e.body(requestId: requestId, pretty: true), code: e.code, notes: [])
        }
        guard action == .products else {
            let e = APIError(code: "InvalidApi.NotFound", message: "Specified api is not found, please check your url and method.", httpStatus: 404, detail: "not yet")
            return APIResult(status: 404, body: e.body(requestId: requestId, pretty: true), code: e.code, notes: [])
        }
        do {
            let window = try query.window(asOf: asOf, days: days)
            let a = try query.answer(key: key, window: window)
            return APIResult(status: 200, body: a.json(requestId: requestId, pretty: true), code: nil, notes: a.hiddenNote.map { [$0] } ?? [])
        } catch let r as AsOfRefusal {
            let e = APIError(code: "AsOfBeforeIndexedEvents", message: r.description, httpStatus: 409, detail: r.description)
            return APIResult(status: 409, body: e.body(requestId: requestId, pretty: true), code: e.code, notes: [])
        } catch {
            let e = APIError(code: "InternalError", message: "\(error)", httpStatus: 500, detail: "")
            return APIResult(status: 500, body: e.body(requestId: requestId, pretty: true), code: e.code, notes: [])
        }
    }
}
