package import KeytrailScan

extension IndexWriter {
    /// Offers one (key, service) candidate: the product row and its event's Detail (a shorthand
    /// for `offerDimension` and `referenceEvent`, for callers that offer one row at a time).
    package func offerProduct(
        key: UnsafeRawBufferPointer,
        service: UnsafeRawBufferPointer,
        timestamp: Int64,
        eventId: UnsafeRawBufferPointer,
        source: EventSource,
        detail: UnsafeRawBufferPointer
    ) throws(IndexError) {
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        switch try offerDimension(
            key: key, .product, service: service, name: none, sub: none, timestamp: timestamp, eventId: eventId)
        {
        case .won:
            try referenceEvent(
                key: key, service: service, timestamp: timestamp, eventId: eventId, source: source, detail: detail,
                rows: 1)
        case .same:
            try referenceEvent(
                key: key, service: service, timestamp: timestamp, eventId: eventId, source: source, detail: detail,
                rows: 0)
        case .lost: break
        }
    }

    /// What offering a sibling row did.
    package enum DimensionOffer: Sendable {
        /// The row keeps its event.
        case lost
        /// The row already names this event (only a greater copy of its text can change it).
        case same
        /// The row now names this event: it needs one more reference.
        case won
    }

    /// Offers one candidate row (key, kind, service, name, sub): it names the latest (timestamp,
    /// eventId) offered, by `LatestWins`. `new`: the caller knows the row does not exist (the
    /// index `startedEmpty` and each row is offered once in the transaction); such rows are
    /// inserted many at a time, so their bytes must stay valid until the commit (or the next
    /// offer that is not `new`). The event's Detail
    /// is stored by `referenceEvent`, once for all the rows it won; the event a row stops naming
    /// is released by `releaseEvents` (before the commit).
    package func offerDimension(
        key: UnsafeRawBufferPointer,
        _ kind: Dimension,
        service: UnsafeRawBufferPointer,
        name: UnsafeRawBufferPointer,
        sub: UnsafeRawBufferPointer,
        timestamp: Int64,
        eventId: UnsafeRawBufferPointer,
        new: Bool = false
    ) throws(IndexError) -> DimensionOffer {
        try IndexError.wrapping { () throws(SQLiteError) in
            try offerDimensionRow(
                key: key, kind, service: service, name: name, sub: sub, timestamp: timestamp, eventId: eventId,
                new: new)
        }
    }

    private func offerDimensionRow(
        key: UnsafeRawBufferPointer, _ kind: Dimension, service: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer,
        sub: UnsafeRawBufferPointer, timestamp: Int64, eventId: UnsafeRawBufferPointer, new: Bool
    ) throws(SQLiteError) -> DimensionOffer {
        func bindRow(_ st: Statement) {
            st.bindStaticText(1, key)
            st.bind(2, Int64(kind.rawValue))
            st.bindStaticText(3, service)
            st.bindStaticText(4, name)
            st.bindStaticText(5, sub)
        }
        if new {
            pendingRows.append(
                key: key, kind: kind, service: service, name: name, sub: sub, timestamp: timestamp, eventId: eventId)
            if pendingRows.count == DimensionRows.batch {
                pendingRows.bind(to: insertDims)
                defer { insertDims.resetKeepingBindings() }
                try insertDims.step()
                pendingRows.removeAll()
            }
            return .won
        }
        try flushRowsUnwrapped()
        var old: EventRef?
        if !new {
            bindRow(findDim)
            if try findDim.step() {
                old = EventRef(
                    key: Array(key), service: Array(service), timestamp: findDim.int64(0), id: findDim.bytes(1))
            }
            findDim.reset()
        }
        if let old {
            let c = old.id.withUnsafeBytes { LatestWins.compare(timestamp, eventId, old.timestamp, $0) }
            if c < 0 { return .lost }
            if c == 0 { return .same }
            released[old, default: 0] += 1
            // Only listings page; products are answered whole.
            if kind != .product {
                bindRow(recordHistory)
                recordHistory.bind(6, generation)
                recordHistory.bind(7, old.timestamp)
                recordHistory.bind(8, now)
                try recordHistory.run()
            }
        }
        let st = old == nil ? insertDim : updateDim
        bindRow(st)
        st.bind(6, timestamp)
        st.bindStaticText(7, eventId)
        try st.run()
        return .won
    }

    /// Inserts the new rows offered and not yet inserted.
    func flushRows() throws(IndexError) {
        try IndexError.wrapping { () throws(SQLiteError) in try flushRowsUnwrapped() }
    }

    private func flushRowsUnwrapped() throws(SQLiteError) {
        guard pendingRows.count > 0 else { return }
        defer { pendingRows.removeAll() }
        for k in 0..<pendingRows.count { try pendingRows.insert(k, with: insertDim) }
    }

