import KeytrailScan

extension ProductsAnswer {
    /// The API response body: `{"RequestId", "Products": [...]}` (with `AccessKeyId` first when asked).
    package func json(requestId: String, pretty: Bool, includeAccessKeyId: Bool = false) -> String {
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        if includeAccessKeyId { o.string("AccessKeyId", accessKey) }
        o.string("RequestId", requestId)
        o.beginArray("Products")
        for p in products {
            o.beginObject()
            o.int("UsedTimestamp", p.usedTimestamp)
            p.detail.withUnsafeBytes { o.string("Detail", bytes: $0) }
            o.string("Source", p.source.rawValue)
            o.string("ServiceName", p.serviceName)
            o.string("ServiceNameCn", p.serviceNameCn)
            o.string("ServiceNameEn", p.serviceNameEn)
            o.endObject()
        }
        o.endArray()
        o.endObject()
        return o.text
    }

    /// A table for people: service, last use (UTC), source, English name.
    package func table() -> String {
        let header = ["SERVICE", "LAST USED (UTC)", "SOURCE", "NAME"]
        let rows = products.map {
            [$0.serviceName, Timestamp.format($0.usedTimestamp, millis: true), $0.source.rawValue, $0.serviceNameEn]
        }
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cols: [String]) -> String {
            var s = ""
            for (i, c) in cols.enumerated() {
                s += i == cols.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count + 2)
            }
            return s
        }
        var out = [line(header)] + rows.map(line)
        out.append(
            "\(products.count) service(s) used by \(accessKey) in the \(window.days)-day window ending "
                + Timestamp.format(window.asOf, millis: true))
        return out.joined(separator: "\n")
    }
}
