import KeytrailQuery
import KeytrailScan

extension ProductsAnswer {
    /// A table for people: service, last use (UTC), source, English name.
    func table() -> String {
        TextTable(
            header: ["SERVICE", "LAST USED (UTC)", "SOURCE", "NAME"],
            rows: products.map {
                [
                    $0.serviceName, Timestamp.format($0.usedTimestamp, millis: true), $0.source.rawValue,
                    $0.serviceNameEn,
                ]
            },
            footer: "\(products.count) service(s) used by \(accessKey) in the \(window.days)-day window ending "
                + Timestamp.format(window.asOf, millis: true)
        ).render()
    }
}
