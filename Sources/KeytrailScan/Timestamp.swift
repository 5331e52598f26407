/// RFC 3339 timestamps as milliseconds since the Unix epoch (UTC).
package enum Timestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM|±HHMM)`; fractional seconds are truncated to
    /// milliseconds. A time without a UTC offset, with second 60, or out of range yields nil.
    package static func parseRFC3339(_ s: UnsafeRawBufferPointer) -> Int64? {
        let n = s.count
        guard n >= 20 else { return nil }
        @inline(__always) func digits(_ at: Int, _ len: Int) -> Int? {
            var v = 0
            for k in at..<(at + len) {
                let d = s[k] &- 0x30
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard let year = digits(0, 4), s[4] == 0x2D, let month = digits(5, 2), s[7] == 0x2D,
            let day = digits(8, 2), s[10] == 0x54 || s[10] == 0x74,
            let hour = digits(11, 2), s[13] == 0x3A, let minute = digits(14, 2), s[16] == 0x3A,
            let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year, month),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var i = 19
        var millis = 0
        if s[i] == 0x2E {
            i += 1
            let fracStart = i
            while i < n, s[i] &- 0x30 < 10 {
                if i - fracStart < 3 { millis = millis * 10 + Int(s[i] - 0x30) }
                i += 1
            }
            let len = i - fracStart
            guard len > 0 else { return nil }
            if len == 1 { millis *= 100 } else if len == 2 { millis *= 10 }
        }
        guard i < n else { return nil }
        var offsetMinutes = 0
        switch s[i] {
        case 0x5A, 0x7A:
            i += 1
        case 0x2B, 0x2D:
            let sign = s[i] == 0x2D ? -1 : 1
            i += 1
            guard i + 4 <= n, let oh = digits(i, 2) else { return nil }
            i += 2
            if i < n && s[i] == 0x3A { i += 1 }
            guard i + 2 <= n, let om = digits(i, 2), oh <= 23, om <= 59 else { return nil }
            i += 2
            offsetMinutes = sign * (oh * 60 + om)
        default:
            return nil
        }
        guard i == n else { return nil }
        let days = daysFromCivil(year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
        return Int64(seconds) * 1000 + Int64(millis)
    }

    /// Parses a Swift string as RFC 3339 (see `parseRFC3339(_:)`).
    package static func parseRFC3339(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { parseRFC3339(UnsafeRawBufferPointer($0)) }
    }

    /// Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SS[.mmm]Z`.
    package static func format(_ ms: Int64, millis: Bool = false) -> String {
        let totalSeconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let frac = Int(ms - totalSeconds * 1000)
        var days = Int(totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400)
        var rem = Int(totalSeconds) - days * 86_400
        let (y, m, d) = civilFromDays(days)
        days = 0
        let hh = rem / 3600
        rem %= 3600
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hh, 2)):\(pad(rem / 60, 2)):\(pad(rem % 60, 2))"
        if millis { out += ".\(pad(frac, 3))" }
        return out + "Z"
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    package static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian (year, month, day) of days since 1970-01-01.
    package static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
