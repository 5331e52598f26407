import Foundation
import KeytrailExtract
import KeytrailIngest
import KeytrailStore
import KeytrailSynth
import TestSupport
import Testing

@Suite("Ingest guarantees")
struct IngestGuaranteeTests {
    @Test func emptyAndWhitespaceFilesAreRejectedAtOneOne() throws {
        let dir = TemporaryDirectory()
        try dir.write("in/empty.json", [])
        try dir.write("in/blank.json", " \n\t\n")
        let report = try ingest(dir, [dir.file("in")])
        #expect(report.rejections.map(\.kind) == [.empty, .empty])
        #expect(report.rejections.allSatisfy { $0.line == 1 && $0.column == 1 })
        #expect(report.filesRejected == 2)
    }

    /// DESIGN: the manifest's times are wall-clock epoch milliseconds (not a monotonic clock).
    @Test func theManifestRecordsWallClockMilliseconds() throws {
        let dir = TemporaryDirectory()
        try dir.write("in/a.json", "[\(event(id: "A"))]")
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        try ingest(dir, [dir.file("in")])
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        let db = try Database(path: dir.file("index.sqlite"), readOnly: true)
        let s = try db.prepare("SELECT ingested_at FROM files")
        #expect(try s.step())
        let at = s.int64(0)
        #expect(before <= at && at <= after, "ingested_at \(at) is not between \(before) and \(after)")
    }

    @Test func malformedDocumentRejectsTheWholeFileWithItsPosition() throws {
        let dir = TemporaryDirectory()
        try dir.write("in/bad.json", "[\n  \(event(id: "A")),\n  {\"eventId\": tru}\n]\n")
        try dir.write("in/good.json", "[\(event(key: "K2"))]")
        let report = try ingest(dir, [dir.file("in")])
        #expect(report.rejections.count == 1)
        let r = try #require(report.rejections.first)
        #expect(r.kind == .json && r.line == 3 && r.column == 15)
        #expect(r.formatted.hasPrefix(dir.file("in/bad.json") + ":3:15: error: "))
        // The good event of the bad file contributed nothing; the other file did.
        #expect(try rows(dir.file("index.sqlite")).map(\.key) == ["K2"])
    }

