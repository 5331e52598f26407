package import KeytrailQuery
import KeytrailScan

/// What `keytrail serve` says on stderr once it listens (always, `--quiet` or not): the
/// `listening on http://HOST:PORT` line first (scripts wait for it and read the port from it), then
/// the index and its newest event, the default as-of and window every answer gets, and who may ask.
///
/// ```
/// listening on http://127.0.0.1:7706
/// index: keytrail.sqlite, newest event 2025-09-26T10:00:00.000Z
/// default as-of: latest, now 2025-09-26T10:00:00.000Z (follows ingests); window 400 days
/// auth: signed requests (ACS3-HMAC-SHA256 or HMAC-SHA1) from the 2 callers in callers
/// ```
package struct StartupReport: Sendable {
    /// Who may ask.
    package enum Auth: Sendable {
        /// `--no-auth`: every request is answered unsigned.
        case none
        /// `--credentials FILE` with `callers` callers.
        case signed(callers: Int, file: String)
    }

    /// The address bound (port 0 resolved).
    package var address: ListenAddress
    /// The index path as given.
    package var index: String
    /// The newest UsedTimestamp in the index; nil for an empty index.
    package var newest: Int64?
    /// The default as-of as set (`--as-of`).
    package var asOf: AsOf
    /// The window it resolves to now.
    package var window: Window
    /// Who may ask.
    package var auth: Auth
    /// The answer cache's budget in MiB (`--answer-cache`; 0: none).
    package var cacheMiB: Int

    /// A report of these facts.
    package init(
        address: ListenAddress, index: String, newest: Int64?, asOf: AsOf, window: Window, auth: Auth,
        cacheMiB: Int = 0
    ) {
        self.address = address
        self.index = index
        self.newest = newest
        self.asOf = asOf
        self.window = window
        self.auth = auth
        self.cacheMiB = cacheMiB
    }

    /// The lines, each without its line end; the first is the `listening on` line, unchanged.
    package var lines: [String] {
        var out = ["listening on http://\(address.text)"]
        out.append("index: \(index), " + (newest.map { "newest event \(Self.time($0))" } ?? "empty (no event yet)"))
        let resolved = Self.time(window.asOf)
        switch asOf {
        case .now: out.append("default as-of: now, the clock at each request; window \(window.days) days")
        case .latest:
            out.append("default as-of: latest, now \(resolved) (follows ingests); window \(window.days) days")
        case .at: out.append("default as-of: \(resolved) (--as-of); window \(window.days) days")
        }
        out.append(
            cacheMiB > 0
                ? "answers kept: up to \(cacheMiB) MiB, each until the index commits (--answer-cache)"
                : "answers kept: none (--answer-cache 0)")
        switch auth {
        case .none: out.append("auth: none (--no-auth): every local request is answered, unsigned")
        case .signed(let n, let file):
            out.append(
                "auth: signed requests (ACS3-HMAC-SHA256 or HMAC-SHA1) from the \(n) caller\(n == 1 ? "" : "s") in \(file)"
            )
        }
        out.append(contentsOf: notes.map { "keytrail: note: \($0)" })
        return out
    }

    /// What the operator would want to know before a client asks: a default as-of that hides the
    /// whole index (every answer empty), or one before its newest event (those keys refused).
    var notes: [String] {
        guard let newest, !window.contains(newest) else { return [] }
        if newest < window.start {
            return [
                "the newest event (\(Self.time(newest))) is before the \(window.days)-day window ending "
                    + "\(Self.time(window.asOf)): every answer will be empty; start with --as-of latest"
            ]
        }
        return [
            "the index holds events after the as-of \(Self.time(window.asOf)) (up to \(Self.time(newest))): "
                + "keys used since are answered 409 AsOfBeforeIndexedEvents; --as-of latest answers them"
        ]
    }

    /// Writes the lines to stderr in one write(2), so no access-log line can come between them.
    package func write() { AccessLog.write(lines.map { $0 + "\n" }.joined()) }

    /// The one time format of these lines (the access log's).
    static func time(_ ms: Int64) -> String { Timestamp.format(ms, millis: true) }
}
