import Foundation
import KeytrailIngest
import TestSupport
import Testing

/// The Details of a plain input read whole are read again from the input at the commit instead
/// of being copied through a spill file: they must be the bytes parsed, or the commit must fail.
@Suite("Details read again from their inputs")
struct ReadAgainTests {
    func ingest(
        _ dir: TemporaryDirectory, _ input: String, afterRead: (@Sendable (String) -> Void)? = nil
    ) throws -> IngestReport {
        var options = IngestOptions(databasePath: dir.file("k.sqlite"), jobs: 1)
        options.afterRead = afterRead
        return try Ingester(options: options).run(paths: [Array(dir.file(input).utf8)])
    }

    @Test func aPlainInputStoresWhatItsGzipCopyStores() throws {
        let plain = TemporaryDirectory()
        let packed = TemporaryDirectory()
        // Pretty-printed and one-line events, in an array and in JSON lines.
        let events = (0..<40).map { event(key: "K\($0 % 3)", service: "S\($0 % 4)", id: "E\($0)") }
        let array = "[\n  " + events[..<20].joined(separator: ",\n  ") + "\n]\n"
        let lines = events[20...].joined(separator: "\n") + "\n"
        try plain.write("in/a.json", array)
        try plain.write("in/b.jsonl", lines)
        try packed.write("in/a.json.gz", gzip(array))
        try packed.write("in/b.jsonl.gz", gzip(lines))
        _ = try ingest(plain, "in")
        _ = try ingest(packed, "in")
        let got = try rows(plain.file("k.sqlite"))
        #expect(got.count == 12)
        #expect(got == (try rows(packed.file("k.sqlite"))))
        for row in got { #expect(events.contains(row.detail)) }
    }

    /// The hook runs after the second file is read: the first is parsed and merged by then, and
    /// its Details are not read again until the commit.
    func changeFirst(_ dir: TemporaryDirectory) -> @Sendable (String) -> Void {
        let first = dir.file("in/1.jsonl")
        return { read in
            guard read.hasSuffix("2.jsonl") else { return }
            let fd = open(first, O_WRONLY | O_APPEND)
            _ = write(fd, "\n", 1)
            close(fd)
        }
    }

    @Test(arguments: [false, true])
    func anInputChangedBeforeTheCommitFailsItAndKeepsWhatWasIndexed(indexedBefore: Bool) throws {
        let dir = TemporaryDirectory()
        if indexedBefore {
            try dir.write("before/0.jsonl", event(key: "K0", id: "E0") + "\n")
            _ = try ingest(dir, "before")
        }
        try dir.write("in/1.jsonl", event(key: "K1", id: "E1") + "\n")
        try dir.write("in/2.jsonl", event(key: "K2", id: "E2") + "\n")
        #expect {
            _ = try ingest(dir, "in", afterRead: changeFirst(dir))
        } throws: { error in
            "\(error)".contains("\(dir.file("in/1.jsonl")) changed while its events were being stored")
        }
        #expect(try rows(dir.file("k.sqlite")).map(\.key) == (indexedBefore ? ["K0"] : []))
        // Nothing of the batch was recorded: a rerun reads both files.
        _ = try ingest(dir, "in")
        #expect(try rows(dir.file("k.sqlite")).map(\.key) == (indexedBefore ? ["K0", "K1", "K2"] : ["K1", "K2"]))
    }
}
