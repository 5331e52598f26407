/// Writes deterministic synthetic archives: OSS-style deliveries for benchmarks, and a mixed
/// archive in every supported shape for `sample-logs/` and tests.
package enum SynthArchive {
    /// OSS-style deliveries: JSON arrays of `perFile` events per file, gzip or plain, with events
    /// spread over `spanDays` days ending at `end`. Returns the number of bytes written.
    @discardableResult
    package static func writeOSS(
        to dir: String, events: Int, factory: EventFactory, perFile: Int = 10_000, gzip: Bool, end: Int64,
        spanDays: Int = 500, seed: UInt64, record: ((SynthRecord) -> Void)? = nil
    ) throws -> Int {
        var rng = SplitMix(seed: seed)
        var written = 0
        var fileIndex = 0
        var made = 0
        while made < events {
            let n = min(perFile, events - made)
            var body: [UInt8] = [0x5B]
            var newest = Int64.min
            for i in 0..<n {
                let key = factory.keys[rng.below(factory.keys.count)]
                let service = factory.services[rng.below(factory.services.count)]
                let ts = end - Int64(rng.below(spanDays * 86_400)) * 1000 - Int64(rng.below(1000))
                newest = max(newest, ts)
                let e = factory.make(&rng, key: key, service: service, timestamp: ts)
                if i > 0 { body.append(0x2C) }
                body.append(contentsOf: e.json)
                record?(
                    SynthRecord(
                        accessKeyId: key, serviceName: service, timestamp: ts, eventId: e.eventId, detail: e.json))
            }
            body.append(0x5D)
            made += n
            let data = gzip ? GzipWriter.compress(body, level: 6) : body
            let stamp = EventFactory.rfc3339(newest).filter { $0.isNumber }.prefix(14)
            let name =
                "Actiontrail_cn-hangzhou_\(stamp)_1002_\(n)_\(data.count)_\(fileIndex)" + (gzip ? ".gz" : ".json")
            try SynthFiles.write(data, to: dir + "/" + name)
            written += data.count
            fileIndex += 1
        }
        return written
    }
}
