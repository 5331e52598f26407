import KeytrailPOSIX
import Synchronization
import Testing

/// `BlockingQueue`, the FIFO between the server's threads and between a merge's.
@Suite("Blocking queue")
struct BlockingQueueTests {
    final class Counter: Sendable {
        let n = Atomic<Int>(0)
        var value: Int { n.load(ordering: .relaxed) }
    }

    final class Token: Sendable {
        let freed: Counter
        init(_ freed: Counter) { self.freed = freed }
        deinit { freed.n.add(1, ordering: .relaxed) }
    }

    /// A queue that is never empty still lets go of what was popped (a merge's queues seldom
    /// empty: without this they held every batch of rows ever pushed).
    @Test func poppedElementsAreFreedWhileOthersWait() {
        let freed = Counter()
        let queue = BlockingQueue<Token>()
        for _ in 0..<40 { queue.push(Token(freed)) }
        for _ in 0..<30 { _ = queue.pop() }
        #expect(freed.value >= 15)
        #expect(queue.drain().count == 10)
        #expect(freed.value == 40)
    }

    /// A bounded queue passes every element, in order, through a producer that waits for room.
    @Test func boundedQueuePassesEverythingInOrder() {
        let queue = BlockingQueue<Int>(capacity: 2)
        let producer = Thread {
            for i in 0..<1000 { queue.push(i) }
            queue.close()
        }
        var got: [Int] = []
        while let i = queue.pop() { got.append(i) }
        producer.join()
        #expect(got == Array(0..<1000))
    }

    /// Closing: a push then fails, and a pop returns what is left, then nil.
    @Test func closeEndsPushesAndDrainsPops() {
        let queue = BlockingQueue<Int>(capacity: 3)
        #expect(queue.push(1) && queue.push(2))
        queue.close()
        #expect(!queue.push(3))
        #expect(queue.pop() == 1)
        #expect(queue.pop() == 2)
        #expect(queue.pop() == nil)
    }
}
