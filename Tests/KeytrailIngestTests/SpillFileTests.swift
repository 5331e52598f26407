import KeytrailExtract
import KeytrailPOSIX
import TestSupport
import Testing

@testable import KeytrailIngest

/// A spill file's room is reserved under the batch's lock and written after it: a read of a
/// reserved range (a tie met by another worker) must get the bytes written there, never what the
/// file held before.
@Suite("SpillFile")
struct SpillFileTests {
    @Test func aReadOfAReservedRangeGetsTheBytesWrittenLater() throws {
        let dir = TemporaryDirectory("keytrail-spill")
        let spill = try SpillFile(directory: dir.path)
        let first = [UInt8](repeating: 7, count: 100)
        let firstAt = spill.reserve(first.count)
        try first.withUnsafeBytes { try spill.write($0, at: firstAt) }
        let later = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let at = spill.reserve(later.count)
        #expect(at == 100 && spill.size == 5100)
        // Readers of the reserved range start before it is written; each gets its bytes.
        let got = Lock<[[UInt8]]>([])
        let readers = (0..<3).map { _ in
            Thread {
                let buffer = ByteBuffer(capacity: 16)
                let read = (try? spill.read(offset: at, count: later.count, into: buffer)) != nil
                got.withLock { $0.append(read ? Array(buffer.bytes) : []) }
            }
        }
        try later.withUnsafeBytes { try spill.write($0, at: at) }
        for r in readers { r.join() }
        let reads = got.withLock { $0 }
        #expect(reads.count == 3)
        #expect(reads.filter { $0 != later }.map(\.count) == [], "readers that got other bytes (their sizes)")
        // The earlier range reads back as it was; after a reset, nothing is reserved.
        let buffer = ByteBuffer(capacity: 16)
        try spill.read(offset: firstAt, count: first.count, into: buffer)
        #expect(Array(buffer.bytes) == first)
        spill.reset()
        #expect(spill.size == 0)
    }
}
