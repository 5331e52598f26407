import Foundation
import TestSupport
import Testing

/// `keytrail timeline` and `products --between`, through the binary, against a reference model
/// of random archives: days are UTC whatever offset an eventTime is written in, each eventId
/// counts once a day however often it is read, and periods are ISO weeks and calendar months.
@Suite("Activity")
struct ActivityTests {
    static let keys = [
        "LTAI5tActivityKey0000001", "LTAI5tActivityKey0000002", "STS.ActivityTemporaryKey000000000000000003",
    ]
    static let services = ["Ecs", "Oss", "Ram", "Sts"]
    /// 2026-03-01T00:00:00Z.
    static let start: Int64 = 1_772_323_200_000

    struct Event {
        var key: String
        var service: String
        var ts: Int64
        var id: String
    }

    /// `ts` as RFC 3339 in `offset` hours (`Z` for 0), with milliseconds.
    static func time(_ ts: Int64, offset: Int) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(secondsFromGMT: offset * 3600)
        f.dateFormat = offset == 0 ? "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'" : "yyyy-MM-dd'T'HH:mm:ss.SSSxxx"
        return f.string(from: Date(timeIntervalSince1970: Double(ts) / 1000))
    }

    static func line(_ e: Event, offset: Int) -> String {
        """
        {"eventId":"\(e.id)","eventName":"Describe","eventTime":"\(time(e.ts, offset: offset))",\
        "serviceName":"\(e.service)","userIdentity":{"accessKeyId":"\(e.key)","type":"ram-user","userName":"u"}}
        """
    }

    /// Random events over 40 days, many near midnight UTC, with duplicate deliveries (the same
    /// event in two files), re-deliveries at another time the same day, and eventIds reused on
    /// another day; written as five files, each event in +08:00 or Z.
    static func archive(_ dir: TemporaryDirectory, seed: UInt64) throws -> (files: [String], events: [Event]) {
        var rng = SeededRandom(seed: seed)
        var events: [Event] = []
        var files = Array(repeating: [String](), count: 5)
        for n in 0..<500 {
            var e: Event
            let r = rng.below(100)
            if r < 15, let old = events.randomElement(using: &rng) {
                e = old  // the same event again, in some file
            } else if r < 20, let old = events.randomElement(using: &rng) {
                // The same eventId later the same UTC day (or at the day's last millisecond).
                e = old
                let dayEnd = (old.ts / 86_400_000 + 1) * 86_400_000 - 1
                e.ts = min(dayEnd, old.ts + Int64(rng.int(in: 1...3_600_000)))
            } else if r < 24, let old = events.randomElement(using: &rng) {
                e = old  // the eventId again on another day
                e.ts += Int64(rng.int(in: 1...5)) * 86_400_000
            } else {
                let day = Int64(rng.int(in: 0...40))
                // Half the events within two hours of a UTC midnight (where +08:00 dates differ).
                let inDay =
                    rng.below(2) == 0
                    ? Int64(rng.int(in: 0...7_200_000)) * (rng.below(2) == 0 ? 1 : -1) + 86_400_000
                    : Int64(rng.int(in: 0...86_399_999))
                e = Event(
                    key: keys[rng.below(keys.count)], service: services[rng.below(services.count)],
                    ts: start + day * 86_400_000 + inDay, id: "ev-\(seed)-\(n)")
            }
            events.append(e)
            files[rng.below(5)].append(line(e, offset: rng.below(2) == 0 ? 8 : 0))
        }
        let paths = try files.enumerated().map { i, lines in
            try dir.write("in/part-\(i).json", lines.joined(separator: "\n") + "\n")
        }
        return (paths, events)
    }

    /// The model: every (key, service, UTC day, eventId) once, with its latest time.
    static func model(_ events: [Event]) -> [String: Int64] {
        var set: [String: Int64] = [:]
        for e in events {
            let k = "\(e.key)|\(e.service)|\(floorDiv(e.ts, 86_400_000))|\(e.id)"
            set[k] = max(set[k] ?? .min, e.ts)
        }
        return set
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }

    /// The model's period name of a time: Foundation's ISO-8601 calendar in UTC, not keytrail's
    /// arithmetic.
    static func period(_ ts: Int64, by: String) -> String {
        var cal = Calendar(identifier: .iso8601)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(ts) / 1000)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = cal.timeZone
        switch by {
        case "week":
            f.dateFormat = "yyyy-MM-dd"
            return f.string(from: cal.dateInterval(of: .weekOfYear, for: date)!.start)
        case "month":
            f.dateFormat = "yyyy-MM"
            return f.string(from: date)
        default:
            f.dateFormat = "yyyy-MM-dd"
            return f.string(from: date)
        }
    }

    /// (period, service) → (count, first, last) for one key, from the model.
    static func timeline(_ model: [String: Int64], key: String, by: String, days: ClosedRange<Int64>? = nil)
        -> [String: [Int64]]
    {
        var out: [String: [Int64]] = [:]
        for (k, ts) in model {
            let parts = k.split(separator: "|")
            guard parts[0] == key else { continue }
            if let days, !days.contains(Int64(parts[2])!) { continue }
            let row = by == "none" ? String(parts[1]) : "\(period(ts, by: by))|\(parts[1])"
            let old = out[row] ?? [0, .max, .min]
            out[row] = [old[0] + 1, min(old[1], ts), max(old[2], ts)]
        }
        return out
    }

    static func rows(_ text: String, member: String, period: Bool) throws -> [String: [Int64]] {
        let doc = try json(text)
        var out: [String: [Int64]] = [:]
        for r in doc[member] as? [[String: Any]] ?? [] {
            let name = (period ? "\(r["Period"]!)|" : "") + (r["ServiceName"] as! String)
            let last = (r[period ? "LastUsedTimestamp" : "UsedTimestamp"] as! NSNumber).int64Value
            out[name] = [
                (r["Count"] as! NSNumber).int64Value, (r["FirstUsedTimestamp"] as! NSNumber).int64Value, last,
            ]
        }
        return out
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func timelinesAndBetweenEqualTheModel(seed: UInt64) throws {
        let dir = TemporaryDirectory()
        let (files, events) = try Self.archive(dir, seed: seed)
        let db = dir.file("k.sqlite")
        // Three files first, then all five: the first three are in the manifest; a changed copy
        // of one is read whole again, its events already counted.
        var r = try Binary.run("keytrail", ["ingest", "--quiet", "--db", db] + files.prefix(3))
        #expect(r.status == 0, "\(r.stderr)")
        let again = try String(contentsOfFile: files[0], encoding: .utf8) + Self.line(events[0], offset: 8) + "\n"
        let copy = try dir.write("in/part-0-redelivered.json", again)
        r = try Binary.run("keytrail", ["ingest", "--quiet", "--db", db, "--jobs", "2"] + files + [copy])
        #expect(r.status == 0, "\(r.stderr)")
        let model = Self.model(events)
        for key in Self.keys {
            for by in ["day", "week", "month"] {
                r = try Binary.run("keytrail", ["timeline", key, "--db", db, "--by", by, "--format", "json"])
                #expect(r.status == 0, "\(r.stderr)")
                let got = try Self.rows(r.stdout, member: "Timeline", period: true)
                #expect(got == Self.timeline(model, key: key, by: by), "seed \(seed) \(key) by \(by)")
            }
            // One service.
            r = try Binary.run("keytrail", ["timeline", key, "--db", db, "--service", "Oss", "--format", "json"])
            let oss = try Self.rows(r.stdout, member: "Timeline", period: true)
            #expect(oss == Self.timeline(model, key: key, by: "day").filter { $0.key.hasSuffix("|Oss") })
            // Random whole-day ranges, from one day to all of them.
            var rng = SeededRandom(seed: seed ^ 0xBE7)
            for _ in 0..<4 {
                let a = Int64(rng.int(in: -1...42))
                let b = a + Int64(rng.int(in: 0...20))
                let first = Self.start / 86_400_000 + a
                let last = Self.start / 86_400_000 + b
                let args = [String(first * 86_400_000), Self.time((last * 86_400_000), offset: 0)]
                r = try Binary.run("keytrail", ["products", key, "--db", db, "--between"] + args)
                #expect(r.status == 0, "\(r.stderr)")
                let got = try Self.rows(r.stdout, member: "Products", period: false)
                #expect(got == Self.timeline(model, key: key, by: "none", days: first...last), "seed \(seed) \(args)")
                let doc = try json(r.stdout)
                #expect(
                    (doc["Between"] as? [String: String])?["From"] == String(Self.period(first * 86_400_000, by: "day"))
                )
            }
        }
    }

    @Test func betweenTakesWholeDaysAndNoWindow() throws {
        let dir = TemporaryDirectory()
        let (files, _) = try Self.archive(dir, seed: 9)
        let db = dir.file("k.sqlite")
        #expect(try Binary.run("keytrail", ["ingest", "--quiet", "--db", db] + files).status == 0)
        let key = Self.keys[0]
        for (args, message) in [
            // Midnight in +08:00 is not a UTC day's start: refused, saying what it is in UTC.
            (["2026-03-01T00:00:00+08:00", "2026-03-02"], "2026-02-28T16:00:00Z is not midnight UTC"),
            (["2026-03-01T01:00:00Z", "2026-03-02"], "is not midnight UTC"),
            (["2026-03-05", "2026-03-02"], "the last day is before the first"),
            (["2026-03-05"], "takes two values"),
            (["1772323200", "2026-03-02"], "epoch seconds"),
        ] {
            let r = try Binary.run("keytrail", ["products", key, "--db", db, "--between"] + args)
            #expect(r.status == 2 && r.stderr.contains(message) && r.stdout.isEmpty, "\(args): \(r.stderr)")
        }
        let r = try Binary.run(
            "keytrail", ["products", key, "--db", db, "--between", "2026-03-01", "2026-03-02", "--as-of", "latest"])
        #expect(r.status == 2 && r.stderr.contains("takes no --as-of"))
        let e = try Binary.run(
            "keytrail", ["products", key, "--db", db, "--between", "2026-03-01", "2026-03-02", "--explain"])
        #expect(e.status == 2 && e.stderr.contains("takes no --explain"))
        // A table says what the numbers are.
        let t = try Binary.run("keytrail", ["timeline", key, "--db", db, "--by", "week", "--wide"])
        #expect(t.status == 0 && t.stdout.contains("by UTC week (Monday to Sunday, named by its Monday)"))
        #expect(t.stdout.contains("each eventId counted once a day"))
        // An index built --products-only keeps no activity: said, not answered as empty.
        let p = dir.file("p.sqlite")
        #expect(try Binary.run("keytrail", ["ingest", "--quiet", "--products-only", "--db", p] + files).status == 0)
        let refused = try Binary.run("keytrail", ["timeline", key, "--db", p])
        #expect(refused.status == 2 && refused.stderr.contains("--products-only") && refused.stdout.isEmpty)
    }
}
