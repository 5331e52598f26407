import Foundation
import KeytrailExtract
import KeytrailIngest
import KeytrailSynth
import TestSupport
import Testing

/// Large files are framed in windows; the result must not depend on the window size.
@Suite("Streaming invariance")
struct StreamingTests {
    func run(
        _ dir: TemporaryDirectory, db: String, above: Int, chunk: Int, afterRead: (@Sendable (String) -> Void)? = nil
    ) throws -> (IngestReport, [Row]) {
        var options = IngestOptions(databasePath: dir.file(db), jobs: 2)
        options.streamAbove = above
        options.streamChunk = chunk
        options.afterRead = afterRead
        let report = try Ingester(options: options).run(paths: [Array(dir.file("in").utf8)])
        return (report, try rows(dir.file(db)))
    }

    func summary(_ r: IngestReport) -> [String] {
        r.rejections.map { "\($0.path) \($0.kind) \($0.line ?? 0):\($0.column ?? 0) \($0.offset ?? -1) \($0.message)" }
            + r.notes.map { "\($0.path) \($0.line):\($0.column) \($0.reason)" }
            + ["read \(r.events.read) indexed \(r.events.indexed) skipped \(r.events.skipped)"]
    }

    @Test(arguments: [1, 7, 4096])
    func chunksOfOneSevenAnd4096GiveTheWholeFileAnswer(chunk: Int) throws {
        let dir = TemporaryDirectory()
        let factory = EventFactory(keyCount: 4, serviceCount: 6, detailBytes: 300, seed: 8)
        _ = try SynthArchive.writeMixed(
            to: dir.file("in"), events: 120, factory: factory, end: 1_790_000_000_000, seed: 8)
        let good = event(key: "K1")
        // Problems at window edges: bad lines, a bad time, a truncated gzip, a broken document.
        try dir.write(
            "in/problems.jsonl",
            "\(good)\n{\"eventId\": x}\n\n\(event(key: "K2", time: "2024-05-01T00:00:00"))\n\(event(key: "K3"))\n")
        try dir.write("in/lines.jsonl.gz", gzip(Array(repeating: good, count: 30).joined(separator: "\n") + "\n{bad\n"))
        let whole = gzip("[\(good),\(event(key: "K4"))]")
        try dir.write("in/truncated.gz", Array(whole.prefix(whole.count - 7)))
        try dir.write("in/broken.json", "[\n\(good),\n{\"eventId\":\"Q\",]\n]")
        try dir.write("in/empty.json", "  \n")
        let (report, reference) = try run(dir, db: "whole.sqlite", above: Int.max, chunk: 1 << 20)
        #expect(!report.rejections.isEmpty)
        let (r, got) = try run(dir, db: "stream-\(chunk).sqlite", above: 0, chunk: chunk)
        #expect(got == reference, "chunk \(chunk)")
        #expect(summary(r) == summary(report), "chunk \(chunk)")
        // Positions too: counted across windows as in one piece, and each one finds its event.
        let streamed = try storedProvenance(dir.file("stream-\(chunk).sqlite"))
        #expect(
            streamed.map { "\($0.path):\($0.line):\($0.column)" }
                == (try storedProvenance(dir.file("whole.sqlite"))).map { "\($0.path):\($0.line):\($0.column)" })
        #expect(streamed.count > 30 && streamed.allSatisfy { $0.line > 0 })
        let problems = try ProvenanceCheck.problems(streamed)
        #expect(problems.isEmpty, "\(problems.prefix(3))")
    }

    @Test func anEventTooLargeToKeepIsSkippedWithItsPosition() throws {
        let dir = TemporaryDirectory()
        let huge =
            "{\"eventId\":\"H\",\"serviceName\":\"Ecs\",\"userIdentity\":{\"accessKeyId\":\"K\"},"
            + "\"eventTime\":\"2024-05-01T00:00:00Z\",\"payload\":\"\(String(repeating: "x", count: 65 << 20))\"}"
        try dir.write("in/huge.jsonl", event(key: "K", service: "Oss") + "\n" + huge + "\n")
        let (report, got) = try run(dir, db: "k.sqlite", above: 64 << 20, chunk: 4 << 20)
        #expect(report.rejections.isEmpty)
        #expect(report.events.skipped(.detailTooLarge) == 1)
        #expect(report.notes.map { "\($0.line):\($0.column)" } == ["2:1"])
        #expect(got.map(\.service) == ["Oss"])
    }

    @Test func aFileThatChangesWhileItIsReadIsRejectedAndReadAgainLater() throws {
        let dir = TemporaryDirectory()
        let lines = (0..<1500).map { event(key: "K\($0 % 3)", id: "E\($0)") }.joined(separator: "\n") + "\n"
        let path = try dir.write("in/growing.jsonl", lines)
        // The reader calls the hook after the file was read and before it checks it for changes:
        // an append there lands mid-read, whatever the machine's load.
        let late = Array((event(key: "LATE") + "\n").utf8)
        let (report, got) = try run(dir, db: "k.sqlite", above: 0, chunk: 1) { read in
            #expect(read == path)
            let fd = open(path, O_WRONLY | O_APPEND)
            _ = late.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        #expect(report.rejections.map(\.kind) == [.io])
        #expect(report.rejections.first?.message.contains("changed while it was being read") == true)
        #expect(got.isEmpty)
        // Not recorded as done: the next run reads the settled file.
        let (again, rows2) = try run(dir, db: "k.sqlite", above: 0, chunk: 1 << 20)
        #expect(again.rejections.isEmpty)
        #expect(rows2.map(\.key) == ["K0", "K1", "K2", "LATE"])
    }

    @Test func standardInputStreamsJsonLines() throws {
        let dir = TemporaryDirectory()
        let lines = (0..<2000).map { event(key: "K\($0 % 7)", service: "S\($0 % 5)", id: "E\($0)") }
        let result = try Binary.run(
            "keytrail", ["ingest", "--json", "--db", dir.file("k.sqlite"), "-"],
            stdin: Array((lines.joined(separator: "\n") + "\n{broken\n").utf8))
        #expect(result.status == 3)
        #expect(result.stderr.contains("-:2001:2: error:"))
        #expect(try rows(dir.file("k.sqlite")).count == 35)
    }
}
