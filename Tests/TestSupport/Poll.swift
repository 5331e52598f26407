import Foundation

/// Waiting for an event a test can observe, never for a moment: `until` looks again every 10 ms
/// (the back-off between looks, not a guess at when the event comes) and gives up only after a
/// deadline that bounds a hang.
package enum Poll {
    /// Polls `condition` until it holds; false when `timeout` seconds passed first.
    package static func until(timeout: Double = 60, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(10_000)
        }
        return try condition()
    }

    /// Whether the kernel lists process `pid` holding a flock (`waiting`: blocked on one, listed
    /// as `-> FLOCK … PID …`) in `/proc/locks`.
    package static func flock(of pid: Int32, waiting: Bool) -> Bool {
        let locks = (try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) ?? ""
        return locks.split(separator: "\n").contains { line in
            line.contains("FLOCK") && line.contains("->") == waiting
                && line.split(separator: " ").contains(Substring(String(pid)))
        }
    }
}
