import Foundation
import KeytrailExtract
import KeytrailIngest
import KeytrailSynth
import TestSupport
import Testing

@Suite("Index equals a reference model")
struct ReferenceModelTests {
    /// The model's view as rows, to compare with the index (Source as the index stores it).
    func expected(_ model: ReferenceModel) -> [Row] {
        model.latest.flatMap { key, services in
            services.values.map { p in
                Row(
                    key: key, service: p.service, timestamp: p.timestamp,
                    eventId: String(decoding: p.eventId, as: UTF8.self),
                    source: storedSource[p.source] ?? -1, detail: String(decoding: p.detail, as: UTF8.self))
            }
        }
        .sorted { ($0.key, $0.service) < ($1.key, $1.service) }
    }

    @Test(arguments: [1, 2, 3])
    func mixedArchiveEveryShape(seed: UInt64) throws {
        let dir = TemporaryDirectory()
        let factory = EventFactory(keyCount: 5, serviceCount: 8, detailBytes: 400, seed: seed)
        let records = try SynthArchive.writeMixed(
            to: dir.file("in"), events: 300, factory: factory, end: 1_790_000_000_000, seed: seed)
        let report = try ingest(dir, [dir.file("in")])
        #expect(report.rejections.isEmpty, "seed \(seed): \(report.rejections.map(\.formatted))")
        let got = try rows(dir.file("index.sqlite"))
        let want = expected(ReferenceModel(records))
        #expect(got.count == want.count, "seed \(seed)")
        for (g, w) in zip(got, want) where g != w {
            Issue.record("seed \(seed): got \(g), want \(w)")
            break
        }
        let dims = try dimensionRows(dir.file("index.sqlite"))
        let wantDims = expectedDimensions(records)
        #expect(dims.count == wantDims.count && dims.count > 300, "seed \(seed)")
        for (g, w) in zip(dims, wantDims) where g != w {
            Issue.record("seed \(seed): got \(g), want \(w)")
            break
        }
    }

    /// Ties on eventTime, duplicate deliveries, any file order, any batch size, any thread count:
    /// the same index.
    @Test(arguments: [11, 12])
    func answersIgnoreOrderBatchesThreadsAndDuplicates(seed: UInt64) throws {
        let dir = TemporaryDirectory()
        let factory = EventFactory(keyCount: 7, serviceCount: 5, detailBytes: 300, seed: seed)
        var records: [SynthRecord] = []
        // Few distinct seconds so many events tie on time.
        try SynthArchive.writeOSS(
            to: dir.file("in"), events: 1200, factory: factory, perFile: 50, gzip: seed % 2 == 0,
            end: 1_790_000_000_000,
            spanDays: 1, seed: seed, record: { records.append($0) })
        // Duplicate deliveries: the same files again under other names, and as plain copies.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.file("in")).sorted()
        for n in names.prefix(5) {
            try FileManager.default.copyItem(atPath: dir.file("in/" + n), toPath: dir.file("in/dup-" + n))
        }
        let reference = expected(ReferenceModel(records))

        try ingest(dir, [dir.file("in")], db: "a.sqlite", jobs: 1, batchFiles: 1000)
        var rng = SeededRandom(seed: seed)
        let shuffled = names.shuffled(using: &rng).map { dir.file("in/" + $0) }
        for chunk in stride(from: 0, to: shuffled.count, by: 3).map({
            Array(shuffled[$0..<min($0 + 3, shuffled.count)])
        }) {
            try ingest(dir, chunk, db: "b.sqlite", jobs: 2, batchFiles: 1)
        }
        // Re-ingesting any subset changes nothing.
        try ingest(dir, Array(shuffled.prefix(4)), db: "b.sqlite", jobs: 2, batchFiles: 2)
        let a = try rows(dir.file("a.sqlite"))
        let b = try rows(dir.file("b.sqlite"))
        #expect(a == b, "seed \(seed)")
        #expect(a == reference, "seed \(seed)")
        let dimsA = try dimensionRows(dir.file("a.sqlite"))
        #expect(dimsA == (try dimensionRows(dir.file("b.sqlite"))), "seed \(seed)")
        #expect(dimsA == expectedDimensions(records), "seed \(seed)")
    }
}
