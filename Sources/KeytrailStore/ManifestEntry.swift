/// A file the manifest records as ingested.
package struct ManifestEntry: Equatable, Sendable {
    /// Size in bytes when ingested.
    package var size: Int64
    /// Modification time in nanoseconds since the epoch.
    package var mtimeNanos: Int64
    /// Content checksum of the raw (possibly compressed) bytes.
    package var checksum: [UInt8]

    /// Creates an entry.
    package init(size: Int64, mtimeNanos: Int64, checksum: [UInt8]) {
        self.size = size
        self.mtimeNanos = mtimeNanos
        self.checksum = checksum
    }
}
