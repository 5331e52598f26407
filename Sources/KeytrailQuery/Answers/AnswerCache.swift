import KeytrailPOSIX
package import KeytrailStore

/// Products and Info answers the server has sent, kept to be sent again: a key's answer is the
/// same for as long as the index is at the same commit (`IndexCommit`) and the window's end stays
/// in the as-of range that holds the same events (`ProductsAnswer.sameAsOfs`). Only the RequestId
/// in the body changes. Shared by the event loops; at most `budget` bytes of bodies (and their
/// keys), evicting by CLOCK (an entry used since the hand last passed is passed over once).
/// Answers without a product are not kept: they are cheap, and any number of unknown keys can be
/// asked.
package final class AnswerCache: Sendable {
    /// One kept answer.
    struct Entry {
        /// The window's length and the as-ofs the body answers for.
        var days: Int
        var asOfs: Range<Int64>
        /// The body as sent, and where its RequestId's characters are in it.
        var body: [UInt8]
        var requestId: Range<Int>
        /// What it counts against the budget.
        var cost: Int { body.count + Self.overhead }
        /// The bookkeeping of an entry and its key, roughly.
        static let overhead = 128
    }

    /// What the cache holds.
    struct State {
        /// The commit every entry was answered from (nil: none yet).
        var commit: IndexCommit?
        /// The entries, each with its key and whether it was used since the hand last passed it;
        /// nil where one was removed (`free` names those places, which new entries take). `slot`
        /// finds a key's.
        var slots: [(key: String, entry: Entry, used: Bool)?] = []
        var free: [Int] = []
        var slot: [String: Int] = [:]
        var hand = 0
        var bytes = 0
        var counts = Counts()

        /// Removes the entry at `i`: its place is free.
        mutating func remove(at i: Int) {
            guard let s = slots[i] else { return }
            bytes -= s.entry.cost + s.key.utf8.count
            slot[s.key] = nil
            slots[i] = nil
            free.append(i)
        }

        /// Evicts entries until `cost` more bytes fit in `budget` (CLOCK: the hand passes over an
        /// entry used since it last came by, once, and evicts the first that was not). The hand
        /// moves on after an eviction, so the entry put in the freed place is the last it reaches.
        mutating func makeRoom(_ cost: Int, budget: Int) {
            while bytes + cost > budget, !slot.isEmpty {
                if hand >= slots.count { hand = 0 }
                if slots[hand] == nil {
                } else if slots[hand]!.used {
                    slots[hand]!.used = false
                } else {
                    remove(at: hand)
                    counts.evictions += 1
                }
                hand += 1
            }
        }

        /// Adds `entry` for `key` (which has none), in the last freed place or at the end.
        mutating func add(_ key: String, _ entry: Entry, cost: Int) {
            let i = free.popLast() ?? slots.count
            if i == slots.count { slots.append(nil) }
            slots[i] = (key, entry, false)
            slot[key] = i
            bytes += cost
        }
    }

    /// What the cache did: answers sent again, answers computed, entries evicted for room.
    package struct Counts: Equatable, Sendable {
        package var hits = 0
        package var misses = 0
        package var evictions = 0
        /// Entries and the bytes they count now.
        package var entries = 0
        package var bytes = 0
    }

    /// The most bytes of bodies and keys kept.
    package let budget: Int
    private let state: Lock<State>

    /// A cache of at most `budget` bytes (0 keeps nothing).
    package init(budget: Int) {
        self.budget = max(0, budget)
        state = Lock(State())
    }

    /// What the cache has done so far, and holds.
    package var counts: Counts {
        state.withLock { s in
            var c = s.counts
            (c.entries, c.bytes) = (s.slot.count, s.bytes)
            return c
        }
    }

    /// The entries' key: the action's name, a space (no action has one), the AccessKey.
    static func slotKey(_ action: APIAction, _ key: String) -> String { action.rawValue + " " + key }

    /// Whether an answer of `key` is kept (for tests: it does not count as a use).
    func keeps(_ key: String, _ action: APIAction = .products) -> Bool {
        state.withLock { $0.slot[Self.slotKey(action, key)] != nil }
    }

    /// Whether an answer of `action` for `key` is kept, from any commit (a hint: `parts` says
    /// whether it answers this one). A question it says no to counts as a miss.
    package func mayHold(_ action: APIAction, key: String) -> Bool {
        guard budget > 0 else { return false }
        let key = Self.slotKey(action, key)
        return state.withLock { s in
            if s.slot[key] != nil { return true }
            s.counts.misses += 1
            return false
        }
    }

    /// The body of `action`'s answer for `key` read from `commit` in `window`, with `requestId`,
    /// if one is kept; nil otherwise (the caller answers and offers it to `keep`).
    package func body(
        _ action: APIAction = .products, key: String, commit: IndexCommit, window: Window, requestId: String
    ) -> [UInt8]? {
        guard let (head, tail) = parts(action, key: key, commit: commit, window: window, requestId: requestId)
        else { return nil }
        return head + tail
    }

    /// The same body in two parts: through the RequestId (a new array), then the rest, which is
    /// the kept body's own bytes (sent as they are, not copied).
    package func parts(
        _ action: APIAction = .products, key: String, commit: IndexCommit, window: Window, requestId: String
    ) -> (head: [UInt8], tail: ArraySlice<UInt8>)? {
        guard budget > 0, Self.isPlain(requestId) else { return nil }
        let key = Self.slotKey(action, key)
        let found: Entry? = state.withLock { s in
            guard s.commit == commit, let i = s.slot[key], let found = s.slots[i], found.entry.days == window.days,
                found.entry.asOfs.contains(window.asOf)
            else {
                s.counts.misses += 1
                return nil
            }
            s.slots[i]!.used = true
            s.counts.hits += 1
            return found.entry
        }
        guard let found else { return nil }
        var head: [UInt8] = []
        head.reserveCapacity(found.requestId.lowerBound + requestId.utf8.count)
        head.append(contentsOf: found.body[..<found.requestId.lowerBound])
        head.append(contentsOf: requestId.utf8)
        return (head, found.body[found.requestId.upperBound...])
    }

    /// Keeps `answer`, sent as `body` with `requestId`, read from `commit` (not when it has no
    /// product).
    package func keep(_ answer: ProductsAnswer, body: [UInt8], requestId: String, commit: IndexCommit) {
        guard !answer.products.isEmpty else { return }
        keep(
            .products, key: answer.accessKey, days: answer.window.days, asOfs: answer.sameAsOfs, body: body,
            requestId: requestId, commit: commit)
    }

    /// Keeps the body of `action`'s answer for `key`, sent with `requestId`, read from `commit`,
    /// which a window of `days` ending within `asOfs` gets. An answer read from an older commit of
    /// the same file than the entries' is dropped; one from another commit replaces them all.
    package func keep(
        _ action: APIAction, key accessKey: String, days: Int, asOfs: Range<Int64>, body: [UInt8], requestId: String,
        commit: IndexCommit
    ) {
        guard budget > 0, !asOfs.isEmpty, Self.isPlain(requestId), let at = Self.range(of: requestId, in: body)
        else { return }
        let key = Self.slotKey(action, accessKey)
        let cost = body.count + Entry.overhead + key.utf8.count
        guard cost <= budget else { return }
        // A body is written into a buffer of its bound, up to six times its size: keep a copy of its size.
        let compact = [UInt8](unsafeUninitializedCapacity: body.count) { buffer, initialized in
            initialized = buffer.initialize(fromContentsOf: body)
        }
        let entry = Entry(days: days, asOfs: asOfs, body: compact, requestId: at)
        // The entries of another commit are freed after the lock is let go (they may be many).
        let dropped: State? = state.withLock { s in
            var old: State?
            if let current = s.commit, current != commit {
                if current.sameFile(as: commit) && commit.generation < current.generation { return nil }
                old = s
                s = State()
                s.counts = old!.counts
            }
            s.commit = commit
            if let i = s.slot[key] { s.remove(at: i) }
            s.makeRoom(cost, budget: budget)
            s.add(key, entry, cost: cost)
            return old
        }
        _ = dropped
    }

    /// Whether `id` is written in JSON as it is (no character that needs escaping).
    static func isPlain(_ id: String) -> Bool {
        id.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }

    /// Where `id` is in `body`: the value of its first `"RequestId"` member, as the server writes
    /// it (pretty; the member comes first in every answer, so a Detail cannot hold it before).
    static func range(of id: String, in body: [UInt8]) -> Range<Int>? {
        let prefix = Array("\"RequestId\": \"".utf8)
        let needle = prefix + Array(id.utf8) + [UInt8(ascii: "\"")]
        guard body.count >= needle.count else { return nil }
        for i in 0...(body.count - needle.count) where body[i] == needle[0] {
            if body[i..<i + needle.count].elementsEqual(needle) { return i + prefix.count..<i + needle.count - 1 }
        }
        return nil
    }
}
