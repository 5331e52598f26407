@preconcurrency import Glibc

/// State behind a mutex, with a condition to wait on: the one lock type of keytrail.
package final class Lock<State>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var state: State

    /// A lock guarding `state`.
    package init(_ state: State) {
        self.state = state
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        cond.deallocate()
    }

    /// Runs `body` with the state, exclusively.
    package func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Waits, holding the lock, until `ready` is true of the state, then runs `body` with it.
    package func withLock<R>(when ready: (State) -> Bool, _ body: (inout State) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready(state) { pthread_cond_wait(cond, mutex) }
        return body(&state)
    }

    /// Waits, holding the lock, until `ready` is true of the state or `seconds` have passed, then
    /// runs `body` with it (whether or not it became ready).
    package func withLock<R>(when ready: (State) -> Bool, timeout seconds: Double, _ body: (inout State) -> R) -> R {
        // pthread_cond_timedwait takes a deadline on the condition's clock (CLOCK_REALTIME).
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        let nanoseconds = Int(deadline.tv_nsec) + Int(max(seconds, 0) * 1e9)
        deadline.tv_sec += nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready(state) {
            if pthread_cond_timedwait(cond, mutex, &deadline) == ETIMEDOUT { break }
        }
        return body(&state)
    }

    /// Runs `body` with the state, then wakes one waiter (`all`: every waiter).
    package func withLockSignalling<R>(all: Bool = false, _ body: (inout State) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer {
            if all { pthread_cond_broadcast(cond) } else { pthread_cond_signal(cond) }
            pthread_mutex_unlock(mutex)
        }
        return body(&state)
    }
}
