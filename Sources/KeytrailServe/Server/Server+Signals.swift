import KeytrailPOSIX

extension Server {
    /// SIGINT and SIGTERM stop the server gracefully (a second one exits at once); SIGPIPE is
    /// ignored. Call before `run`, on the thread that will call it: the worker threads inherit
    /// the blocked signals.
    package func stopOnSignals() {
        POSIX.ignoreBrokenPipes()
        POSIX.onInterrupt { [self] in self.requestStop() }
    }
}
