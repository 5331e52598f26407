import KeytrailPOSIX

/// Signature nonces seen per caller within the last 30 minutes, in bounded memory.
///
/// A request's date may be up to 15 minutes off either way, so a nonce must be remembered for 30
/// minutes to refuse every replay the date check lets through. Entries are 64-bit keyed hashes
/// of (caller, nonce) — the key is random per process, so nobody can aim for a collision — with
/// their expiry in a FIFO. When `capacity` unexpired nonces are held, new ones are refused
/// (`Throttling.User`) rather than forgetting one that could then be replayed.
package final class NonceCache: Sendable {
    /// What `remember` found.
    package enum Outcome: Equatable, Sendable {
        /// Not seen before; now remembered.
        case fresh
        /// Seen within the lifetime: a replay.
        case used
        /// The memory is full of unexpired nonces.
        case full
    }

    private struct State {
        var expiry: [Int: Int64] = [:]
        var queue: [(hash: Int, expiry: Int64)] = []
        var head = 0
    }

    private let state = Lock(State())
    /// How long a nonce is remembered, in milliseconds.
    package let lifetime: Int64
    /// The most nonces held at once.
    package let capacity: Int

    /// A cache remembering nonces for `lifetime` ms (30 minutes), at most `capacity` at once.
    package init(lifetime: Int64 = 30 * 60_000, capacity: Int = 1 << 20) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Remembers `nonce` for `caller` at time `now` (ms), unless it was seen.
    package func remember(caller: String, nonce: String, now: Int64) -> Outcome {
        var h = Hasher()
        h.combine(caller)
        h.combine(nonce)
        let key = h.finalize()
        let lifetime = self.lifetime
        let capacity = self.capacity
        return state.withLock { s in
            while s.head < s.queue.count, s.queue[s.head].expiry <= now {
                let e = s.queue[s.head]
                if s.expiry[e.hash] == e.expiry { s.expiry.removeValue(forKey: e.hash) }
                s.head += 1
            }
            if s.head > 1024 && s.head * 2 > s.queue.count {
                s.queue.removeFirst(s.head)
                s.head = 0
            }
            if let until = s.expiry[key], until > now { return .used }
            guard s.expiry.count < capacity else { return .full }
            s.expiry[key] = now + lifetime
            s.queue.append((key, now + lifetime))
            return .fresh
        }
    }

    /// The number of nonces held.
    package var count: Int { state.withLock { $0.expiry.count } }
}
