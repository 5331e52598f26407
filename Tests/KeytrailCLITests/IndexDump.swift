import KeytrailStore

/// All rows of an index (products and siblings, with their events' Details as text — each index
/// compresses them with its own dictionary — reference counts and provenance, then the activity
/// rows), sorted, for comparing the index of one run with another's.
func dump(_ db: String) throws -> [String] {
    let d = try Database(path: db, readOnly: true)
    let s = try d.prepare(
        """
        SELECT d.key, d.kind, d.service, d.name, d.sub, d.ts, d.event_id, e.source, e.refs, e.detail,
            quote(n.name), e.line, e.col
        FROM dims d LEFT JOIN event_details e
        ON e.key = d.key AND e.service = d.service AND e.ts = d.ts AND e.event_id = d.event_id
        LEFT JOIN file_names n ON n.id = e.file
        ORDER BY d.key, d.kind, d.service, d.name, d.sub
        """)
    var out: [String] = []
    let codec = DetailCodec(reading: d)
    while try s.step() {
        let detail =
            s.isNull(9)
            ? "" : s.isBlob(9) ? String(decoding: s.withBytes(9) { codec.decode($0) } ?? [], as: UTF8.self) : s.text(9)
        out.append(
            ((0..<9).map { s.text(Int32($0)) } + [detail] + (10..<13).map { s.text(Int32($0)) }).joined(separator: "|"))
    }
    let a = try d.prepare("SELECT key, service, day, event_id, ts FROM activity ORDER BY key, service, day, event_id")
    while try a.step() { out.append("activity|" + (0..<5).map { a.text(Int32($0)) }.joined(separator: "|")) }
    return out
}
