/// Which commit of which index file a read sees: the file (device and inode, and the random key
/// its schema was created with) and the commit in it (its generation and random name). Every
/// write transaction of `IndexWriter` raises the generation and draws a new name, and a first
/// build puts a new file in place, so two reads with equal identities read the same rows. (A
/// copy of an index file is the same index: its answers are too, until one of the two is written.)
package struct IndexCommit: Hashable, Sendable {
    /// The file read.
    package var device: UInt64
    package var inode: UInt64
    /// `meta.token_key` (empty in a file without a schema).
    package var token: [UInt8]
    /// `meta.gen`: 0 before the first commit.
    package var generation: Int64
    /// `meta.commit`: the last commit's random name (empty before the first, or after a commit by
    /// a keytrail that did not name its commits).
    package var name: [UInt8]

    /// An identity.
    package init(device: UInt64, inode: UInt64, token: [UInt8], generation: Int64, name: [UInt8] = []) {
        self.device = device
        self.inode = inode
        self.token = token
        self.generation = generation
        self.name = name
    }

    /// Whether both name the same file (their generations may differ).
    package func sameFile(as other: IndexCommit) -> Bool {
        device == other.device && inode == other.inode && token == other.token
    }
}

extension IndexReader {
    /// The commit this reader reads now: call it inside `snapshot`, so that it names the commit
    /// the snapshot's other reads see.
    /// nil when the reads are not one transaction (a `BEGIN` that failed): they may see two commits.
    package func commitRead() throws(IndexError) -> IndexCommit? {
        guard snapshots > 0, db.inTransaction else { return nil }
        let c = connection
        if c.token == nil { c.token = try tokenKey() }
        return IndexCommit(
            device: c.device, inode: c.inode, token: c.token ?? [], generation: try generation(),
            name: try metaBytes("commit"))
    }
}
