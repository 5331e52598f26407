package import KeytrailScan

/// One key of an audit: what the index knows of it, and where it stands.
package struct AuditedKey: Equatable, Sendable {
    /// Where a key stands in a rotation review.
    package enum Status: String, Sendable, CaseIterable {
        /// Used within the threshold.
        case active
        /// Last used before the threshold.
        case idle
        /// In the inventory, never seen in the archive.
        case neverSeen = "never-seen"
        /// Seen in the archive, missing from the inventory.
        case notInInventory = "not-in-inventory"

        /// The statuses by what needs action first: keys in use that nobody listed, listed keys
        /// never used, idle keys, then active ones.
        package static let byNeed: [Status] = [.notInInventory, .neverSeen, .idle, .active]
    }

    /// The AccessKey ID.
    package var key: String
    /// Its status.
    package var status: Status
    /// What the index knows (nil for a key never seen).
    package var lastUsed: Int64?
    /// Services used.
    package var services: Int
    /// The service of the newest event.
    package var lastService: String
    /// The principal of the newest event.
    package var identity: EventIdentity
    /// Whole days from the last use to the as-of time.
    package var idleDays: Int?
}
