import Foundation
import KeytrailIngest
import KeytrailSynth
import TestSupport

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

/// Every row of the index, sorted.
func rows(_ path: String) throws -> [Row] {
    let db = try Database(path: path, readOnly: true)
    let s = try db.prepare("SELECT key, service, ts, event_id, source, detail FROM products ORDER BY key, service")
    var out: [Row] = []
    while try s.step() {
        out.append(
            Row(
                key: s.text(0), service: s.text(1), timestamp: s.int64(2), eventId: s.text(3), source: s.int64(4),
                detail: s.text(5)))
    }
    return out
}

/// Ingests `paths` into `dir/index.sqlite`.
@discardableResult
func ingest(
    _ dir: TemporaryDirectory, _ paths: [String], db: String = "index.sqlite", jobs: Int = 2, batchFiles: Int = 256,
    until: Int64? = nil
) throws -> IngestReport {
    var options = IngestOptions(databasePath: dir.file(db), until: until, jobs: jobs)
    options.batchFiles = batchFiles
    return try Ingester(options: options).run(paths: paths.map { Array($0.utf8) })
}

/// gzip of `text` (via the generator's writer).
func gzip(_ text: String) -> [UInt8] {
    GzipWriter.compress(Array(text.utf8))
}
