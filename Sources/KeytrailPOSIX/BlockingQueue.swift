/// A FIFO that threads block on: `pop` waits for an element and, when the queue is bounded,
/// `push` waits for room. `close` ends it: `push` then fails, and `pop` returns what is left,
/// then nil.
package final class BlockingQueue<Element>: @unchecked Sendable {
    private struct State {
        var items: [Element] = []
        var head = 0
        var closed = false
        var held: Int { items.count - head }
    }

    /// Elements held at most.
    package let capacity: Int
    private let lock = Lock(State())

    /// An empty, open queue of at most `capacity` elements.
    package init(capacity: Int = .max) { self.capacity = capacity }

    /// Adds `item` (waiting for room) and wakes a waiter; false once closed.
    @discardableResult
    package func push(_ item: Element) -> Bool {
        let bounded = capacity < .max
        if bounded {
            let added = lock.withLock(when: { $0.held < self.capacity || $0.closed }) { s -> Bool in
                if s.closed { return false }
                s.items.append(item)
                return true
            }
            // Pushers and poppers wait on one condition: wake them all.
            lock.withLockSignalling(all: true) { _ in }
            return added
        }
        return lock.withLockSignalling { s -> Bool in
            if s.closed { return false }
            s.items.append(item)
            return true
        }
    }

    /// The next element; blocks while empty; nil once closed and drained.
    package func pop() -> Element? {
        let item = lock.withLock(when: { $0.held > 0 || $0.closed }) { s -> Element? in
            guard s.held > 0 else { return nil }
            let item = s.items[s.head]
            s.head += 1
            if s.head == s.items.count {
                s.items.removeAll(keepingCapacity: true)
                s.head = 0
            } else if s.head >= 16 && s.head * 2 >= s.items.count {
                // A queue that is never empty must still let go of what was popped.
                s.items.removeFirst(s.head)
                s.head = 0
            }
            return item
        }
        if capacity < .max { lock.withLockSignalling(all: true) { _ in } }
        return item
    }

    /// Every queued element, without blocking.
    package func drain() -> [Element] {
        let out = lock.withLock { s -> [Element] in
            let out = Array(s.items[s.head...])
            s.items.removeAll(keepingCapacity: true)
            s.head = 0
            return out
        }
        if capacity < .max { lock.withLockSignalling(all: true) { _ in } }
        return out
    }

    /// No more elements: `push` fails, and waiters return nil once the queue is empty.
    package func close() {
        lock.withLockSignalling(all: true) { $0.closed = true }
    }
}
