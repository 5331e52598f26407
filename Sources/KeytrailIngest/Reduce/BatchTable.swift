import KeytrailExtract
import KeytrailScan

/// The latest event per (key, service) across a batch of files. Small fields stay in memory;
/// Detail text stays in the workers' spill files until the commit reads it back, so memory does
/// not grow with the number of distinct (key, service) pairs times the Detail size. Each spilled
/// Detail is preceded by its event's `SpillHeader` (where it was read), so the entry stays small.
struct BatchTable {
    /// One row, in 48 bytes. The rows of one event share the bytes of its key and eventId (and
    /// its spilled Detail). Its Detail is in `spills[spill]` at `detailOffset` (both in
    /// `spillOffset`): after its `SpillHeader` in a temporary file, or in the input it was read
    /// from (a `source` spill), whose header is rebuilt from the event's position. Offsets into
    /// the batch's byte storage and the hash are 32-bit (a merge that would take the storage past
    /// 4 GiB is refused, `IngestError.batchTooLarge`; the batch is cut long before, at
    /// `IngestOptions.batchBytes`); the hash's low 32 bits are all the slots use. The event's
    /// line and column (where it starts in its file) are stored before its eventId, once an
    /// event; a key or eventId of 65,535 bytes or more has its length there too (`long`).
    struct Entry {
        var timestamp: Int64
        /// The spill file above bit 48 (fewer than 65,536 of them), the Detail's offset in it below.
        var spillOffset: UInt64
        var start: UInt32
        var serviceStart: UInt32
        /// The event's line and column (4 bytes each), then its eventId.
        var idStart: UInt32
        var hash: UInt32
        var serviceCount: UInt32
        var detailCount: Int32
        var keyCount: UInt16
        var idCount: UInt16
        var source: EventSource

        var spill: Int32 { Int32(truncatingIfNeeded: spillOffset >> 48) }
        var detailOffset: Int { Int(truncatingIfNeeded: spillOffset & BatchTable.offsetMask) }

        /// Where a Detail is, as `spillOffset` holds it.
        static func spillOffset(_ spill: Int32, _ offset: Int) -> UInt64 {
            precondition(spill >= 0 && spill <= 0xFFFF, "fewer than 65,536 spill files")
            precondition(offset >= 0 && UInt64(offset) <= BatchTable.offsetMask, "a spill file holds less than 256 TiB")
            return UInt64(spill) << 48 | UInt64(offset)
        }
    }

    static let offsetMask: UInt64 = 1 << 48 - 1
    /// A `keyCount` or `idCount` saying the length is in the storage, before the bytes.
    static let long: UInt16 = .max

    private(set) var entries = Entries()
    private var slots = HashSlots()
    private let storage = ByteBuffer(capacity: 1 << 20)
    /// The most bytes `storage` may hold: what 32-bit offsets reach (less in a test).
    let storageLimit: Int
    private let scratch = ByteBuffer(capacity: 1 << 16)
    /// The newest timestamp offered.
    private(set) var newest = Int64.min
    /// The manifest names of the files merged into the batch, by batch-local index (a `SpillHeader`'s `file`).
    private(set) var files: [[UInt8]] = []
    private var fileIndex: [[UInt8]: UInt32] = [:]

    init(storageLimit: Int = Int(UInt32.max)) {
        self.storageLimit = min(storageLimit, Int(UInt32.max))
    }

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    /// The bytes of the entries' keys, tags and eventIds.
    var storedBytes: Int { storage.count }

    func key(_ e: Entry) -> UnsafeRawBufferPointer { counted(Int(e.start), e.keyCount) }