    @Test func badJsonLineIsRejectedAndTheRestCounts() throws {
        let dir = TemporaryDirectory()
        let lines = [event(key: "K1"), "{\"eventId\": \"x\",}", event(key: "K2") + " trailing", event(key: "K3")]
        try dir.write("in/l.jsonl", lines.joined(separator: "\n") + "\n")
        let report = try ingest(dir, [dir.file("in")])
        #expect(
            report.rejections.map { "\($0.line!):\($0.column!)" } == ["2:17", "3:\(event(key: "K2").utf8.count + 2)"])
        #expect(try rows(dir.file("index.sqlite")).map(\.key) == ["K1", "K3"])
        // Not recorded as done: a rerun reads it and reports it again.
        let again = try ingest(dir, [dir.file("in")])
        #expect(again.rejections.count == 2)
        #expect(again.filesUnchanged == 0)
    }

    @Test func nestedTextErrorsPointAtTheOuterString() throws {
        let dir = TemporaryDirectory()
        try dir.write("in/sls.jsonl", "{\"__topic__\":\"t\",\"event\":\"{\\\"eventId\\\": [}\"}\n")
        let report = try ingest(dir, [dir.file("in")])
        let r = try #require(report.rejections.first)
        #expect(r.line == 1 && r.column == 26)
        #expect(r.message.contains("1:14"))
    }

    /// Bad JSON text inside a string does not end the value around it: a pretty document whose
    /// first line holds such a string is still one document (one rejection, however it is read).
    @Test(arguments: [Int.max, 0])
    func badNestedTextOnTheFirstLineOfADocument(streamAbove above: Int) throws {
        let dir = TemporaryDirectory()
        try dir.write("in/doc.json", "{\"event\": \"x\",\n \"a\": 1}\n")
        var options = IngestOptions(databasePath: dir.file("k-\(above).sqlite"), jobs: 1)
        options.streamAbove = above
        options.streamChunk = 7
        let report = try Ingester(options: options).run(paths: [Array(dir.file("in").utf8)])
        #expect(report.rejections.count == 1, "\(report.rejections.map(\.formatted))")
        #expect(report.rejections.first?.line == 1 && report.rejections.first?.column == 11)
    }

    @Test func truncatedAndCorruptGzipRejectTheWholeFile() throws {
        let dir = TemporaryDirectory()
        let good = gzip("[\(event(key: "K1"))]")
        try dir.write("in/truncated.gz", Array(good.prefix(good.count - 10)))
        var corrupt = good
        corrupt[corrupt.count - 6] ^= 0xFF  // CRC
        try dir.write("in/crc.gz", corrupt)
        try dir.write("in/trailing.gz", good + [0x41, 0x42])
        let report = try ingest(dir, [dir.file("in")])
        #expect(report.rejections.map(\.kind) == [.gzip, .gzip, .gzip])
        #expect(report.rejections.allSatisfy { $0.offset != nil })
        #expect(try rows(dir.file("index.sqlite")).isEmpty)
    }

    @Test func skippedEventsAreCountedNotRejected() throws {
        let dir = TemporaryDirectory()
        let events = [
            event(key: nil), event(key: ""), event(service: nil), event(service: ""),
            event(time: "2024-05-01T00:00:00"), event(time: "2024-05-01T00:00:60Z"), event(time: nil),
            event(key: "OK"),
        ]
        try dir.write("in/a.json", "[" + events.joined(separator: ",\n") + "]")
        let report = try ingest(dir, [dir.file("in")])
        #expect(report.rejections.isEmpty)
        #expect(report.events.read == 8 && report.events.indexed == 1)
        #expect(report.events.skipped(.noAccessKey) == 2)
        #expect(report.events.skipped(.noServiceName) == 2)
        #expect(report.events.skipped(.unparseableTime) == 3)
        #expect(report.notes.map(\.line) == [5, 6, 7])
    }

    @Test func untilBuildsAPointInTimeIndex() throws {
        let dir = TemporaryDirectory()
        try dir.write(
            "in/a.json",
            "[\(event(time: "2024-05-01T00:00:00Z", id: "old")),\(event(time: "2024-06-01T00:00:00Z", id: "new"))]")
        let until = try #require(Timestamp_parse("2024-05-15T00:00:00Z"))
        let report = try ingest(dir, [dir.file("in")], until: until)
        #expect(report.events.skipped(.afterUntil) == 1)
        #expect(try rows(dir.file("index.sqlite")).map(\.eventId) == ["old"])
    }

    @Test func unchangedFilesAndCopiesAreSkipped() throws {
        let dir = TemporaryDirectory()
        let path = try dir.write("in/a.json", "[\(event())]")
        #expect(try ingest(dir, [dir.file("in")]).filesIngested == 1)
        let second = try ingest(dir, [dir.file("in")])
        #expect(second.filesUnchanged == 1 && second.bytesRead == 0)
        // A copy at a new path is recognised by its content.
        try FileManager.default.copyItem(atPath: path, toPath: dir.file("in/copy.json"))
        let third = try ingest(dir, [dir.file("in")])
        #expect(third.filesUnchanged == 1 && third.filesCopies == 1 && third.events.read == 0)
        // A changed file is read again.
        try dir.write("in/a.json", "[\(event(id: "E2"))]")
        let fourth = try ingest(dir, [dir.file("in")])
        #expect(fourth.filesIngested == 1)
    }

    @Test func standardInputIsRead() throws {
        let dir = TemporaryDirectory()
        let result = try Binary.run(
            "keytrail", ["ingest", "--db", dir.file("i.sqlite"), "-"], stdin: gzip(event(key: "STDIN") + "\n"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try rows(dir.file("i.sqlite")).map(\.key) == ["STDIN"])
    }

    @Test func missingPathsAreRejectedAndOthersGoOn() throws {
        let dir = TemporaryDirectory()
        try dir.write("in/a.json", "[\(event())]")
        let report = try ingest(dir, [dir.file("nope"), dir.file("in")])
        #expect(report.rejections.map(\.kind) == [.io])
        #expect(try rows(dir.file("index.sqlite")).count == 1)
    }

    @Test func trapsAtOtherDepthsNeverCount() throws {
        let dir = TemporaryDirectory()
        let trap = """
            {"eventId":"T","accessKeyId":"TOP","requestParameters":{"accessKeyId":"REQ","serviceName":"Nested",\
            "eventTime":"2030-01-01T00:00:00Z"},"responseElements":{"AccessKey":{"AccessKeyId":"RESP"}},\
            "additionalEventData":{"userIdentity":{"accessKeyId":"DEEP"}},"userIdentity":{"sessionContext":\
            {"accessKeyId":"SESSION"},"accessKeyId":"REAL"},"serviceName":"Ecs","eventTime":"2024-05-01T00:00:00Z"}
            """
        try dir.write("in/t.json", trap)
        try ingest(dir, [dir.file("in")])
        let r = try rows(dir.file("index.sqlite"))
        #expect(r.map(\.key) == ["REAL"])
        #expect(r.map(\.service) == ["Ecs"])
        #expect(r.map(\.timestamp) == [1_714_521_600_000])
    }
}

func Timestamp_parse(_ s: String) -> Int64? {
    KeytrailScanTimestamp.parse(s)
}

