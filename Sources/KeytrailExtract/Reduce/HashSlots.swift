/// Open-addressing slots (linear probing) from hashes to entry indices, for tables that keep their
/// entries in an array of their own.
package struct HashSlots {
    /// Empty slots.
    package init() {}

    private var slots: [Int32] = Array(repeating: -1, count: 1024)

    /// Forgets every index (shrinking after an unusually large batch).
    package mutating func reset() {
        if slots.count > 1 << 16 {
            slots = Array(repeating: -1, count: 1024)
        } else {
            for i in slots.indices { slots[i] = -1 }
        }
    }

    /// The slot holding the entry with `hash` for which `matches` holds, with its index; or the
    /// empty slot where such an entry goes, with nil.
    @inline(__always) package func find(_ hash: UInt64, _ matches: (Int) -> Bool) -> (slot: Int, index: Int?) {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: hash) & mask
        while true {
            let i = Int(slots[s])
            if i < 0 { return (s, nil) }
            if matches(i) { return (s, i) }
            s = (s + 1) & mask
        }
    }

    /// Puts entry `index` (the table's `count`-th entry) in the empty `slot` found by `find`,
    /// growing when half full; `hashOf` gives any entry's hash for the rehash.
    @inline(__always) package mutating func insert(_ index: Int, at slot: Int, count: Int, hashOf: (Int) -> UInt64) {
        slots[slot] = Int32(index)
        guard count * 2 > slots.count else { return }
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for i in 0..<count {
            var s = Int(truncatingIfNeeded: hashOf(i)) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(i)
        }
    }
}
