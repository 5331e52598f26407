extension SynthArchive {
    /// A small archive in every supported shape (gzip and plain, compact and pretty, multi-member
    /// gzip, BOM, nested JSON strings), with events at the window's edges. The newest event is at
    /// `end`; for the first key, one service was used exactly 400 days before `end` (inside the
    /// default window) and one a millisecond earlier (outside).
    package static func writeMixed(
        to dir: String, events: Int, factory: EventFactory, end: Int64, seed: UInt64
    ) throws -> [SynthRecord] {
        var rng = SplitMix(seed: seed)
        var records: [SynthRecord] = []
        let day: Int64 = 86_400_000
        func next(_ key: String? = nil, _ service: String? = nil, at: Int64? = nil) -> SynthEvent {
            let k = key ?? (rng.below(12) == 0 ? nil : factory.keys[rng.below(factory.keys.count)])
            let s = service ?? factory.services[rng.below(factory.services.count)]
            let ts = at ?? (end - Int64(rng.below(500 * 86_400)) * 1000 - Int64(rng.below(1000)))
            let category = s == "Oss" && rng.below(2) == 0 ? "Data" : (rng.below(5) == 0 ? nil : "Management")
            return factory.make(&rng, key: k, service: s, timestamp: ts, category: category)
        }
        func keep(_ e: SynthEvent, detail: [UInt8]? = nil) {
            records.append(
                SynthRecord(
                    accessKeyId: e.accessKeyId, serviceName: e.serviceName, timestamp: e.timestamp, eventId: e.eventId,
                    detail: detail ?? e.json))
        }
        let share = max(1, events / 8)
        let first = factory.keys[0]

        // 1. OSS deliveries: gzip JSON arrays, compact; the window-edge events live here.
        for f in 0..<2 {
            var batch = (0..<share / 2).map { _ in next() }
            if f == 0 {
                batch.append(next(first, "Ecs", at: end))
                batch.append(next(first, "Kms", at: end - 400 * day))
                batch.append(next(first, "Ims", at: end - 400 * day - 1))
            }
            batch.forEach { keep($0) }
            let body = [0x5B] + Array(batch.map(\.json).joined(separator: [0x2C])) + [0x5D]
            let name =
                "oss/AliyunLogs/Actiontrail/cn-hangzhou/2026/10/3\(f)/Actiontrail_cn-hangzhou_2026103\(f)120000"
                + "_1002_\(batch.count)_\(body.count)_\(f).gz"
            try SynthFiles.write(GzipWriter.compress(body), to: dir + "/" + name)
        }

        // 2. A plain, pretty-printed OSS array.
        do {
            let batch = (0..<share).map { _ in next() }
            var body: [UInt8] = Array("[\n".utf8)
            for (i, e) in batch.enumerated() {
                let text = PrettyJSON.format(e.json, baseIndent: 1)
                keep(e, detail: text)
                body += Array("  ".utf8) + text + Array((i == batch.count - 1 ? "\n" : ",\n").utf8)
            }
            body += Array("]\n".utf8)
            try SynthFiles.write(body, to: dir + "/oss-plain/Actiontrail_cn-shanghai_20261001000000_1002.json")
        }

        // 3. SLS rows (one per line) whose `event` is a JSON string; `__time__` as a string.
        try SynthFiles.write(
            slsRows((0..<share).map { _ in next() }, timeAsString: true, keep),
            to: dir + "/sls/actiontrail_audit_event.jsonl")

        // 4. SLS rows in a two-member gzip; `__time__` as a number.
        let a = slsRows((0..<share / 2).map { _ in next() }, timeAsString: false, keep)
        let b = slsRows((0..<share / 2).map { _ in next() }, timeAsString: false, keep)
        try SynthFiles.write(GzipWriter.compress(a) + GzipWriter.compress(b), to: dir + "/sls/export-part-2.jsonl.gz")

        // 5. A saved LookupEvents response: events are objects.
        do {
            let batch = (0..<share).map { _ in next() }
            batch.forEach { keep($0) }
            var body: [UInt8] = Array(
                "{\n  \"RequestId\": \"0D371542-0BC2-5DC2-9570-0299BEE7288D\",\n  \"Events\": [\n".utf8)
            body += Array(batch.map { Array("    ".utf8) + $0.json }.joined(separator: Array(",\n".utf8)))
            body += Array("\n  ],\n  \"NextToken\": \"\"\n}\n".utf8)
            try SynthFiles.write(body, to: dir + "/api/lookup-events.json")
        }

        // 6. A saved GetAccessKeyLastUsedProducts response: `Detail` strings hold events.
        do {
            let batch = (0..<share).map { _ in next() }
            var o: [UInt8] = Array("{\"RequestId\":\"145318BE-DEE1-4C57-AA7C-5BE7D34A6AE0\",\"Products\":[".utf8)
            for (i, e) in batch.enumerated() {
                keep(e)
                if i > 0 { o.append(0x2C) }
                o += Array("{\"UsedTimestamp\":\(e.timestamp),\"Detail\":".utf8) + quote(e.json)
                o += Array(",\"Source\":\"ManagementEvent\",\"ServiceName\":\"\(e.serviceName)\"}".utf8)
            }
            o += Array("]}\n".utf8)
            try SynthFiles.write(GzipWriter.compress(o), to: dir + "/api/products-response.json.gz")
        }

        // 7. One pretty-printed event saved from the console.
        do {
            let e = next(first, "Actiontrail", at: end - 3 * day)
            let text = PrettyJSON.format(e.json, baseIndent: 0)
            keep(e, detail: text)
            try SynthFiles.write(text + [0x0A], to: dir + "/console/single-event.json")
        }

        // 8. JSON lines of events, with a UTF-8 BOM.
        do {
            let batch = (0..<max(1, events - records.count)).map { _ in next() }
            batch.forEach { keep($0) }
            let body = [0xEF, 0xBB, 0xBF] + Array(batch.map(\.json).joined(separator: [0x0A])) + [0x0A]
            try SynthFiles.write(body, to: dir + "/jsonl/events-2026-10.jsonl")
        }
        return records
    }

    static func slsRows(_ events: [SynthEvent], timeAsString: Bool, _ keep: (SynthEvent, [UInt8]?) -> Void) -> [UInt8] {
        var out: [UInt8] = []
        for e in events {
            keep(e, nil)
            let secs = e.timestamp / 1000
            let time = timeAsString ? "\"\(secs)\"" : "\(secs)"
            out += Array(
                "{\"__time__\":\(time),\"__topic__\":\"actiontrail_audit_event\",\"__source__\":\"log_service\",\"event\":"
                    .utf8)
            out += quote(e.json) + Array("}\n".utf8)
        }
        return out
    }

    /// `bytes` as a JSON string literal.
    static func quote(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for b in bytes {
            if b == 0x22 || b == 0x5C { out.append(0x5C) }
            out.append(b)
        }
        out.append(0x22)
        return out
    }
}
