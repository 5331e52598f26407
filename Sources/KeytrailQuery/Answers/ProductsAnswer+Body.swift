import KeytrailScan

extension ProductsAnswer {
    /// The body `json(requestId:pretty:includeAccessKeyId:)` returns, as UTF-8 bytes, written in
    /// one buffer (the server's hot path: a hit carries tens of KB of Detail; see `jsonBody`).
    /// `boundedUpTo`: `jsonBody`'s limit for a body written in one pass.
    package func jsonBytes(
        requestId: String, pretty: Bool, includeAccessKeyId: Bool = false, boundedUpTo limit: Int = 1 << 20
    ) -> [UInt8] {
        jsonBody(
            bound: { layout(requestId: requestId, pretty: pretty, includeAccessKeyId: includeAccessKeyId, into: &$0) },
            count: { layout(requestId: requestId, pretty: pretty, includeAccessKeyId: includeAccessKeyId, into: &$0) },
            write: { layout(requestId: requestId, pretty: pretty, includeAccessKeyId: includeAccessKeyId, into: &$0) },
            boundedUpTo: limit)
    }

    /// `JSONOutput`'s layout of the answer (two-space indentation when `pretty`; nothing between
    /// tokens otherwise), member by member in the response's order (`ProductsAnswer.members`).
    func layout<Sink: JSONBodySink>(
        requestId: String, pretty: Bool, includeAccessKeyId: Bool, into s: inout Sink
    ) {
        func member(_ key: StaticString, depth: Int, first: Bool) {
            if !first { s.raw(",") }
            if pretty {
                s.raw("\n")
                s.spaces(2 * depth)
            }
            s.raw(key)
            s.raw(pretty ? ": " : ":")
        }
        s.raw("{")
        if includeAccessKeyId {
            member("\"AccessKeyId\"", depth: 1, first: true)
            s.quoted(accessKey)
        }
        member("\"RequestId\"", depth: 1, first: !includeAccessKeyId)
        s.quoted(requestId)
        member("\"Products\"", depth: 1, first: false)
        s.raw("[")
        for (i, p) in products.enumerated() {
            if i > 0 { s.raw(",") }
            if pretty {
                s.raw("\n")
                s.spaces(4)
            }
            s.raw("{")
            member("\"UsedTimestamp\"", depth: 3, first: true)
            s.int(p.usedTimestamp)
            member("\"Detail\"", depth: 3, first: false)
            s.quoted(p.detail)
            member("\"Source\"", depth: 3, first: false)
            s.quoted(p.source.rawValue)
            member("\"ServiceName\"", depth: 3, first: false)
            s.quoted(p.serviceName)
            member("\"ServiceNameCn\"", depth: 3, first: false)
            s.quoted(p.serviceNameCn)
            member("\"ServiceNameEn\"", depth: 3, first: false)
            s.quoted(p.serviceNameEn)
            if pretty {
                s.raw("\n")
                s.spaces(4)
            }
            s.raw("}")
        }
        if pretty && !products.isEmpty {
            s.raw("\n")
            s.spaces(2)
        }
        s.raw("]")
        if pretty { s.raw("\n") }
        s.raw("}")
    }
}
