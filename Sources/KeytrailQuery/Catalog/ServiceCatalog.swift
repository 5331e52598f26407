/// English and Chinese display names of services (`ServiceNameEn` / `ServiceNameCn`).
///
/// Lookup is exact, then ASCII case-insensitive; unknown services, and each empty name of a row on
/// its own, fall back to the ServiceName itself.
package struct ServiceCatalog: Sendable {
    private var exact: [String: (en: String, cn: String)] = [:]
    private var folded: [String: (en: String, cn: String)] = [:]

    /// The built-in catalog.
    package init() {
        for (name, en, cn) in Self.builtIn { add(name, en, cn) }
    }

    /// The built-in catalog with rows from a user's TSV (`serviceName<TAB>en<TAB>cn`, optional header
    /// row starting with `serviceName`, `#` comments) added or overriding.
    package init(overrides tsv: String) throws(QueryError) {
        self.init()
        var lineNumber = 0
        // Split on scalars: "\r\n" is one Character in Swift.
        for raw in tsv.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Substring(raw.last == "\r" ? raw.dropLast() : raw)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if lineNumber == 1 && cols.first == "serviceName" { continue }
            guard cols.count >= 2, !cols[0].isEmpty else {
                throw .malformedLine(
                    line: lineNumber, message: "expected serviceName<TAB>English name[<TAB>Chinese name]")
            }
            add(cols[0], cols[1], cols.count > 2 ? cols[2] : "")
        }
    }

    private mutating func add(_ name: String, _ en: String, _ cn: String) {
        exact[name] = (en, cn)
        folded[Self.fold(name)] = (en, cn)
    }

    /// (ServiceNameEn, ServiceNameCn) for `service`.
    package func names(for service: String) -> (en: String, cn: String) {
        let row = exact[service] ?? folded[Self.fold(service)]
        let en = row?.en ?? ""
        let cn = row?.cn ?? ""
        return (en.isEmpty ? service : en, cn.isEmpty ? service : cn)
    }

    static func fold(_ s: String) -> String {
        String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
