import KeytrailScan

/// Progress of a running ingest, for a terminal status line: a snapshot of `LiveProgress`.
package struct IngestProgress: Sendable, Equatable {
    /// Whether the inputs have been found (before that, the totals are unknown).
    package var started = true
    /// Files handled so far (read, copies and unchanged ones).
    package var filesDone = 0
    /// Files to handle.
    package var filesTotal = 0
    /// Events read so far, within files too.
    package var events = 0
    /// Raw bytes read so far, within files too.
    package var bytes = 0
    /// Raw bytes of the files to read (unchanged files left out; 0 when unknown, as for a pipe).
    package var bytesTotal = 0
    /// Decompressed bytes framed so far, within files too.
    package var bytesDecompressed = 0
    /// Seconds since the inputs were found.
    package var seconds = 0.0

    /// A snapshot with these counters.
    package init(
        started: Bool = true, filesDone: Int = 0, filesTotal: Int = 0, events: Int = 0, bytes: Int = 0,
        bytesTotal: Int = 0, bytesDecompressed: Int = 0, seconds: Double = 0
    ) {
        self.started = started
        self.filesDone = filesDone
        self.filesTotal = filesTotal
        self.events = events
        self.bytes = bytes
        self.bytesTotal = bytesTotal
        self.bytesDecompressed = bytesDecompressed
        self.seconds = seconds
    }

    /// Decompressed megabytes (10^6 bytes) per second so far.
    package var megabytesPerSecond: Double { seconds > 0 ? Double(bytesDecompressed) / 1e6 / seconds : 0 }

    /// Seconds left at the raw rate so far, once it means something (a second in, bytes read,
    /// the total known).
    package var secondsLeft: Double? {
        guard bytes > 0, seconds >= 1, bytesTotal > 0 else { return nil }
        return Double(max(bytesTotal - bytes, 0)) / (Double(bytes) / seconds)
    }

    /// The line, at most `width` columns: `ingest: 3/10 files, 120/800 MB, 45.2 MB/s, ETA 0:15,
    /// 5000 events`. Fields that do not fit are left off from the end (the events first, then the
    /// ETA, the rate, the megabytes); the files are cut when even they do not fit.
    package func line(width: Int) -> String {
        guard started else { return String("ingest: looking for files".prefix(max(width, 0))) }
        var fields = ["ingest: \(filesDone)/\(filesTotal) files"]
        let read = bytesTotal > 0 ? "\(Self.megabytes(min(bytes, bytesTotal), of: bytesTotal))/" : ""
        fields.append(read + "\(Self.megabytes(bytesTotal > 0 ? bytesTotal : bytes, of: bytesTotal)) MB")
        // The rate is of what the scanner reads; for gzip that is more than the raw bytes, and said so.
        let rate = JSONOutput.formatDecimal(megabytesPerSecond, digits: 1)
        fields.append(bytesDecompressed > bytes ? "\(rate) MB/s decompressed" : "\(rate) MB/s")
        if let left = secondsLeft { fields.append("ETA \(Self.duration(left))") }
        fields.append("\(events) events")
        var line = ""
        for f in fields {
            let next = line.isEmpty ? f : line + ", " + f
            guard next.utf8.count <= width else { break }
            line = next
        }
        return line.isEmpty ? String(fields[0].prefix(max(width, 0))) : line
    }

    /// `n` bytes in megabytes: one decimal below 10 MB (so that a small total still moves), whole above.
    static func megabytes(_ n: Int, of total: Int) -> String {
        let mb = Double(n) / 1e6
        return JSONOutput.formatDecimal(mb, digits: max(total, n) < 10_000_000 ? 1 : 0)
    }

    /// `0:15`, `12:03`, `2:05:09`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(min(seconds, 359_999).rounded(.up))
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return s >= 3600 ? "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" : "\(s / 60):\(two(s % 60))"
    }
}
