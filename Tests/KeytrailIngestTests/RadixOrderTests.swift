import Testing

@testable import KeytrailIngest

@Suite("Radix order")
struct RadixOrderTests {
    /// The batch's entry, whose size sets the first build's peak memory (1.5M of them on the
    /// benchmark's 300k events), stays 48 bytes.
    @Test func aBatchEntryIsFortyEightBytes() {
        #expect(MemoryLayout<BatchTable.Entry>.stride == 48)
    }

    /// A stable sort by word, for comparison: ties stay in position order.
    func expected(_ words: [UInt64]) -> [UInt32] {
        words.indices.sorted { (words[$0], $0) < (words[$1], $1) }.map { UInt32($0) }
    }

    @Test(arguments: [0, 1, 2, 1000, 70000])
    func ordersLikeAStableSort(count: Int) {
        var g = SystemRandomNumberGenerator()
        // Few distinct values (ties), bytes that never change (skipped passes), and bytes that do.
        let words = (0..<count).map { _ in
            UInt64.random(in: 0..<64, using: &g) << 40 | UInt64.random(in: 0..<3, using: &g) << 8 | 0x7F
        }
        #expect(BatchTable.radixOrder(words) == expected(words))
        let wide = (0..<count).map { _ in UInt64.random(in: 0...UInt64.max, using: &g) }
        #expect(BatchTable.radixOrder(wide) == expected(wide))
        let same = [UInt64](repeating: 42, count: count)
        #expect(BatchTable.radixOrder(same) == expected(same))
    }
}