@Suite("Latest wins")
struct LatestWinsTests {
    @Test func tiesOnTimeBreakByEventIdThenDetailBytesInAnyFileOrder() throws {
        let t = "2024-05-01T00:00:00.5Z"
        let a = event(time: t, id: "B-id")
        let b = event(time: t, id: "A-id")
        let c = event(time: "2024-05-01T00:00:00.500999Z", id: "B-id", extra: "\"copy\":\"sls\"")  // same ms, same id
        let older = event(time: "2024-04-30T23:59:59.999+00:00", id: "Z-id")
        var results: [[Row]] = []
        // One file per commit (ties meet in SQLite) and one batch (ties meet in memory and spill files).
        for batchFiles in [1, 1000] {
            for order in [[a, b, c, older], [older, c, b, a], [b, older, a, c]] {
                let dir = TemporaryDirectory()
                for (i, e) in order.enumerated() { try dir.write("in/\(i).json", e) }
                try ingest(dir, [dir.file("in")], jobs: 1, batchFiles: batchFiles)
                results.append(try rows(dir.file("index.sqlite")))
            }
        }
        #expect(results.allSatisfy { $0 == results[0] })
        // Same (time, id): the greater Detail text as bytes wins ("{\"eventId\":\"B-id\",..." + copy field).
        let winner = [a, c].max { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }!
        #expect(results[0].map(\.detail) == [winner])
        #expect(results[0].map(\.timestamp) == [1_714_521_600_500])
    }

    /// A batch is cut by the bytes its rows hold, not only by their count: with a limit of one
    /// byte every wave of files is its own commit (four files a wave with one job), and the rows
    /// are those of one batch.
    @Test func aBatchIsCutByTheBytesItsRowsHold() throws {
        var indexes: [[Row]] = []
        for batchBytes in [nil, 1] {
            let dir = TemporaryDirectory()
            for i in 0..<8 {
                try dir.write(
                    "in/\(i).json",
                    event(service: "S\(i % 3)", time: "2024-05-0\(1 + i % 4)T00:00:00Z", id: "E\(i)"))
            }
            try ingest(dir, [dir.file("in")], jobs: 1, batchBytes: batchBytes)
            let db = try Database(path: dir.file("index.sqlite"), readOnly: true)
            #expect(try db.scalarInt("SELECT value FROM meta WHERE name = 'gen'") == (batchBytes == nil ? 1 : 2))
            indexes.append(try rows(dir.file("index.sqlite")))
        }
        #expect(indexes[0] == indexes[1])
        #expect(indexes[0].count == 3)
    }

    /// A file that would take the batch's byte storage past what its offsets reach is refused with
    /// an error that names it, and what was committed before stays.
    @Test func aBatchPastItsStorageLimitIsRefusedAndTheIndexKept() throws {
        let dir = TemporaryDirectory()
        try dir.write("a/a.json", event(id: "A"))
        try dir.write("b/b.json", event(service: "Oss", id: "B"))
        try ingest(dir, [dir.file("a")])
        let before = try rows(dir.file("index.sqlite"))
        var options = IngestOptions(databasePath: dir.file("index.sqlite"), jobs: 1)
        options.batchStorageLimit = 1
        options.waitForLock = true
        #expect {
            try Ingester(options: options).run(paths: [Array(dir.file("b").utf8)])
        } throws: { error in
            guard case .batchTooLarge(let file) = error as? IngestError else { return false }
            return file.hasSuffix("b.json") && "\(error)".contains("--jobs 1")
        }
        #expect(try rows(dir.file("index.sqlite")) == before)
        #expect(before.count == 1)
    }

    @Test func sourceRuleIncludingOddCategories() throws {
        let dir = TemporaryDirectory()
        let cases: [(String, Int64)] = [
            ("\"eventCategory\":\"Data\"", 1), ("\"eventCategory\":\"Management\"", 0),
            ("\"eventCategory\":null", 0), ("\"eventCategory\":\"\"", 0), ("\"eventCategory\":5", 2),
            ("\"eventCategory\":{}", 2), ("\"eventCategory\":\"Other\"", 2),
        ]
        let lines = cases.enumerated().map { i, c in event(service: "S\(i)", type: "ApiCall", extra: c.0) }
        try dir.write("in/a.jsonl", lines.joined(separator: "\n"))
        try ingest(dir, [dir.file("in")])
        #expect(try rows(dir.file("index.sqlite")).map(\.source) == cases.map(\.1))
    }

    @Test func offsetsAndFractionsNormaliseToUTCMilliseconds() throws {
        let dir = TemporaryDirectory()
        let lines = [
            event(service: "A", time: "2024-05-01T08:00:00+08:00"),
            event(service: "B", time: "2024-05-01T00:00:00.123456789Z"),
            event(service: "C", time: "2024-04-30T19:00:00-0500"),
        ]
        try dir.write("in/a.jsonl", lines.joined(separator: "\n"))
        try ingest(dir, [dir.file("in")])
        #expect(
            try rows(dir.file("index.sqlite")).map(\.timestamp) == [
                1_714_521_600_000, 1_714_521_600_123, 1_714_521_600_000,
            ])
    }
}
