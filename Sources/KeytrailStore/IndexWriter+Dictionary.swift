extension IndexWriter {
    /// The dictionary new Details are compressed with (meta 'dictionary'), if the index has one.
    package func detailDictionary() throws(IndexError) -> DetailDictionary? {
        try IndexError.wrapping { () throws(SQLiteError) -> DetailDictionary? in
            guard let id = try db.scalarInt("SELECT value FROM meta WHERE name = 'dictionary'"),
                let bytes = try Self.dictionary(UInt32(truncatingIfNeeded: id), in: db)
            else { return nil }
            return DetailDictionary(bytes)
        }
    }

    /// Stores `d` and makes it the one new Details are compressed with (in the transaction).
    package func adopt(_ d: DetailDictionary) throws(IndexError) {
        try IndexError.wrapping { () throws(SQLiteError) in
            let st = try db.prepare("INSERT OR IGNORE INTO dictionaries(id, dict) VALUES(?1, ?2)")
            st.bind(1, Int64(d.id))
            d.bytes.withUnsafeBytes { st.bindBlob(2, $0) }
            try st.run()
            try db.execute("INSERT OR REPLACE INTO meta(name, value) VALUES('dictionary', \(d.id))")
        }
    }

    /// The bytes of dictionary `id` in `db`.
    package static func dictionary(_ id: UInt32, in db: Database) throws(SQLiteError) -> [UInt8]? {
        let q = try db.prepare("SELECT dict FROM dictionaries WHERE id = ?1")
        q.bind(1, Int64(id))
        return try q.step() ? q.bytes(0) : nil
    }

    /// Copies the attached shard's dictionaries (its Details are copied as stored); refuses a
    /// shard whose dictionary has the id of another one here (ids are 32-bit content hashes:
    /// this is all but impossible, and would make Details undecodable).
    func uniteDictionaries() throws(IndexError) {
        let clash = try IndexError.wrapping { () throws(SQLiteError) in
            try db.scalarInt(
                "SELECT s.id FROM shard.dictionaries s JOIN main.dictionaries m ON m.id = s.id WHERE m.dict <> s.dict")
        }
        if let clash { throw .dictionaryClash(path: db.path, id: UInt32(truncatingIfNeeded: clash)) }
        try IndexError.wrapping { () throws(SQLiteError) in
            try db.execute("INSERT OR IGNORE INTO main.dictionaries(id, dict) SELECT id, dict FROM shard.dictionaries")
        }
    }
}

extension DetailCodec {
    /// A codec that finds the dictionaries of the index `db` (for whoever reads stored Details).
    package convenience init(reading db: Database) {
        self.init(dictionaries: { id in try? IndexWriter.dictionary(id, in: db) })
    }
}
