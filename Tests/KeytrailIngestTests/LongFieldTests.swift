import TestSupport
import Testing

@testable import KeytrailIngest

/// A batch row keeps a key's and an eventId's length in 16 bits, and past 65,534 bytes in the
/// batch's storage: such keys and eventIds come back whole, with their events' positions.
@Suite("Keys and eventIds of 64 KiB and more")
struct LongFieldTests {
    static let longKey = "LTAI" + String(repeating: "K", count: 70_000)
    static let longId = String(repeating: "I", count: 65_535)
    static let longerId = String(repeating: "J", count: 70_001)

    @Test(arguments: [1, 256])
    func longKeysAndEventIdsAreIndexedWhole(batchFiles: Int) throws {
        let dir = TemporaryDirectory()
        let a = try dir.write(
            "a.json",
            [
                event(key: Self.longKey, service: "Ecs", time: "2024-05-01T00:00:00Z", id: Self.longId),
                event(key: Self.longKey, service: "Oss", time: "2024-05-02T00:00:00Z", id: "E2"),
                event(key: "LTAI5tKEY1", service: "Ecs", time: "2024-05-03T00:00:00Z", id: Self.longerId),
            ].joined(separator: "\n") + "\n")
        // A later event wins the long key's Ecs row with a longer eventId, in another file.
        let b = try dir.write(
            "b.json", event(key: Self.longKey, service: "Ecs", time: "2024-05-04T00:00:00Z", id: Self.longerId) + "\n")
        try ingest(dir, [a, b], jobs: 1, batchFiles: batchFiles)
        let got = try rows(dir.file("index.sqlite")).map { ($0.key, $0.service, $0.eventId) }
        let want = [
            ("LTAI5tKEY1", "Ecs", Self.longerId), (Self.longKey, "Ecs", Self.longerId), (Self.longKey, "Oss", "E2"),
        ]
        #expect(got.count == want.count)
        for (g, w) in zip(got, want) { #expect(g == w) }
        // Each stored event names where it starts: b.json line 1 and a.json lines 2 and 3.
        let places = try storedProvenance(dir.file("index.sqlite")).map { ($0.path, $0.line, $0.column) }
        #expect(places.count == 3)
        #expect(places.contains { $0 == (a, 3, 1) } && places.contains { $0 == (b, 1, 1) })
        #expect(places.contains { $0 == (a, 2, 1) })
    }
}
