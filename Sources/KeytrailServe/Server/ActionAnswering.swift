package import KeytrailQuery

/// What a worker asks for an answer: `APIService` (one per worker thread), or a stand-in in tests.
package protocol ActionAnswering: AnyObject {
    /// The answer to `action` with parameters by API name.
    func answer(_ action: APIAction, _ parameters: [String: String], requestId: String) -> APIResult
}

extension APIService: ActionAnswering {}
