import KeytrailScan

/// Where a stored event was read, its file named by the index's `file_names` id.
package struct EventOrigin: Equatable, Sendable {
    /// The `file_names` id of the file's manifest name.
    package var file: Int64
    /// 1-based line.
    package var line: Int64
    /// 1-based byte column.
    package var column: Int64

    /// An origin.
    package init(file: Int64, line: Int64, column: Int64) {
        self.file = file
        self.line = line
        self.column = column
    }
}

extension IndexWriter {
    /// The `file_names` id of the manifest name `name`, added when new (inside the caller's
    /// transaction: an id is valid until it rolls back).
    package func fileId(_ name: [UInt8]) throws(IndexError) -> Int64 {
        try IndexError.wrapping { () throws(SQLiteError) -> Int64 in
            name.withUnsafeBytes { insertFileName.bindBlob(1, $0) }
            try insertFileName.run()
            defer { findFileName.reset() }
            name.withUnsafeBytes { findFileName.bindBlob(1, $0) }
            guard try findFileName.step() else { preconditionFailure("file_names lost a name just inserted") }
            return findFileName.int64(0)
        }
    }

    /// The manifest name of `file_names` id `id` (empty when there is none: a corrupt index).
    func fileName(_ id: Int64) throws(IndexError) -> [UInt8] {
        try IndexError.wrapping { () throws(SQLiteError) -> [UInt8] in
            defer { nameOfFile.reset() }
            nameOfFile.bind(1, id)
            return try nameOfFile.step() ? nameOfFile.bytes(0) : []
        }
    }

    /// `Provenance.precedes` for two origins in this index.
    func precedes(_ a: EventOrigin?, _ b: EventOrigin?) throws(IndexError) -> Bool {
        guard let a, let b, a.file != b.file else {
            return Provenance.precedes(
                a.map { Provenance(file: [], line: $0.line, column: $0.column) },
                b.map { Provenance(file: [], line: $0.line, column: $0.column) })
        }
        return Provenance.precedes(
            Provenance(file: try fileName(a.file), line: a.line, column: a.column),
            Provenance(file: try fileName(b.file), line: b.line, column: b.column))
    }
}
