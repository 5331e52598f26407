import KeytrailScan
import KeytrailStore

extension APIService {
    /// `answer` with each row's provenance read (`--explain`): where its event was read.
    package func explained(_ answer: Answer) throws(QueryError) -> Answer {
        switch answer {
        case .products(var a):
            let found = try QueryError.reading(
                try reader.provenance(
                    key: a.accessKey, events: a.products.map { ($0.serviceName, $0.usedTimestamp, $0.eventId) }))
            for i in a.products.indices { a.products[i].provenance = found[i] }
            return .products(a)
        case .info(var a):
            if let p = a.latest {
                a.latest?.provenance = try QueryError.reading(
                    try reader.provenance(key: a.accessKey, events: [(p.serviceName, p.usedTimestamp, p.eventId)]))[0]
            }
            return .info(a)
        case .listing(var a):
            let found = try QueryError.reading(
                try reader.provenance(key: a.accessKey, events: a.rows.map { (a.service, $0.timestamp, $0.eventId) }))
            for i in a.rows.indices { a.rows[i].provenance = found[i] }
            return .listing(a)
        }
    }
}

extension JSONOutput {
    /// `"Provenance": {"File": …, "Line": …, "Column": …}`, or `null` when unknown (`--explain`).
    mutating func provenance(_ p: Provenance?) {
        guard let p else { return null("Provenance") }
        beginObject("Provenance")
        string("File", String(decoding: p.file, as: UTF8.self))
        int("Line", p.line)
        int("Column", p.column)
        endObject()
    }
}