    func service(_ e: Entry) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.base + Int(e.serviceStart), count: Int(e.serviceCount))
    }

    func eventId(_ e: Entry) -> UnsafeRawBufferPointer { counted(Int(e.idStart) + 8, e.idCount) }

    /// The line and column where `e`'s event starts in its file.
    func position(_ e: Entry) -> (line: UInt32, column: UInt32) { position(Int(e.idStart)) }

    /// The line and column stored at `at` (an entry's `idStart`).
    private func position(_ at: Int) -> (line: UInt32, column: UInt32) {
        let p = UnsafeRawPointer(storage.base + at)
        return (p.loadUnaligned(as: UInt32.self), p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
    }

    /// The bytes at `at` of `count`, or, for a `long` count, the bytes after the length there.
    private func counted(_ at: Int, _ count: UInt16) -> UnsafeRawBufferPointer {
        if count != Self.long { return UnsafeRawBufferPointer(start: storage.base + at, count: Int(count)) }
        let n = Int(UnsafeRawPointer(storage.base + at).loadUnaligned(as: UInt32.self))
        return UnsafeRawBufferPointer(start: storage.base + at + 4, count: n)
    }

    /// Appends `bytes` (after their length when they are `long`), after `position` when given:
    /// where, and the count to keep.
    private func appendCounted(
        _ bytes: UnsafeRawBufferPointer, position: (line: UInt32, column: UInt32)? = nil
    ) -> (Int, UInt16) {
        let long = bytes.count >= Int(Self.long)
        precondition(bytes.count <= Int(UInt32.max), "a key or eventId is under 4 GiB")
        let at = storage.count
        storage.reserve(12 + bytes.count)
        func put(_ v: UInt32) {
            (storage.base + storage.count).storeBytes(of: v, toByteOffset: 0, as: UInt32.self)
            storage.count += 4
        }
        if let position {
            put(position.line)
            put(position.column)
        }
        if long { put(UInt32(bytes.count)) }
        _ = append(bytes)
        return (at, long ? Self.long : UInt16(bytes.count))
    }

    /// Frees the hash slots (4 bytes an entry or more) while the entries are committed: no entry
    /// can be looked up or merged until `removeAll`.
    mutating func releaseSlots() {
        slots = HashSlots()
        slotsReleased = true
    }

    /// Whether `releaseSlots` ran since the last `removeAll` (a merge then would duplicate rows).
    private var slotsReleased = false

    mutating func removeAll() {
        slotsReleased = false
        entries.removeAll()
        slots.reset()
        storage.count = 0
        newest = .min
        files.removeAll(keepingCapacity: true)
        fileIndex.removeAll(keepingCapacity: true)
    }

    /// The batch's entries, in chunks of 64K: growing never moves them, nor holds their room
    /// twice (an array doubling its capacity did both: 1.5M entries had 2.1M entries of room,
    /// and 1M more while they were copied).
    struct Entries {
        private static let shift = 16
        private static let mask = (1 << shift) - 1
        private var chunks: [[Entry]] = []
        private(set) var count = 0
        var isEmpty: Bool { count == 0 }
        var indices: Range<Int> { 0..<count }

        subscript(i: Int) -> Entry {
            get { chunks[i >> Self.shift][i & Self.mask] }
            _modify { yield &chunks[i >> Self.shift][i & Self.mask] }
        }

        mutating func append(_ e: Entry) {
            let c = count >> Self.shift
            if c == chunks.count {
                var chunk: [Entry] = []
                chunk.reserveCapacity(1 << Self.shift)
                chunks.append(chunk)
            }
            chunks[c].append(e)
            count += 1
        }

        /// Empties the entries, keeping their room for the next batch.
        mutating func removeAll() {
            for k in chunks.indices { chunks[k].removeAll(keepingCapacity: true) }
            count = 0
        }
    }

    /// The batch-local index of the file named `name`.
    mutating func index(of name: [UInt8]) -> UInt32 {
        if let i = fileIndex[name] { return i }
        let i = UInt32(files.count)
        files.append(name)
        fileIndex[name] = i
        return i
    }

    /// The Details of a file's winners, to be written to the merging worker's spill file once the
    /// batch's lock is let go (`write`): the merge only reserves their room.
    struct SpillWrite {
        let spill: Int
        let base: Int
        let bytes: Int
        let fileNumber: UInt32
        /// The file table's entries whose Details go, in the order of their offsets.
        let staged: [Int]

        /// Copies the Details (each after its `SpillHeader`) out of `file` into `staging` and
        /// writes them where the merge reserved, a piece of about `piece` bytes at a time (so
        /// that a worker does not hold its file's winners twice: a gzip file's are ~20 MB).
        func write(_ file: MaxRegisterTable, spills: [SpillFile], staging: ByteBuffer) throws(IngestError) {
            guard bytes > 0 else { return }
            staging.count = 0
            defer { staging.count = 0 }
            var written = 0
            func flush() throws(IngestError) {
                guard staging.count > 0 else { return }
                try spills[spill].write(staging.bytes, at: base + written)
                written += staging.count
                staging.count = 0
            }
            for i in staged {
                let e = file.entries[i]
                let detail = file.detail(e)
                let header = e.detailCount > 0 ? SpillHeader.size : 0
                if staging.count > 0 && staging.count + header + detail.count > Self.piece { try flush() }
                staging.reserve(header + detail.count)
                if header > 0 { SpillHeader(file: fileNumber, position: e.position).write(into: staging) }
                if detail.count > 0 {
                    (staging.base + staging.count).copyMemory(from: detail.baseAddress!, byteCount: detail.count)
                }
                staging.count += detail.count
            }
            try flush()
            precondition(written == bytes, "a spill write is the size the merge reserved")
        }

        /// About how many bytes a spill write gathers before writing them.
        static let piece = 1 << 20
    }

    /// Merges the table of the file whose manifest name is `name`. Room for the Details of its
    /// winners (each after its `SpillHeader`) is reserved in `spills[spill]` (the merging
    /// worker's own file); the returned `SpillWrite` must write them before the worker merges
    /// again. Losers are never written. Of two copies of one event with the same text, the one
    /// `Provenance.precedes` names stays. `source`: the spill that is the file itself, open
    /// (`SpillFile.init(source:)`): a Detail that is its bytes verbatim is read again from there,
    /// not written.
    mutating func merge(
        _ file: MaxRegisterTable, name: [UInt8], spill: Int, spills: [SpillFile], source: Int? = nil
    ) throws(IngestError) -> SpillWrite {
        precondition(!slotsReleased, "a batch being committed (its slots released) is merged into only after removeAll")
        // What the merge appends (keys and tags of new rows, eventIds once an event) is a part of
        // what the file's table stores, with at most 16 bytes more a row (an event's position, a
        // long key's and a long eventId's lengths): the offsets stay 32-bit.
        guard storage.count + file.storedBytes + 16 * file.count <= storageLimit else {
            throw .batchTooLarge(file: String(decoding: name, as: UTF8.self))
        }
        let fileNumber = index(of: name)
        let base = spills[spill].size
        var bytes = 0
        var order: [Int] = []
        // Rows won by one event share its eventId and Detail in the file's table: keep one copy of
        // the eventId and stage the Detail once. Its rows come one after another, with one key.
        // An event's activity row holds its own copy of the eventId in the file's table (it has
        // no Detail), and comes right after the event's other rows: the same id at the same
        // position as the one appended last is that one.
        var ids: [Int: (Int, UInt16)] = [:]
        var lastId: (Int, UInt16)?
        func idOnce(_ e: MaxRegisterTable.Entry) -> (Int, UInt16) {
            if let at = ids[e.idStart] { return at }
            let position = (UInt32(truncatingIfNeeded: e.position.line), UInt32(truncatingIfNeeded: e.position.column))
            let id = file.eventId(e)
            if let l = lastId, LatestWins.compareBytes(counted(l.0 + 8, l.1), id) == 0,
                self.position(l.0) == position
            {
                ids[e.idStart] = l
                return l
            }
            let at = appendCounted(id, position: position)
            ids[e.idStart] = at
            lastId = at
            return at
        }
        var lastKey: (Int, UInt16)?
        func keyOnce(_ key: UnsafeRawBufferPointer) -> (Int, UInt16) {
            if let k = lastKey, LatestWins.compareBytes(counted(k.0, k.1), key) == 0 { return k }
            let at = appendCounted(key)
            lastKey = at
            return at
        }
        var staged: [Int: (spill: Int32, offset: Int)] = [:]
        func stageOnce(_ i: Int) -> (spill: Int32, offset: Int) {
            let e = file.entries[i]
            if let at = staged[e.idStart] { return at }
            if let source, e.sourceOffset >= 0, e.position.line <= Int(UInt32.max), e.position.column <= Int(UInt32.max)
            {
                let at = (Int32(source), e.sourceOffset)
                staged[e.idStart] = at
                return at
            }
            // A row without a Detail (activity) carries no provenance either: nothing is spilled.
            if e.detailCount > 0 { bytes += SpillHeader.size }
            let at = (Int32(spill), base + bytes)
            bytes += e.detailCount
            order.append(i)
            staged[e.idStart] = at
            return at
        }
        for (i, e) in file.entries.enumerated() {
            newest = max(newest, e.timestamp)
            let key = file.key(e)
            let service = file.service(e)
            let id = file.eventId(e)
            let hash = UInt32(truncatingIfNeeded: e.hash)
            let (slot, hit) = slots.find(UInt64(hash)) { i in
                let x = entries[i]
                return x.hash == hash && LatestWins.compareBytes(self.key(x), key) == 0
                    && LatestWins.compareBytes(self.service(x), service) == 0
            }
            if let found = hit {
                let x = entries[found]
                // `LatestWins`, with the Detail read back only for a tie on time and eventId (rare).
                let c = LatestWins.compare(e.timestamp, id, x.timestamp, eventId(x))
                if c < 0 { continue }
                if c == 0 {
                    scratch.count = 0
                    scratch.reserve(SpillHeader.size + Int(x.detailCount))
                    let old = try readDetail(x, spills: spills, to: scratch.base)
                    let stored = UnsafeRawBufferPointer(
                        start: scratch.base + SpillHeader.size, count: Int(x.detailCount))
                    let d = LatestWins.compareBytes(file.detail(e), stored)
                    if d < 0 { continue }
                    if d == 0 {
                        guard let old else { continue }
                        guard
                            Provenance.precedes(
                                Provenance(
                                    file: name, line: Int64(e.position.line), column: Int64(e.position.column)),
                                old.provenance(files))
                        else { continue }
                    }
                }
                // The event's id and position (the id may be the same, the position not).
                let (idStart, idCount) = idOnce(e)
                entries[found].idStart = UInt32(idStart)
                entries[found].idCount = idCount
                entries[found].timestamp = e.timestamp
                entries[found].source = e.source
                let at = stageOnce(i)
                entries[found].spillOffset = Entry.spillOffset(at.spill, at.offset)
                entries[found].detailCount = Int32(e.detailCount)
            } else {
                let (start, keyCount) = keyOnce(key)
                let serviceStart = append(service)
                let (idStart, idCount) = idOnce(e)
                let at = stageOnce(i)
                entries.append(
                    Entry(
                        timestamp: e.timestamp, spillOffset: Entry.spillOffset(at.spill, at.offset),
                        start: UInt32(start),
                        serviceStart: UInt32(serviceStart), idStart: UInt32(idStart), hash: hash,
                        serviceCount: UInt32(e.serviceCount), detailCount: Int32(e.detailCount), keyCount: keyCount,
                        idCount: idCount, source: e.source))
                slots.insert(entries.count - 1, at: slot, count: entries.count) { UInt64(entries[$0].hash) }
            }
        }
        _ = spills[spill].reserve(bytes)
        return SpillWrite(spill: spill, base: base, bytes: bytes, fileNumber: fileNumber, staged: order)
    }

    /// Reads `e`'s Detail to `destination + SpillHeader.size` (`destination` has room for the
    /// header and the Detail) and returns where its event was read; nil for a row without a
    /// Detail (nothing is read).
    func readDetail(
        _ e: Entry, spills: [SpillFile], to destination: UnsafeMutableRawPointer
    ) throws(IngestError) -> SpillHeader? {
        let count = Int(e.detailCount)
        guard count > 0 else { return nil }
        let spill = spills[Int(e.spill)]
        if let source = spill.source {
            try spill.read(offset: e.detailOffset, count: count, to: destination + SpillHeader.size)
            let (line, column) = position(e)
            return SpillHeader(file: source.file, line: Int64(line), column: Int64(column))
        }
        // The header comes with the Detail, in the same read.
        try spill.read(offset: e.detailOffset - SpillHeader.size, count: SpillHeader.size + count, to: destination)
        return SpillHeader(UnsafeRawBufferPointer(start: destination, count: SpillHeader.size))
    }

    /// The indices of the entries `keep` keeps, ordered by where their Details are: the rows of
    /// one event (sharing its Detail) sit together.
    /// (An LSD radix sort on (spill, offset): the comparison sort took 0.4 s of a commit of 1.5M rows.)
    func spillOrder(_ keep: (Int) -> Bool) -> [UInt32] {
        let items = entries.indices.compactMap { keep($0) ? UInt32($0) : nil }
        let words = items.map { entries[Int($0)].spillOffset }
        return Self.radixOrder(words).map { items[Int($0)] }
    }

    /// Positions 0..<words.count ordered by `words`, ties in position order (a stable LSD radix
    /// sort, a byte a pass; a pass where every word has the same byte is skipped). The byte counts
    /// of all passes are taken in one read of the words, and each pass moves the words with their
    /// positions, so it reads them in order rather than through the positions (`perf`: the sort
    /// was 7 % of a first build's CPU, most of it cache misses).
    static func radixOrder(_ words: [UInt64]) -> [UInt32] {
        let n = words.count
        guard n > 1 else { return n == 1 ? [0] : [] }
        precondition(n <= Int(UInt32.max), "a batch holds fewer than 2^32 rows")
        var counts = [Int](repeating: 0, count: 8 * 256)
        counts.withUnsafeMutableBufferPointer { c in
            for x in words {
                for pass in 0..<8 { c[pass << 8 | Int(truncatingIfNeeded: x >> UInt64(pass * 8)) & 0xFF] += 1 }
            }
        }
        // The first pass reads `words` (the caller's: not copied); the others go back and forth.
        var keys: [UInt64] = []
        var moved = [UInt64](repeating: 0, count: n)
        var order = (0..<n).map { UInt32(truncatingIfNeeded: $0) }
        var next = [UInt32](repeating: 0, count: n)
        var at = [Int](repeating: 0, count: 256)
        for pass in 0..<8 {
            let histogram = counts[(pass << 8)..<((pass + 1) << 8)]
            if histogram.contains(n) { continue }
            var sum = 0
            for (b, k) in histogram.enumerated() {
                at[b] = sum
                sum += k
            }
            let shift = UInt64(pass * 8)
            (keys.isEmpty ? words : keys).withUnsafeBufferPointer { from in
                order.withUnsafeBufferPointer { fromOrder in
                    moved.withUnsafeMutableBufferPointer { to in
                        next.withUnsafeMutableBufferPointer { toOrder in
                            at.withUnsafeMutableBufferPointer { at in
                                for i in 0..<n {
                                    let x = from[i]
                                    let b = Int(truncatingIfNeeded: x >> shift) & 0xFF
                                    let j = at[b]
                                    at[b] = j + 1
                                    to[j] = x
                                    toOrder[j] = fromOrder[i]
                                }
                            }
                        }
                    }
                }
            }
            if keys.isEmpty { keys = [UInt64](repeating: 0, count: n) }
            swap(&keys, &moved)
            swap(&order, &next)
        }
        return order
    }

    /// Entry indices ordered by the first 16 bytes of key then tag: the index's rows of one key
    /// are written together, not all over its B-tree. (An LSD radix sort: a comparison sort of
    /// millions of entries took seconds of the commit.) 32-bit, as every order of the commit's
    /// (a batch holds fewer than 2^32 rows): the orders of 1.5M rows held 12 MB each at the
    /// commit's peak.
    func rowOrder() -> [UInt32] { keyOrder(count: entries.count) { $0 } }

    /// Positions in `items` (entry indices) ordered as `rowOrder` orders entries.
    func keyOrder(_ items: [Int]) -> [Int] { keyOrder(count: items.count) { items[$0] }.map { Int($0) } }

    /// Positions 0..<count ordered as `rowOrder` orders the entries `entry` names.
    private func keyOrder(count n: Int, _ entry: (Int) -> Int) -> [UInt32] {
        func prefix(_ b: UnsafeRawBufferPointer, _ from: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in from..<(from + 8) { v = v << 8 | UInt64(k < b.count ? b[k] : 0) }
            return v
        }
        var hi = [UInt64](repeating: 0, count: n)
        var lo = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            // The key's first 12 bytes and the tag's first 4 (kind, then its length-prefixed service).
            let e = entries[entry(i)]
            let k = key(e)
            hi[i] = prefix(k, 0)
            lo[i] = prefix(k, 8) & 0xFFFF_FFFF_0000_0000 | prefix(service(e), 0) >> 32
        }
        // Low word first, then (stable) the high word: ordered by both.
        let byLow = Self.radixOrder(lo)
        lo = []
        let byHigh = Self.radixOrder(byLow.map { hi[Int($0)] })
        hi = []
        return byHigh.map { byLow[Int($0)] }
    }

    private func append(_ b: UnsafeRawBufferPointer) -> Int {
        storage.reserve(b.count)
        let start = storage.count
        if b.count > 0 { (storage.base + start).copyMemory(from: b.baseAddress!, byteCount: b.count) }
        storage.count += b.count
        return start
    }
}
