/// Near matches for a name a person typed (`did you mean …?`): names equal to it but for case,
/// or within edit distance 2, nearest first.
package enum NearMatch {
    /// At most `limit` of `candidates` near `name`: those equal to it but for case, or else those
    /// within edit distance 2 (on ASCII-case-folded bytes), nearest first, then by bytes; `name`
    /// itself is never among them.
    package static func suggestions(for name: String, among candidates: [String], limit: Int = 3) -> [String] {
        let target = Array(name.utf8)
        let folded = target.map(lower)
        var scored: [(rank: Int, name: [UInt8], text: String)] = []
        for c in candidates {
            let bytes = Array(c.utf8)
            if bytes == target { continue }
            // Case aside: a typo in a name is as likely in its case as in its letters.
            if abs(bytes.count - target.count) <= 2, let d = distance(bytes.map(lower), folded, atMost: 2) {
                scored.append((d, bytes, c))
            }
        }
        scored.sort { a, b in a.rank != b.rank ? a.rank < b.rank : a.name.lexicographicallyPrecedes(b.name) }
        // A name equal but for case is what was meant: typos two edits away would only be noise.
        if scored.first?.rank == 0 { scored.removeAll { $0.rank > 0 } }
        return scored.prefix(limit).map(\.text)
    }

    /// `did you mean A, B or C?`, or nil when there is no suggestion.
    package static func question(_ suggestions: [String]) -> String? {
        guard let last = suggestions.last else { return nil }
        let head = suggestions.dropLast()
        return "did you mean " + (head.isEmpty ? last : head.joined(separator: ", ") + " or " + last) + "?"
    }

    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 0x20 : b }

    /// The Levenshtein distance of `a` and `b` when it is at most `bound`, else nil.
    static func distance(_ a: [UInt8], _ b: [UInt8], atMost bound: Int) -> Int? {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) <= bound ? max(a.count, b.count) : nil }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var best = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                best = min(best, current[j])
            }
            // Every later row is at least this row's minimum.
            if best > bound { return nil }
            swap(&previous, &current)
        }
        return previous[b.count] <= bound ? previous[b.count] : nil
    }
}
