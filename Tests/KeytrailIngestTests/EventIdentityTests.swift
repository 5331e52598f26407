import TestSupport
import Testing

@testable import KeytrailIngest

/// The batch tells the events of a file apart by where the file's table copied each one: an
/// event without an eventId, whose Detail stays in the file, copies nothing, and must still not
/// share its place with the next event's copy.
@Suite("Events without an eventId")
struct EventIdentityTests {
    @Test(arguments: [1, 2])
    func anEventAfterAnIdlessOneKeepsItsOwnIdAndDetail(jobs: Int) throws {
        let dir = TemporaryDirectory()
        let lines = [
            event(key: "LTAI5tK2", service: "Ecs", time: "2024-05-01T00:00:00Z", id: ""),
            event(key: "LTAI5tK1", service: "Ecs", time: "2024-05-01T00:00:00Z", id: "C1"),
            event(key: "LTAI5tK2", service: "Ecs", time: "2024-05-01T01:00:00Z", id: ""),
            event(key: "LTAI5tK1", service: "Ecs", time: "2024-05-01T02:00:00Z", id: "B1"),
        ]
        let a = try dir.write("a.json", lines.joined(separator: "\n") + "\n")
        try ingest(dir, [a], jobs: jobs)
        let got = try rows(dir.file("index.sqlite"))
        #expect(got.count == 2)
        #expect(got.first { $0.key == "LTAI5tK1" }?.eventId == "B1")
        #expect(got.first { $0.key == "LTAI5tK1" }?.detail == lines[3])
        #expect(got.first { $0.key == "LTAI5tK2" }?.detail == lines[2])
        // Each stored event names its own line.
        let places = try storedProvenance(dir.file("index.sqlite")).map(\.line).sorted()
        #expect(places == [3, 4])
    }
}
