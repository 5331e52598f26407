package import KeytrailScan

extension IndexReader {
    /// Where each of `events` (service, time, eventId of `key`) was read, in order: nil for an
    /// event not stored, or stored before provenance was kept (schema v2) and not read since.
    package func provenance(key: String, events: [(service: String, timestamp: Int64, eventId: String)])
        throws(IndexError) -> [Provenance?]
    {
        followIfReplaced()
        guard byKey != nil, !events.isEmpty else { return events.map { _ in nil } }
        let q = try IndexError.wrapping { () throws(SQLiteError) in
            try db.prepare(
                """
                SELECT n.name, e.line, e.col FROM event_details e JOIN file_names n ON n.id = e.file
                WHERE e.key = ?1 AND e.service = ?2 AND e.ts = ?3 AND e.event_id = ?4
                """)
        }
        var out: [Provenance?] = []
        for event in events {
            defer { q.reset() }
            q.bindText(1, key)
            q.bindText(2, event.service)
            q.bind(3, event.timestamp)
            q.bindText(4, event.eventId)
            out.append(try step(q) ? Provenance(file: q.bytes(0), line: q.int64(1), column: q.int64(2)) : nil)
        }
        return out
    }
}
