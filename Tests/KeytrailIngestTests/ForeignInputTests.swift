import Foundation
import KeytrailExtract
import KeytrailIngest
import KeytrailSynth
import TestSupport
import Testing

/// Files that are not ActionTrail (binary, foreign text, JSON without events): one rejection each,
/// never line by line, and never recorded as done (DESIGN "Not ActionTrail").
@Suite("Foreign and binary files")
struct ForeignInputTests {
    static let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00] + Array("a.json{\"eventId\":1}".utf8)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D] + Array("IHDR".utf8)
    static let line = InputShapeTests.e1 + "\n"
    /// A tar header (`ustar` at byte 257) and its first member's text.
    static let tar: [UInt8] = {
        var h = [UInt8](repeating: 0, count: 512)
        for (i, b) in "Actiontrail_1.json".utf8.enumerated() { h[i] = b }
        for (i, b) in "ustar".utf8.enumerated() { h[257 + i] = b }
        return h + Array(line.utf8)
    }()
    static func utf16LE(_ s: String, bom: Bool) -> [UInt8] {
        (bom ? [0xFF, 0xFE] : []) + s.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }
    static func utf16BE(_ s: String) -> [UInt8] {
        [0xFE, 0xFF] + s.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
    static func utf32LE(_ s: String) -> [UInt8] { s.unicodeScalars.flatMap { [UInt8($0.value & 0xFF), 0, 0, 0] } }
    /// 2 MB of bytes that are not text, with a NUL early on.
    static let blob: [UInt8] = {
        var rng = SeededRandom(seed: 12)
        var b = (0..<(2 << 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        b[0] = 0x7B
        b[100] = 0
        return b
    }()

    @Test(arguments: [
        ("a.zip", zip, "looks like a ZIP archive: unpack it first"),
        ("logs.json", zip, "looks like a ZIP archive: unpack it first"),
        ("p.png", png, "looks like a PNG image, not a log"),
        ("logs.tar.gz", GzipWriter.compress(tar), "looks like a tar archive: unpack it first (tar -xf)"),
        ("d.pdf", Array("%PDF-1.7\n%\u{E2}\n1 0 obj".utf8), "looks like a PDF document, not a log"),
        ("b.json.bz2", Array("BZh91AY&SY".utf8), "looks like bzip2-compressed data: decompress it first (bunzip2)"),
        (
            "x.json.xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x04],
            "looks like xz-compressed data: decompress it first (unxz)"
        ),
        (
            "z.json.zst", [0x28, 0xB5, 0x2F, 0xFD, 0x04, 0x58],
            "looks like zstd-compressed data: decompress it first (unzstd)"
        ),
        (
            "u16.jsonl", utf16LE(line + line, bom: true),
            "looks like UTF-16 text: convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)"
        ),
        (
            "u16-nobom.jsonl", utf16LE(line, bom: false),
            "looks like UTF-16 text: convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)"
        ),
        ("u16be.jsonl", utf16BE(line), "looks like UTF-16 text: convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)"),
        ("u32.jsonl", utf32LE(line), "looks like UTF-32 text: convert it to UTF-8 (iconv -f UTF-32 -t UTF-8)"),
        ("blob.json", blob, "looks like binary data (a NUL byte at byte 101), not a text log"),
        ("png.gz", GzipWriter.compress(png), "looks like a PNG image, not a log"),
    ])
    func binaryFilesAreOneRejectionSayingWhatTheyLookLike(name: String, bytes: [UInt8], message: String) throws {
        let (report, r) = try InputShapeTests().single(name, bytes)
        #expect(report.rejections.map(\.kind) == [.binary], "\(report.rejections.map(\.formatted))")
        #expect(report.rejections.first?.message == message)
        #expect(report.rejections.first?.line == nil)
        #expect(r.isEmpty)
    }

    @Test(arguments: [
        (
            "cloudtrail.json",
            "{\"Records\":[{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-05-01T00:00:00Z\","
                + "\"eventSource\":\"s3.amazonaws.com\",\"userIdentity\":{\"accessKeyId\":\"ASIAEXAMPLE\"}}]}\n",
            "1 JSON value"
        ),
        (
            "package.json", "{\n  \"name\": \"keytrail-ui\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {}\n}\n",
            "1 JSON value"
        ),
        ("numbers.jsonl", "1\n2\n\"three\"\n[]\n", "4 JSON values"),
    ])
    func jsonWithoutOneEventIsNotActiontrail(name: String, text: String, values: String) throws {
        let dir = TemporaryDirectory()
        try dir.write("in/" + name, text)
        for _ in 0..<2 {
            // Not recorded as done: the second run reads and rejects it again.
            let report = try ingest(dir, [dir.file("in")])
            #expect(report.rejections.map(\.kind) == [.notActiontrail])
            #expect(report.rejections.first?.message.contains("not ActionTrail: \(values)") == true)
            #expect(report.filesUnchanged == 0)
        }
        #expect(try rows(dir.file("index.sqlite")).isEmpty)
    }

    @Test func aSavedResponseWithAnEmptyListIsActiontrail() throws {
        let (report, r) = try InputShapeTests().single("lookup.json", Array("{\"RequestId\":\"R\",\"Events\":[]}".utf8))
        #expect(report.rejections.isEmpty)
        #expect(r.isEmpty)
    }

    @Test func aFileThatDoesNotBeginWithJSONIsOneRejection() throws {
        let csv =
            "eventTime,eventId,accessKeyId\n" + (0..<50).map { "2024-05-01T00:00:00Z,E\($0),K" }.joined(separator: "\n")
        let (report, r) = try InputShapeTests().single("export.csv", Array(csv.utf8))
        #expect(report.rejections.map(\.kind) == [.json])
        #expect(
            report.rejections.first?.message.hasPrefix("not JSON: the file does not begin with a JSON value") == true)
        #expect(report.rejections.first.map { "\($0.line ?? 0):\($0.column ?? 0)" } == "1:1")
        #expect(r.isEmpty)
    }

    @Test(arguments: [1, 7, 4096])
    func streamedForeignFilesGiveTheWholeFileAnswer(chunk: Int) throws {
        let dir = TemporaryDirectory()
        try dir.write("in/a.zip", Self.zip)
        try dir.write("in/u16.jsonl", Self.utf16LE(Self.line, bom: true))
        try dir.write("in/blob.json", Array(Self.blob.prefix(50_000)))
        try dir.write("in/package.json", "{\"name\":\"x\"}\n")
        try dir.write("in/x.csv", "a,b\n1,2\n")
        try dir.write("in/ok.jsonl", Self.line)
        try dir.write("in/zcat.json", "[\(InputShapeTests.e2)][\(InputShapeTests.e1)]")
        func run(_ db: String, above: Int) throws -> (IngestReport, [Row]) {
            var options = IngestOptions(databasePath: dir.file(db), jobs: 2)
            options.streamAbove = above
            options.streamChunk = chunk
            let report = try Ingester(options: options).run(paths: [Array(dir.file("in").utf8)])
            return (report, try rows(dir.file(db)))
        }
        let (whole, wholeRows) = try run("whole.sqlite", above: Int.max)
        let (streamed, streamedRows) = try run("streamed.sqlite", above: 0)
        #expect(whole.rejections.count == 5)
        #expect(streamed.rejections.map(\.formatted).sorted() == whole.rejections.map(\.formatted).sorted())
        #expect(streamedRows == wholeRows)
        #expect(wholeRows.count == 2)
    }
}
