@preconcurrency import Glibc
import KeytrailPOSIX

extension Server {
    /// SIGINT and SIGTERM stop the server gracefully (a second one exits at once); SIGPIPE is
    /// ignored. Call before `run`, on the thread that will call it: the worker threads inherit
    /// the blocked signals, and one thread waits for them with sigwait.
    package func stopOnSignals() {
        signal(SIGPIPE, SIG_IGN)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        _ = Thread { [self] in
            var wait = sigset_t()
            sigemptyset(&wait)
            sigaddset(&wait, SIGINT)
            sigaddset(&wait, SIGTERM)
            var signalNumber: Int32 = 0
            guard sigwait(&wait, &signalNumber) == 0 else { return }
            self.requestStop()
            guard sigwait(&wait, &signalNumber) == 0 else { return }
            _exit(130)
        }
    }
}
