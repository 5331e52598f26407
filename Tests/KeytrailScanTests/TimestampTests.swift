import KeytrailScan
import TestSupport
import Testing

/// Epoch milliseconds computed the long way: whole years, then whole months, then the rest.
func referenceMillis(
    _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, millis: Int = 0,
    offsetMinutes: Int = 0
) -> Int64 {
    func leap(_ y: Int) -> Bool { y % 400 == 0 || (y % 4 == 0 && y % 100 != 0) }
    let monthDays = [31, leap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    var days = 0
    if year >= 1970 {
        for y in 1970..<year { days += leap(y) ? 366 : 365 }
    } else {
        for y in year..<1970 { days -= leap(y) ? 366 : 365 }
    }
    for m in 0..<(month - 1) { days += monthDays[m] }
    days += day - 1
    let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second - offsetMinutes * 60
    return Int64(seconds) * 1000 + Int64(millis)
}

@Suite("RFC 3339 timestamps")
struct TimestampTests {
    @Test("the reference agrees with known instants")
    func referenceSanity() {
        #expect(referenceMillis(2021, 8, 5, 9, 21, 32) == 1_628_155_292_000)
        #expect(referenceMillis(1970, 1, 1, 0, 0, 0) == 0)
        #expect(referenceMillis(1969, 12, 31, 23, 59, 59) == -1000)
        #expect(referenceMillis(2024, 2, 29, 0, 0, 0) == 1_709_164_800_000)
        #expect(referenceMillis(2000, 2, 29, 12, 34, 56) == 951_827_696_000)
    }

    @Test(
        "parses the accepted forms",
        arguments: [
            ("2021-08-05T09:21:32Z", 1_628_155_292_000),
            ("2021-08-05T09:21:32z", 1_628_155_292_000),
            ("2021-08-05t09:21:32Z", 1_628_155_292_000),
            ("2021-08-05T17:21:32+08:00", 1_628_155_292_000),
            ("2021-08-05T17:21:32+0800", 1_628_155_292_000),
            ("2021-08-05T09:21:32+00:00", 1_628_155_292_000),
            ("2021-08-05T09:21:32-00:00", 1_628_155_292_000),
            ("2021-08-05T09:21:32+0000", 1_628_155_292_000),
            ("2021-08-05T03:51:32-05:30", 1_628_155_292_000),
            ("2021-08-05T03:51:32-0530", 1_628_155_292_000),
            ("2021-08-05T09:21:32.1Z", 1_628_155_292_100),
            ("2021-08-05T09:21:32.12Z", 1_628_155_292_120),
            ("2021-08-05T09:21:32.123Z", 1_628_155_292_123),
            ("2021-08-05T09:21:32.1239Z", 1_628_155_292_123),
            ("2021-08-05T09:21:32.12399Z", 1_628_155_292_123),
            ("2021-08-05T09:21:32.999999Z", 1_628_155_292_999),
            ("2021-08-05T09:21:32.9999999Z", 1_628_155_292_999),
            ("2021-08-05T09:21:32.99999999Z", 1_628_155_292_999),
            ("2021-08-05T09:21:32.123456789Z", 1_628_155_292_123),
            ("2021-08-05T09:21:32.000Z", 1_628_155_292_000),
            ("2021-08-05T17:21:32.5+08:00", 1_628_155_292_500),
            ("2024-02-29T00:00:00Z", 1_709_164_800_000),
            ("2000-02-29T12:34:56Z", 951_827_696_000),
            ("1970-01-01T00:00:00Z", 0),
            ("1970-01-01T00:00:00+00:01", -60_000),
            ("1969-12-31T23:59:59.999Z", -1),
            ("2021-12-31T23:59:59Z", 1_640_995_199_000),
            ("2022-01-01T07:59:59+08:00", 1_640_995_199_000),
            ("2021-01-01T00:30:00+23:59", 1_609_374_660_000),
        ] as [(String, Int64)]
    )
    func accepts(_ text: String, _ expected: Int64) {
        #expect(Timestamp.parseRFC3339(text) == expected)
        var bytes = utf8(text)
        bytes.withUnsafeMutableBytes { #expect(Timestamp.parseRFC3339(UnsafeRawBufferPointer($0)) == expected) }
    }

    @Test(
        "rejects malformed and out-of-range times",
        arguments: [
            "", "2021-08-05", "2021-08-05T09:21:32", "2021-08-05T09:21:32.123", "2021-08-05T09:21:60Z",
            "2021-08-05T09:21:61Z", "2021-08-05T24:00:00Z", "2021-08-05T09:60:00Z", "2021-13-05T09:21:32Z",
            "2021-00-05T09:21:32Z", "2021-08-00T09:21:32Z", "2021-08-32T09:21:32Z", "2021-04-31T09:21:32Z",
            "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2021-08-05T09:21:32Zx",
            "2021-08-05T09:21:32Z ", " 2021-08-05T09:21:32Z", "2021-08-05T09:21:32+08:00x", "2021-08-05T09:21:32.Z",
            "2021-08-05T09:21:32.", "2021-08-05T09:21:32+8:00", "2021-08-05T09:21:32+08", "2021-08-05T09:21:32+08:0",
            "2021-08-05T09:21:32+080", "2021-08-05T09:21:32+24:00", "2021-08-05T09:21:32+08:60",
            "2021-08-05T09:21:32 +08:00", "2021-08-05T09:21:32UTC", "2021-08-05T09:21:32GMT",
            "2021-08-05 09:21:32Z", "2021-08-05X09:21:32Z", "2021-8-05T09:21:32Z", "2021-08-5T09:21:32Z",
            "2021-08-05T9:21:32Z", "2021/08/05T09:21:32Z", "2021-08-05T09-21-32Z", "20210805T092132Z",
            "+021-08-05T09:21:32Z", "2021-08-05T09:21:32,5Z", "2021-08-05T09:21:3aZ", "2021-08-05T09:21:32.1a3Z",
            "2021-08-05T09:21:32+08:00Z", "2021-08-05T09:21:32Z+08:00", "1628155292000",
        ]
    )
    func rejects(_ text: String) {
        #expect(Timestamp.parseRFC3339(text) == nil)
    }

    @Test("random instants, offsets and fractions agree with the reference", arguments: [31, 32] as [UInt64])
    func randomInstants(_ seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var failures: [String] = []
        for _ in 0..<2000 {
            let year = Int.random(in: 1970...2100, using: &rng)
            let month = Int.random(in: 1...12, using: &rng)
            let day = Int.random(in: 1...31, using: &rng)
            let (hour, minute, second) =
                (
                    Int.random(in: 0...23, using: &rng), Int.random(in: 0...59, using: &rng),
                    Int.random(in: 0...59, using: &rng)
                )
            let digits = Int.random(in: 0...9, using: &rng)
            var fraction = ""
            for _ in 0..<digits { fraction += String(Int.random(in: 0...9, using: &rng)) }
            let millis = digits == 0 ? 0 : Int((fraction + "00").prefix(3))!
            let offset = Int.random(in: -(23 * 60 + 59)...(23 * 60 + 59), using: &rng)
            var text =
                "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
            if digits > 0 { text += "." + fraction }
            switch Int.random(in: 0...2, using: &rng) {
            case 0: text += "Z"
            case 1: text += (offset < 0 ? "-" : "+") + pad(abs(offset) / 60, 2) + ":" + pad(abs(offset) % 60, 2)
            default: text += (offset < 0 ? "-" : "+") + pad(abs(offset) / 60, 2) + pad(abs(offset) % 60, 2)
            }
            let offsetMinutes = text.hasSuffix("Z") ? 0 : offset
            let leap = year % 400 == 0 || (year % 4 == 0 && year % 100 != 0)
            let valid = day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            let expected =
                valid
                ? referenceMillis(year, month, day, hour, minute, second, millis: millis, offsetMinutes: offsetMinutes)
                : nil
            let actual = Timestamp.parseRFC3339(text)
            if actual != expected { failures.append("\(text): \(String(describing: actual))") }
        }
        #expect(failures.isEmpty, "seed \(seed): \(failures.prefix(5))")
    }

    @Test(
        "format writes UTC with optional milliseconds",
        arguments: [
            (1_628_155_292_000, false, "2021-08-05T09:21:32Z"),
            (1_628_155_292_123, false, "2021-08-05T09:21:32Z"),
            (1_628_155_292_123, true, "2021-08-05T09:21:32.123Z"),
            (1_628_155_292_007, true, "2021-08-05T09:21:32.007Z"),
            (0, false, "1970-01-01T00:00:00Z"),
            (0, true, "1970-01-01T00:00:00.000Z"),
            (-1, true, "1969-12-31T23:59:59.999Z"),
            (-1000, false, "1969-12-31T23:59:59Z"),
            (1_709_164_800_000, false, "2024-02-29T00:00:00Z"),
            (4_102_444_799_999, true, "2099-12-31T23:59:59.999Z"),
        ] as [(Int64, Bool, String)]
    )
    func format(_ ms: Int64, _ millis: Bool, _ expected: String) {
        #expect(Timestamp.format(ms, millis: millis) == expected)
    }

    @Test("format and parse round-trip", arguments: [41, 42] as [UInt64])
    func roundTrip(_ seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var failures: [Int64] = []
        for _ in 0..<2000 {
            // 1900 to 2200.
            let ms = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &rng)
            if Timestamp.parseRFC3339(Timestamp.format(ms, millis: true)) != ms { failures.append(ms) }
            let floored = ms - ((ms % 1000) + 1000) % 1000
            if Timestamp.parseRFC3339(Timestamp.format(ms)) != floored { failures.append(ms) }
        }
        #expect(failures.isEmpty, "seed \(seed): \(failures.prefix(5))")
    }
}
