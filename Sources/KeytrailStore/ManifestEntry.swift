package import KeytrailPOSIX

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

    /// Whether a file of status `st` is still the one recorded, as the manifest judges files:
    /// the same size and modification time.
    package func matches(_ st: FileStatus) -> Bool { st.size == size && st.mtimeNanos == mtimeNanos }
}

/// One row of the manifest as `keytrail manifest` lists it.
package struct ManifestRecord: Equatable, Sendable {
    /// The file's name: its absolute path, or the logical name it was ingested under.
    package var name: [UInt8]
    /// The `--until` it was ingested with (`Int64.max` for none).
    package var until: Int64
    /// Its size, mtime and checksum when ingested.
    package var entry: ManifestEntry
    /// Events read from it.
    package var events: Int64
    /// When it was committed (wall clock, epoch ms).
    package var ingestedAt: Int64
}
