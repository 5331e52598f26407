/// The contract's "latest wins" order (DESIGN, Semantics 4), the one definition every reduce,
/// commit and answer uses: the greater UsedTimestamp, then the greater eventId as bytes, then
/// (one event delivered twice with different text) the greater Detail as bytes.
package enum LatestWins {
    /// Compares bytes as SQLite's BINARY collation does: memcmp order, then the shorter first.
    /// Negative, zero or positive.
    @inline(__always)
    package static func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        var i = 0
        // Eight bytes at a time: read big-endian, a word compares as its bytes do.
        while i + 8 <= n {
            let x = a.loadUnaligned(fromByteOffset: i, as: UInt64.self).bigEndian
            let y = b.loadUnaligned(fromByteOffset: i, as: UInt64.self).bigEndian
            if x != y { return x < y ? -1 : 1 }
            i += 8
        }
        while i < n {
            let x = a[i]
            let y = b[i]
            if x != y { return x < y ? -1 : 1 }
            i += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// `compareBytes` of two byte sequences held in Swift values (`[UInt8]`, `String.UTF8View`):
    /// the same comparison, on their contiguous storage (a copy only for a sequence without one).
    package static func compareBytes<A: Sequence<UInt8>, B: Sequence<UInt8>>(_ a: A, _ b: B) -> Int {
        withBytes(a) { x in withBytes(b) { y in compareBytes(x, y) } }
    }

    private static func withBytes<S: Sequence<UInt8>, R>(_ s: S, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let r = s.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return r }
        return Array(s).withUnsafeBytes { body($0) }
    }

    /// The order of (time, eventId) alone: negative, zero (a tie the Details must break) or positive.
    @inline(__always)
    package static func compare(
        _ ts: Int64, _ eventId: UnsafeRawBufferPointer, _ ts0: Int64, _ eventId0: UnsafeRawBufferPointer
    ) -> Int {
        if ts != ts0 { return ts < ts0 ? -1 : 1 }
        return compareBytes(eventId, eventId0)
    }

    /// The order of (ts, eventId, detail): negative, zero (the same text of one event) or positive.
    @inline(__always)
    package static func compare(
        _ ts: Int64, _ eventId: UnsafeRawBufferPointer, _ detail: UnsafeRawBufferPointer,
        _ ts0: Int64, _ eventId0: UnsafeRawBufferPointer, _ detail0: UnsafeRawBufferPointer
    ) -> Int {
        let c = compare(ts, eventId, ts0, eventId0)
        return c != 0 ? c : compareBytes(detail, detail0)
    }

    /// Whether (ts, eventId, detail) is later than (ts0, eventId0, detail0).
    @inline(__always)
    package static func beats(
        _ ts: Int64, _ eventId: UnsafeRawBufferPointer, _ detail: UnsafeRawBufferPointer,
        _ ts0: Int64, _ eventId0: UnsafeRawBufferPointer, _ detail0: UnsafeRawBufferPointer
    ) -> Bool { compare(ts, eventId, detail, ts0, eventId0, detail0) > 0 }
}
