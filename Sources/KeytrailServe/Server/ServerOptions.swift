/// How `keytrail serve` listens and its limits (DESIGN: 32 KiB head, 64 KiB body, 10 s head).
package struct ServerOptions: Sendable {
    /// Where to listen.
    package var address = ListenAddress.defaultAddress
    /// Event loops, each a thread with its own read-only index connection.
    package var workers = 4
    /// Open connections at most; one more is answered 503 and closed.
    package var maxConnections = 512
    /// A request (head and body) must arrive within this many ms of its first byte (408).
    package var headTimeout: Int64 = 10_000
    /// An idle keep-alive connection is closed after this many ms.
    package var idleTimeout: Int64 = 30_000
    /// A response must be taken by the client within this many ms.
    package var writeTimeout: Int64 = 10_000
    /// Request line and headers at most (431).
    package var maxHead = 32 * 1024
    /// Body at most (413).
    package var maxBody = 64 * 1024
    /// No access log.
    package var quiet = false

    /// The defaults.
    package init() {}
}
