import KeytrailQuery
import KeytrailStore

/// `keytrail keys`: every key in the index with its last use; with `--inventory`, the keys a
/// rotation review needs (never seen, not in the inventory, idle).
enum KeysCommand {
    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(
            args, options: QueryOptions.names.union(["format", "unused-for", "inventory"]), flags: [])
        guard a.positionals.isEmpty else { throw UsageError(message: "keys takes no positional arguments") }
        let options = try QueryOptions(a)
        let format = a.value("format") ?? "table"
        guard ["table", "json", "csv"].contains(format) else {
            throw UsageError(message: "--format must be table, json or csv, got '\(format)'")
        }
        let unusedFor = try a.integer("unused-for", range: 0...1_000_000)
        var inventory: [String]?
        if let path = a.value("inventory") {
            let bytes = try Output.readFile(path)
            do throws(InventoryError) {
                inventory = try KeyAudit.inventory(bytes)
            } catch {
                throw UsageError(message: "\(path):\(error.line): \(error.message)")
            }
        }
        let service = try options.service()
        let asOf = try service.products.window(asOf: options.asOf, days: options.days).asOf
        var audit = try KeyAudit(
            reader: service.reader, asOf: asOf, idleAfterDays: unusedFor ?? options.days, inventory: inventory)
        // Without an inventory, --unused-for lists only the keys idle that long.
        if inventory == nil && unusedFor != nil { audit.keys.removeAll { $0.status != .idle } }
        switch format {
        case "json": Output.out(audit.json())
        case "csv": Output.out(audit.csv())
        default: Output.out(audit.table())
        }
        return 0
    }
}
