import Foundation
import KeytrailExtract
import KeytrailIngest
import KeytrailSynth
import TestSupport
import Testing

@testable import KeytrailStore

/// One event as compact JSON text.
func event(
    key: String? = "LTAI5tKEY1", service: String? = "Ecs", time: String? = "2024-05-01T00:00:00Z",
    id: String = "E1", category: String? = nil, type: String? = "ApiCall", extra: String = ""
) -> String {
    var parts: [String] = ["\"eventId\":\"\(id)\""]
    if let type { parts.append("\"eventType\":\"\(type)\"") }
    if let category { parts.append("\"eventCategory\":\"\(category)\"") }
    if let key { parts.append("\"userIdentity\":{\"type\":\"ram-user\",\"accessKeyId\":\"\(key)\"}") }
    if let service { parts.append("\"serviceName\":\"\(service)\"") }
    if let time { parts.append("\"eventTime\":\"\(time)\"") }
    if !extra.isEmpty { parts.append(extra) }
    return "{" + parts.joined(separator: ",") + "}"
}

/// `text` as a JSON string literal.
func quoted(_ text: String) -> String {
    var out = "\""
    for c in text.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(c)
        }
    }
    return out + "\""
}

/// A row of the products table.
struct Row: Equatable, CustomStringConvertible {
    var key: String
    var service: String
    var timestamp: Int64
    var eventId: String
    var source: Int64
    var detail: String
    var description: String { "\(key)/\(service)@\(timestamp) \(eventId) src=\(source) \(detail.prefix(60))" }
}

/// The index's code for each `Source` the reference model names.
let storedSource: [String: Int64] = ["ManagementEvent": 0, "DataEvent": 1, "Internal": 2]

/// Every row of the index, sorted.
func rows(_ path: String) throws -> [Row] {
    let db = try Database(path: path, readOnly: true)
    let s = try db.prepare("SELECT key, service, ts, event_id, source, detail FROM products ORDER BY key, service")
    var out: [Row] = []
    while try s.step() {
        out.append(
            Row(
                key: s.text(0), service: s.text(1), timestamp: s.int64(2), eventId: s.text(3), source: s.int64(4),
                detail: storedText(s, 5, DetailCodec(reading: db))))
    }
    return out
}

/// Ingests `paths` into `dir/index.sqlite`.
@discardableResult
func ingest(
    _ dir: TemporaryDirectory, _ paths: [String], db: String = "index.sqlite", jobs: Int = 2, batchFiles: Int = 256,
    batchBytes: Int? = nil, until: Int64? = nil
) throws -> IngestReport {
    var options = IngestOptions(databasePath: dir.file(db), until: until, jobs: jobs)
    options.batchFiles = batchFiles
    if let batchBytes { options.batchBytes = batchBytes }
    // Wait for the lock: a child another test forks in this process holds a copy of the last
    // ingest's lock descriptor until it execs (a flock belongs to the open file, not the fd).
    options.waitForLock = true
    return try Ingester(options: options).run(paths: paths.map { Array($0.utf8) })
}

/// gzip of `text` (via the generator's writer).
func gzip(_ text: String) -> [UInt8] {
    GzipWriter.compress(Array(text.utf8))
}

/// A row of a sibling dimension with its event's Detail.
struct DimensionRowDump: Equatable, CustomStringConvertible {
    var key: String
    var dimension: ReferenceDimension
    var timestamp: Int64
    var eventId: String
    var source: Int64
    var detail: String
    var description: String {
        "\(key)/\(dimension.kind)/\(dimension.service)/\(dimension.name)/\(dimension.sub)@\(timestamp) \(eventId)"
    }
}

/// Every sibling-dimension row of the index, sorted; fails when the Detail store's reference
/// counts disagree with the rows (an orphan, a missing Detail, or a wrong count).
func dimensionRows(_ path: String) throws -> [DimensionRowDump] {
    let db = try Database(path: path, readOnly: true)
    let s = try db.prepare(
        """
        SELECT d.key, d.kind, d.service, d.name, d.sub, d.ts, d.event_id, e.detail, e.source FROM dims d
        LEFT JOIN event_details e ON e.key = d.key AND e.service = d.service AND e.ts = d.ts AND e.event_id = d.event_id WHERE d.kind > 0
        """)
    var out: [DimensionRowDump] = []
    while try s.step() {
        out.append(
            DimensionRowDump(
                key: s.text(0),
                dimension: ReferenceDimension(
                    kind: Int(s.int64(1)), service: s.text(2), name: s.text(3), sub: s.text(4)),
                timestamp: s.int64(5), eventId: s.text(6), source: s.isNull(8) ? -1 : s.int64(8),
                detail: storedText(s, 7, DetailCodec(reading: db))))
    }
    let bad = try db.prepare(
        """
        SELECT count(*) FROM event_details e
        WHERE e.refs != (SELECT count(*) FROM dims d WHERE d.key = e.key AND d.service = e.service AND d.ts = e.ts AND d.event_id = e.event_id)
        """)
    _ = try bad.step()
    #expect(bad.int64(0) == 0, "event_details reference counts disagree with dims rows")
    let missing = try db.prepare(
        "SELECT count(*) FROM dims d WHERE NOT EXISTS (SELECT 1 FROM event_details e WHERE e.key = d.key AND e.service = d.service AND e.ts = d.ts AND e.event_id = d.event_id)"
    )
    _ = try missing.step()
    #expect(missing.int64(0) == 0, "dims rows without their Detail")
    return out.sorted { ($0.key, $0.dimension) < ($1.key, $1.dimension) }
}

/// The model's sibling rows, sorted as `dimensionRows`.
func expectedDimensions(_ records: [SynthRecord]) -> [DimensionRowDump] {
    ReferenceDimensions(records).latest.flatMap { key, rows in
        rows.map { d, p in
            DimensionRowDump(
                key: key, dimension: d, timestamp: p.timestamp, eventId: String(decoding: p.eventId, as: UTF8.self),
                source: storedSource[p.source] ?? -1, detail: String(decoding: p.detail, as: UTF8.self))
        }
    }
    .sorted { ($0.key, $0.dimension) < ($1.key, $1.dimension) }
}

/// A stored Detail as text (inflated when the index stored it compressed).
func storedText(_ s: Statement, _ column: Int32, _ codec: DetailCodec) -> String {
    guard s.isBlob(column) else { return s.text(column) }
    let text = s.withBytes(column) { codec.decode($0) }
    return text.map { String(decoding: $0, as: UTF8.self) } ?? "<corrupt Detail>"
}

/// Every stored event's provenance (its file a local path: the tests ingest by path) and Detail;
/// an event without one is listed with line 0.
func storedProvenance(_ path: String) throws -> [ProvenanceCheck.Stored] {
    let db = try Database(path: path, readOnly: true)
    let s = try db.prepare(
        """
        SELECT n.name, e.line, e.col, e.detail FROM event_details e LEFT JOIN file_names n ON n.id = e.file
        ORDER BY e.key, e.service, e.ts, e.event_id
        """)
    let codec = DetailCodec()
    var out: [ProvenanceCheck.Stored] = []
    while try s.step() {
        let detail = s.isBlob(3) ? s.withBytes(3) { codec.decode($0) } ?? [] : s.bytes(3)
        out.append(
            ProvenanceCheck.Stored(
                path: String(decoding: s.bytes(0), as: UTF8.self), line: Int(s.int64(1)), column: Int(s.int64(2)),
                detail: detail))
    }
    return out
}