    /// Stores an event's Detail for `rows` more rows that now name it (once however many), or,
    /// with `rows` 0, keeps the latest of its stored text and `detail` (by `LatestWins`: the
    /// greater as bytes). The provenance goes with the text kept; of one text, the origin
    /// `Provenance.precedes` names stays (a stored event without one, from before v3, takes it).
    /// `new`: the index `startedEmpty`, so an event not offered before in this transaction (the
    /// writer remembers a hash of each) cannot be stored yet: such events are inserted many at a
    /// time, so their bytes must stay valid until `flushDetails` (or the commit, or the next call
    /// that is not such an event).
    package func referenceEvent(
        key: UnsafeRawBufferPointer, service: UnsafeRawBufferPointer, timestamp: Int64, eventId: UnsafeRawBufferPointer,
        source: EventSource, detail: UnsafeRawBufferPointer, compressed: Bool = false, rows: Int,
        origin: EventOrigin? = nil, new: Bool = false
    ) throws(IndexError) {
        if new && rows > 0 {
            var h = Hasher()
            h.combine(bytes: key)
            h.combine(key.count)
            h.combine(bytes: service)
            h.combine(service.count)
            h.combine(timestamp)
            h.combine(bytes: eventId)
            if newEvents.insert(h.finalize()).inserted {
                pendingDetails.append(
                    key: key, service: service, timestamp: timestamp, eventId: eventId, rows: rows,
                    source: Int64(source.code), detail: detail, compressed: compressed, origin: origin)
                guard pendingDetails.count == DetailRows.batch else { return }
                pendingDetails.bind(0..<DetailRows.batch, to: insertDetails)
                defer {
                    insertDetails.resetKeepingBindings()
                    pendingDetails.removeAll()
                }
                _ = try IndexError.wrapping { () throws(SQLiteError) in try insertDetails.step() }
                return
            }
        }
        // Maybe stored already (its hash was seen): the pending events go in first, so the
        // lookup below finds them.
        try flushDetails()
        func bind(_ st: Statement) {
            st.bind(1, timestamp)
            st.bindStaticText(2, eventId)
            st.bind(3, Int64(source.code))
            st.bind(5, Int64(rows))
            st.bindStaticText(6, key)
            st.bindStaticText(7, service)
            if let origin {
                st.bind(8, origin.file)
                st.bind(9, origin.line)
                st.bind(10, origin.column)
            }
        }
        if rows > 0 {
            bind(addDetailRef)
            if compressed { addDetailRef.bindStaticBlob(4, detail) } else { addDetailRef.bindStaticText(4, detail) }
            try IndexError.wrapping { () throws(SQLiteError) in try addDetailRef.run() }
            if db.changes == 1 { return }
        }
        // The event is stored already: keep the greater text of the two.
        findDetail.bindStaticText(1, key)
        findDetail.bindStaticText(2, service)
        findDetail.bind(3, timestamp)
        findDetail.bindStaticText(4, eventId)
        defer { findDetail.reset() }
        guard try IndexError.wrapping({ () throws(SQLiteError) in try findDetail.step() }) else { return }
        var order = 0
        let same = findDetail.withBytes(0) { stored in LatestWins.compareBytes(stored, detail) == 0 }
        if !same {
            let old: [UInt8]? =
                findDetail.isBlob(0) ? findDetail.withBytes(0) { codec.decode($0) } : findDetail.bytes(0)
            let new = compressed ? codec.decode(detail) : Array(detail)
            guard let old, let new else { throw .corruptDetail(path: db.path, whileWriting: true) }
            order = new.withUnsafeBytes { n in old.withUnsafeBytes { o in LatestWins.compareBytes(n, o) } }
        }
        let stored =
            findDetail.isNull(1)
            ? nil : EventOrigin(file: findDetail.int64(1), line: findDetail.int64(2), column: findDetail.int64(3))
        findDetail.reset()
        let greater = order > 0
        var moves = greater
        if order == 0 && origin != stored { moves = try precedes(origin, stored) }
        if !moves && rows == 0 { return }
        bind(raiseDetail)
        raiseDetail.bind(11, moves ? 1 : 0)
        if !greater {
            raiseDetail.bindNull(4)
        } else if compressed {
            raiseDetail.bindStaticBlob(4, detail)
        } else {
            raiseDetail.bindStaticText(4, detail)
        }
        try IndexError.wrapping { () throws(SQLiteError) in try raiseDetail.run() }
    }

    /// Inserts the new events offered and not yet inserted (their bytes may go after this).
    package func flushDetails() throws(IndexError) {
        guard pendingDetails.count > 0 else { return }
        defer { pendingDetails.removeAll() }
        for k in 0..<pendingDetails.count {
            pendingDetails.bind(k..<(k + 1), to: insertDetail)
            try IndexError.wrapping { () throws(SQLiteError) in try insertDetail.run() }
        }
    }

    /// Releases the events rows stopped naming in this transaction; an event no row names is
    /// deleted. `commit` does this too.
    package func releaseEvents() throws(IndexError) {
        defer { released.removeAll() }
        for (event, n) in released {
            for st in [dropDetailRef, deleteDetail] {
                st.bind(1, event.timestamp)
                event.id.withUnsafeBytes { st.bindText(2, $0) }
                st.bind(3, Int64(n))
                event.key.withUnsafeBytes { st.bindText(6, $0) }
                event.service.withUnsafeBytes { st.bindText(7, $0) }
                try IndexError.wrapping { () throws(SQLiteError) in try st.run() }
            }
        }
    }

    /// An event as rows name it.
    struct EventRef: Hashable {
        var key: [UInt8]
        var service: [UInt8]
        var timestamp: Int64
        var id: [UInt8]
    }
}
