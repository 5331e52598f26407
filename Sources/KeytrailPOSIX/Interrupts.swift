@preconcurrency import Glibc

extension POSIX {
    /// SIGINT and SIGTERM, handled the one way keytrail handles them: blocked in the calling
    /// thread (and so in every thread it starts afterwards), and waited for by one thread of their
    /// own. The first calls `first` (stop gracefully); a second exits at once with status 130.
    /// Call before starting any worker thread.
    package static func onInterrupt(_ first: @escaping @Sendable () -> Void) {
        var set = interruptSignals()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        _ = Thread {
            var wait = interruptSignals()
            var signalNumber: Int32 = 0
            guard sigwait(&wait, &signalNumber) == 0 else { return }
            first()
            guard sigwait(&wait, &signalNumber) == 0 else { return }
            _exit(130)
        }
    }

    /// The set {SIGINT, SIGTERM}.
    private static func interruptSignals() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }
}
