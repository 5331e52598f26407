import KeytrailScan
import KeytrailStore

extension APIService {
    /// `answer` with each row's provenance read (`--explain`): where its event was read; a note
    /// says how many rows have none, and why.
    package func explained(_ answer: Answer) throws(QueryError) -> Answer {
        func read(_ key: String, _ events: [(String, Int64, String)]) throws(QueryError) -> [Provenance?] {
            try QueryError.reading(try reader.provenance(key: key, events: events))
        }
        func note(_ found: [Provenance?]) -> [String] {
            let unknown = found.filter { $0 == nil }.count
            guard unknown > 0 else { return [] }
            return [
                "\(unknown) of \(found.count) row(s) have no provenance (\"Provenance\": null, an empty FROM): their "
                    + "events were stored before keytrail kept it; ingesting their files again records it"
            ]
        }
        switch answer {
        case .products(var a):
            let found = try read(a.accessKey, a.products.map { ($0.serviceName, $0.usedTimestamp, $0.eventId) })
            for i in a.products.indices { a.products[i].provenance = found[i] }
            a.notes += note(found)
            return .products(a)
        case .info(var a):
            if let p = a.latest {
                let found = try read(a.accessKey, [(p.serviceName, p.usedTimestamp, p.eventId)])
                a.latest?.provenance = found[0]
                a.notes += note(found)
            }
            return .info(a)
        case .listing(var a):
            let found = try read(a.accessKey, a.rows.map { (a.service, $0.timestamp, $0.eventId) })
            for i in a.rows.indices { a.rows[i].provenance = found[i] }
            a.notes += note(found)
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
