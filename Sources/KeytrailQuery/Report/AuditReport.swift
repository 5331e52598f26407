package import KeytrailStore

/// `keytrail report`: what an auditor reads — the index's coverage, every key with its status and
/// last use (by what needs action first), each key's services, and for the keys that need action
/// first their least-privilege policy. The HTML and Markdown forms are in the command line.
package struct AuditReport: Sendable {
    /// One key of the report: its audit row and the services it used in the window.
    package struct Key: Sendable {
        /// The audit's row (status, last use, principal).
        package var audited: AuditedKey
        /// Its products in the window, newest first (without Details).
        package var products: [Product]
        /// Its policy, for the keys shown in detail on a full index.
        package var policy: PolicyAnswer?
        /// Its events per ISO week of the window, every service summed (the keys shown in detail
        /// on a full index).
        package var activity: TimelineAnswer?
    }

    /// The index's coverage.
    package var status: IndexStatus
    /// The window every answer uses.
    package var window: Window
    /// Idle after this many days.
    package var idleAfterDays: Int
    /// Whether an inventory was given.
    package var withInventory: Bool
    /// Every key, by what needs action first.
    package var keys: [Key]
    /// How many of the first keys have a section of their own (services and policy).
    package var detailed: Int

    /// The report over `service`'s index: `detailed` keys (the first by need of action) with
    /// their policies (full index only).
    package init(
        service: APIService, status: IndexStatus, inventory: [String]?, idleAfterDays: Int, detailed: Int
    ) throws(QueryError) {
        let window = try service.window()
        var audit = try KeyAudit(
            reader: service.reader, asOf: window.asOf, idleAfterDays: idleAfterDays, inventory: inventory)
        audit.sort(by: .idle)
        let siblings = try QueryError.reading(try service.reader.keepsSiblings())
        var keys: [Key] = []
        for (i, k) in audit.keys.enumerated() {
            let products =
                k.lastUsed == nil
                ? [] : try service.products.answer(key: k.key, window: window, details: false).products
            var policy: PolicyAnswer?
            var activity: TimelineAnswer?
            if i < detailed && siblings && !products.isEmpty {
                policy = try service.policy(key: k.key, includeDenied: false)
                activity = try service.weekly(key: k.key, window: window)
            }
            keys.append(Key(audited: k, products: products, policy: policy, activity: activity))
        }
        self.status = status
        self.window = window
        self.idleAfterDays = idleAfterDays
        self.withInventory = inventory != nil
        self.keys = keys
        self.detailed = min(detailed, keys.count)
    }

    /// Keys per status, in the order of need.
    package var counts: [(status: AuditedKey.Status, count: Int)] {
        AuditedKey.Status.byNeed.compactMap { s in
            let n = keys.filter { $0.audited.status == s }.count
            return n == 0 ? nil : (s, n)
        }
    }
}
