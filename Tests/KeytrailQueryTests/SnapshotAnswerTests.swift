import CSQLite
import KeytrailQuery
import KeytrailScan
import TestSupport
import Testing

@testable import KeytrailStore

@Suite("Answers read one snapshot")
struct SnapshotAnswerTests {
    static let key = "LTAI5tSNAPSHOT000000000"

    /// Another connection to the index, which commits when the answer's reader begins the
    /// statement that reads the key's rows (SQLite's statement trace: after the window's read of
    /// the newest event, before the rows).
    final class CommitBetweenReads: @unchecked Sendable {
        let other: Database
        var fired = false
        init(_ other: Database) { self.other = other }
    }

    @Test func anAnswerReadsOneCommit() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("i.sqlite")
        do {
            let w = try IndexWriter(path: path)
            try w.begin()
            var k = Self.key, s = "Ecs", id = "E1", d = "{}"
            try k.withUTF8 { kb in
                try s.withUTF8 { sb in
                    try id.withUTF8 { ib in
                        try d.withUTF8 { db in
                            try w.offerProduct(
                                key: .init(kb), service: .init(sb), timestamp: 1_790_000_000_000, eventId: .init(ib),
                                source: .management, detail: .init(db))
                        }
                    }
                }
            }
            try w.noteTimestamp(1_790_000_000_000)
            try w.commit()
        }
        // An ingest beside the server writes through the WAL, which a reader's transaction does not
        // hold up.
        let other = try Database(path: path)
        try other.execute("PRAGMA journal_mode=WAL")
        let reader = try IndexReader(path: path, followsIngests: true)
        let service = APIService(reader: reader, catalog: ServiceCatalog(), asOf: .latest, days: 400)
        let hook = CommitBetweenReads(other)
        sqlite3_trace_v2(
            reader.db.handle, UInt32(SQLITE_TRACE_STMT),
            { _, context, _, sql in
                let hook = Unmanaged<CommitBetweenReads>.fromOpaque(context!).takeUnretainedValue()
                let text = String(cString: sql!.assumingMemoryBound(to: CChar.self))
                if !hook.fired, text.contains("JOIN event_details") {
                    hook.fired = true
                    try? hook.other.execute("DELETE FROM dims WHERE kind = 0")
                }
                return 0
            }, Unmanaged.passUnretained(hook).toOpaque())
        defer { sqlite3_trace_v2(reader.db.handle, 0, nil, nil) }
        func products() throws -> Int {
            guard case .products(let a) = try service.answer(.products, ["AccessKey": Self.key]) else {
                Issue.record("not a products answer")
                return -1
            }
            return a.products.count
        }
        // The commit landed between the answer's reads, and the answer reads the commit before it.
        #expect(try products() == 1)
        #expect(hook.fired)
        #expect(try other.scalarInt("SELECT count(*) FROM dims") == 0)
        // The next answer sees it.
        #expect(try products() == 0)
    }
}
