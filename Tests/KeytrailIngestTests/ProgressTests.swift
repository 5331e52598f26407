import Foundation
import KeytrailExtract
import KeytrailSynth
import TestSupport
import Testing

@testable import KeytrailIngest

/// What the progress line says (`IngestProgress.line`), and the live counters behind it
/// (`LiveProgress`), which must end equal to the run's report whatever the files' sizes and shapes.
@Suite("Progress")
struct ProgressTests {
    static let midRun = IngestProgress(
        filesDone: 3, filesTotal: 10, events: 5000, bytes: 120_000_000, bytesTotal: 800_000_000,
        bytesDecompressed: 120_000_000, seconds: 4)

    @Test func theWholeLineWhenItFits() {
        #expect(Self.midRun.line(width: 200) == "ingest: 3/10 files, 120/800 MB, 30 MB/s, ETA 0:23, 5000 events")
    }

    @Test(arguments: [0, 1, 10, 17, 30, 40, 50, 60, 63, 79])
    func neverWiderThanTheWidth(width: Int) {
        let line = Self.midRun.line(width: width)
        #expect(line.utf8.count <= width, "\(line)")
        #expect(line.isEmpty == (width == 0))
        // Fields are left off whole, from the end; only the first is ever cut.
        let full = Self.midRun.line(width: 200)
        #expect(full.hasPrefix(line), "\(line)")
        if line != full && line.utf8.count > "ingest: 3/10 files".utf8.count { #expect(full.hasPrefix(line + ",")) }
    }

    @Test func fieldsLeaveFromTheEnd() {
        #expect(Self.midRun.line(width: 55) == "ingest: 3/10 files, 120/800 MB, 30 MB/s, ETA 0:23")
        #expect(Self.midRun.line(width: 45) == "ingest: 3/10 files, 120/800 MB, 30 MB/s")
        #expect(Self.midRun.line(width: 31) == "ingest: 3/10 files, 120/800 MB")
        #expect(Self.midRun.line(width: 12) == "ingest: 3/10")
    }

    @Test func gzipSaysTheRateIsDecompressed() {
        var p = Self.midRun
        p.bytesDecompressed = 1_200_000_000
        #expect(p.line(width: 200) == "ingest: 3/10 files, 120/800 MB, 300 MB/s decompressed, ETA 0:23, 5000 events")
    }

    @Test func noETAWithoutATotalOrBeforeASecond() {
        var pipe = Self.midRun
        pipe.bytesTotal = 0
        #expect(pipe.line(width: 200) == "ingest: 3/10 files, 120 MB, 30 MB/s, 5000 events")
        var early = Self.midRun
        early.seconds = 0.5
        #expect(early.secondsLeft == nil)
        #expect(IngestProgress(started: false).line(width: 80) == "ingest: looking for files")
    }

    @Test func smallSizesKeepADecimalAndLongRunsHours() {
        let small = IngestProgress(filesDone: 0, filesTotal: 1, bytes: 4_194_304, bytesTotal: 8_388_608, seconds: 2)
        #expect(small.line(width: 200).hasPrefix("ingest: 0/1 files, 4.2/8.4 MB, "))
        #expect(IngestProgress.duration(59.2) == "1:00")
        #expect(IngestProgress.duration(3600 * 2 + 5 * 60 + 9) == "2:05:09")
    }

    /// A run's live counters end where its report does: bytes read and decompressed, events,
    /// files; whole and streamed, plain and gzip, copies; and unchanged files leave the total.
    @Test(arguments: [Int.max, 0])
    func liveCountersEndEqualToTheReport(streamAbove: Int) throws {
        let dir = TemporaryDirectory()
        var lines = ""
        for i in 0..<500 { lines += event(key: "K\(i % 7)", id: "E\(i)") + "\n" }
        try dir.write("in/a.json", lines)
        try dir.write(
            "in/b.json.gz", GzipWriter.compress(Array(lines.replacingOccurrences(of: "\"E", with: "\"G").utf8)))
        try dir.write("in/copy.json", lines)
        func run() throws -> (IngestReport, IngestProgress) {
            var options = IngestOptions(databasePath: dir.file("k.sqlite"), jobs: 2)
            options.streamAbove = streamAbove
            options.streamChunk = 4096
            let live = LiveProgress()
            let report = try Ingester(options: options).run(paths: [Array(dir.file("in").utf8)], live: live)
            return (report, live.snapshot)
        }
        let (report, p) = try run()
        #expect(report.filesCopies == 1)
        #expect(p.filesDone == 3 && p.filesTotal == 3)
        // The bytes done reach the total. A streamed copy is read for its checksum only, which
        // the report's bytes leave out and the line counts (it is work done, and in the total).
        #expect(p.bytes == p.bytesTotal, "\(p)")
        let copy = streamAbove == 0 ? lines.utf8.count : 0
        #expect(p.bytes == report.bytesRead + copy, "\(p) \(report.bytesRead)")
        #expect(p.bytesDecompressed == report.bytesDecompressed)
        #expect(p.events == report.events.read && p.events == 1000)
        // Again: every file is unchanged, done without being read; the total is what is left to read.
        let (again, q) = try run()
        #expect(again.filesUnchanged == 3)
        #expect(q.filesDone == 3 && q.bytes == 0 && q.bytesTotal == 0, "\(q)")
    }
}
