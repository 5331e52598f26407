import KeytrailPOSIX

/// A FIFO that worker threads block on; closing it lets them drain and stop.
final class WorkQueue<Element>: @unchecked Sendable {
    private struct State {
        var items: [Element] = []
        var head = 0
        var closed = false
    }

    private let lock = Lock(State())

    /// An empty, open queue.
    init() {}

    /// Adds `item` and wakes one waiter.
    func push(_ item: Element) {
        lock.withLockSignalling { $0.items.append(item) }
    }

    /// The next item; blocks while empty; nil once closed and drained.
    func pop() -> Element? {
        lock.withLock(when: { $0.head < $0.items.count || $0.closed }) { s in
            guard s.head < s.items.count else { return nil }
            let item = s.items[s.head]
            s.head += 1
            if s.head == s.items.count {
                s.items.removeAll(keepingCapacity: true)
                s.head = 0
            }
            return item
        }
    }

    /// Every queued item, without blocking.
    func drain() -> [Element] {
        lock.withLock { s in
            let out = Array(s.items[s.head...])
            s.items.removeAll(keepingCapacity: true)
            s.head = 0
            return out
        }
    }

    /// No more items: waiters return nil once the queue is empty.
    func close() {
        lock.withLockSignalling(all: true) { $0.closed = true }
    }
}
