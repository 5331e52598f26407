@preconcurrency import Glibc
import KeytrailExtract
import KeytrailPOSIX
import KeytrailScan
import KeytrailSynth

extension Bench {
    /// The scanner alone, SQLite and the disk left out: the plain corpus in memory, validated
    /// (`skipValue`) and scanned as ingest scans it (`scanObject` on every element of each OSS
    /// array), beside the floor of touching every byte once (`memchr` for `{`).
    func scan() throws {
        let files = try memoryCorpus()
        let bytes = files.reduce(0) { $0 + $1.count }
        let floor = try measure(runs: config.runs) { Self.seconds { Self.countBraces(files) } }
        figures.append(throughput("scan floor: memchr `{`, in memory", bytes: bytes, floor))
        let ofFloor = { (t: (median: Double, min: Double, max: Double)) in ("% of floor", 100 * floor.median / t.median)
        }
        // The thread's CPU time beside the wall clock: on a shared machine it is the steadier figure.
        var cpu: [Double] = []
        let validate = try measure(runs: config.runs) { try Self.seconds(cpu: &cpu) { try Self.validate(files) } }
        figures.append(
            throughput(
                "scan: validate (skipValue)", bytes: bytes, validate,
                extra: [ofFloor(validate), Self.cpuRate(bytes, &cpu)]))
        var events = 0
        let scan = try measure(runs: config.runs) {
            try Self.seconds(cpu: &cpu) { events = try Self.scanEvents(files) }
        }
        guard events == config.events else { throw BenchError("scanned \(events) events of \(config.events)") }
        figures.append(
            throughput(
                "scan: events (scanObject)", bytes: bytes, scan,
                extra: [("events/s", Double(events) / scan.median), ofFloor(scan), Self.cpuRate(bytes, &cpu)]))
        // The same events pretty-printed (two-space indent, a member per line): whitespace runs.
        let pretty = files.prefix(3).map { PrettyJSON.format($0, baseIndent: 0) }
        let prettyBytes = pretty.reduce(0) { $0 + $1.count }
        let prettyValidate = try measure(runs: config.runs) {
            try Self.seconds(cpu: &cpu) { try Self.validate(pretty) }
        }
        figures.append(
            throughput(
                "scan: validate, pretty-printed", bytes: prettyBytes, prettyValidate,
                extra: [Self.cpuRate(prettyBytes, &cpu)]))
    }

    /// "CPU MB/s": `bytes` over the median of the CPU seconds in `cpu` (its first entry, the
    /// warm-up, left out), which it empties.
    static func cpuRate(_ bytes: Int, _ cpu: inout [Double]) -> (String, Double) {
        let timed = cpu.dropFirst().sorted()
        cpu.removeAll()
        return ("CPU MB/s", timed.isEmpty ? 0 : Double(bytes) / 1e6 / timed[timed.count / 2])
    }

    /// Wall-clock seconds `body` takes, appending its thread's CPU seconds to `cpu`.
    static func seconds(cpu: inout [Double], _ body: () throws -> Void) rethrows -> Double {
        let c0 = threadCPUSeconds()
        let t = try seconds(body)
        cpu.append(threadCPUSeconds() - c0)
        return t
    }

    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The pure part of ingest on the corpus in memory: shape detection, framing, extraction of
    /// every dimension and the per-file reduce, as one ingest worker does it (no reading, no
    /// SQLite): the ceiling of ingest on one core.
    func frame() throws {
        let files = try memoryCorpus()
        let bytes = files.reduce(0) { $0 + $1.count }
        let processor = FileProcessor(until: Int64.max)
        var events = 0
        var rows = 0
        let t = try measure(runs: config.runs) {
            Self.seconds {
                events = 0
                rows = 0
                for file in files {
                    let result = file.withUnsafeBytes { processor.process($0, path: "bench") }
                    events += result.counts.indexed
                    rows += processor.table.count
                }
            }
        }
        guard events == config.events else { throw BenchError("framed \(events) events of \(config.events)") }
        figures.append(
            throughput(
                "frame: FileProcessor, every dimension", bytes: bytes, t,
                extra: [("events/s", Double(events) / t.median), ("rows/s", Double(rows) / t.median)]))
    }

    /// The floor of any reader: every plain file read from disk with large reads, `{` counted.
    func readFloor() throws {
        let dir = config.corpusDir + "/plain"
        let t = try measure(runs: config.runs) { try Corpus.rawScan(dir) }
        figures.append(throughput("floor: raw byte scan, plain", bytes: corpus.plainBytes, t))
    }

    /// Seconds `body` takes on the monotonic clock.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t0 = Clock.monotonicSeconds()
        try body()
        return Clock.monotonicSeconds() - t0
    }

    /// Counts `{` bytes with memchr: every byte touched once, nothing understood.
    static func countBraces(_ files: [[UInt8]]) {
        var count = 0
        for file in files {
            file.withUnsafeBytes { buf in
                guard var p = buf.baseAddress else { return }
                var left = buf.count
                while left > 0, let hit = memchr(p, 0x7B, left) {
                    count += 1
                    let step = UnsafeRawPointer(hit) - p + 1
                    p = UnsafeRawPointer(hit) + 1
                    left -= step
                }
            }
        }
        if count < 0 { print(count) }
    }

    /// Validates each file as one JSON value.
    static func validate(_ files: [[UInt8]]) throws {
        for file in files {
            let end = try file.withUnsafeBytes { try JSONScanner($0).skipValue(0) }
            guard end > 0 else { throw BenchError("empty file") }
        }
    }

    /// Scans every element of each file's top-level array for its event fields; the number of events.
    static func scanEvents(_ files: [[UInt8]]) throws -> Int {
        var events = 0
        var touched = 0
        for file in files {
            try file.withUnsafeBytes { buf in
                let s = JSONScanner(buf)
                var j = s.skipWhitespace(0)
                guard j < s.count, s[j] == 0x5B else { throw BenchError("a corpus file is not an array") }
                j = s.skipWhitespace(j + 1)
                while j < s.count && s[j] != 0x5D {
                    if s[j] == 0x7B {
                        var f = EventFields()
                        j = try s.scanObject(j, depth: 1, into: &f)
                        touched &+= f.accessKeyId.end &+ f.serviceName.end &+ f.eventTime.end &+ f.eventName.end
                        events += 1
                    } else {
                        j = try s.skipValue(j, depth: 1)
                    }
                    j = s.skipWhitespace(j)
                    if j < s.count && s[j] == 0x2C { j = s.skipWhitespace(j + 1) }
                }
            }
        }
        if touched == 42 { print(touched) }
        return events
    }
}
