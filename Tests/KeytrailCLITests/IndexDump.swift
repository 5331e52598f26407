import KeytrailStore

/// All rows of an index (products and siblings, with their events' stored Details, reference
/// counts and provenance), sorted, for comparing the index of one run with another's.
func dump(_ db: String) throws -> [String] {
    let d = try Database(path: db, readOnly: true)
    let s = try d.prepare(
        """
        SELECT d.key, d.kind, d.service, d.name, d.sub, d.ts, d.event_id, e.source, e.refs, hex(e.detail),
            quote(n.name), e.line, e.col
        FROM dims d LEFT JOIN event_details e
        ON e.key = d.key AND e.service = d.service AND e.ts = d.ts AND e.event_id = d.event_id
        LEFT JOIN file_names n ON n.id = e.file
        ORDER BY d.key, d.kind, d.service, d.name, d.sub
        """)
    var out: [String] = []
    while try s.step() { out.append((0..<13).map { s.text(Int32($0)) }.joined(separator: "|")) }
    return out
}
