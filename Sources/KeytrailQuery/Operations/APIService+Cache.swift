import KeytrailStore

extension APIService {
    /// GetAccessKeyLastUsedProducts or …Info as the server sends it, from `cache` when it keeps
    /// the answer for this commit and window; else answered, and kept. One snapshot: the commit
    /// the cache is asked about is the one the answer reads (nothing is kept or sent again where
    /// the reads could not be one transaction). The notes are empty, as the server's are.
    func cached(
        _ action: APIAction, _ p: [String: String], requestId: String, cache: AnswerCache
    ) throws(QueryError) -> APIResult {
        try reader.snapshot { () throws(QueryError) -> APIResult in
            let key = try Self.accessKey(p)
            // The commit's identity is read only for a key the cache may hold, or once there is
            // something to keep (an unknown key's answer never is).
            var commit: IndexCommit?
            let window = try window()
            if cache.mayHold(action, key: key) { commit = try QueryError.reading(try reader.commitRead()) }
            if let commit,
                let (head, tail) = cache.parts(action, key: key, commit: commit, window: window, requestId: requestId)
            {
                var result = APIResult(status: 200, bodyBytes: head, code: nil, notes: [])
                result.bodyTail = tail
                return result
            }
            let answer: Answer
            let asOfs: Range<Int64>
            let kept: Bool
            if action == .info {
                let a = try info(key: key, window: window)
                (answer, asOfs, kept) = (.info(a), a.sameAsOfs, a.latest != nil)
            } else {
                let a = try products.answer(key: key, window: window, asked: asked)
                (answer, asOfs, kept) = (.products(a), a.sameAsOfs, !a.products.isEmpty)
            }
            let result = APIResult(answer, requestId: requestId)
            if kept, commit == nil { commit = try QueryError.reading(try reader.commitRead()) }
            if let commit, kept {
                cache.keep(
                    action, key: key, days: window.days, asOfs: asOfs, body: result.bodyBytes, requestId: requestId,
                    commit: commit)
            }
            return result
        }
    }
}
