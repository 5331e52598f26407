import KeytrailStore

extension APIService {
    /// GetAccessKeyLastUsedProducts as the server sends it, from `cache` when it keeps the
    /// answer for this commit and window; else answered, and kept. One snapshot: the commit
    /// the cache is asked about is the one the answer reads (nothing is kept or sent again where
    /// the reads could not be one transaction). The notes are empty, as the server's are.
    func products(_ p: [String: String], requestId: String, cache: AnswerCache) throws(QueryError) -> APIResult {
        try reader.snapshot { () throws(QueryError) -> APIResult in
            let key = try Self.accessKey(p)
            let commit = try QueryError.reading(try reader.commitRead())
            let window = try window()
            if let commit, let body = cache.body(key: key, commit: commit, window: window, requestId: requestId) {
                return APIResult(status: 200, bodyBytes: body, code: nil, notes: [])
            }
            let answer = try products.answer(key: key, window: window, asked: asked)
            let result = APIResult(.products(answer), requestId: requestId)
            if let commit { cache.keep(answer, body: result.bodyBytes, requestId: requestId, commit: commit) }
            return result
        }
    }
}
