@preconcurrency import Glibc

/// The two clocks: monotonic for durations and deadlines, wall for what people read.
package enum Clock {
    /// Nanoseconds on the monotonic clock.
    package static func monotonicNanos() -> Int64 { nanos(CLOCK_MONOTONIC) }

    /// Milliseconds on the monotonic clock (deadlines).
    package static func monotonicMillis() -> Int64 { monotonicNanos() / 1_000_000 }

    /// Seconds on the monotonic clock, for elapsed times.
    package static func monotonicSeconds() -> Double { Double(monotonicNanos()) / 1e9 }

    /// Milliseconds since the Unix epoch, UTC.
    package static func wallMillis() -> Int64 { nanos(CLOCK_REALTIME) / 1_000_000 }

    private static func nanos(_ clock: clockid_t) -> Int64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
