import KeytrailQuery

/// `keytrail keys`: every key in the index with its last use; with `--inventory`, the keys a
/// rotation review needs (never seen, not in the inventory, idle).
enum KeysCommand {
    static func run(_ args: [String]) throws(CLIError) -> Int32 {
        let a = try Arguments(args, command: CommandTable.keys)
        guard a.positionals.isEmpty else { throw .usage("keys takes no positional arguments") }
        let options = try QueryOptions(a)
        let format = a.value("format") ?? "table"
        guard ["table", "json", "csv"].contains(format) else {
            throw .usage("--format must be table, json or csv, got '\(format)'")
        }
        let unusedFor = try a.integer("unused-for", range: 0...1_000_000)
        var inventory: [String]?
        if let path = a.value("inventory") {
            let bytes = try Output.readFile(path)
            do throws(QueryError) {
                inventory = try KeyAudit.inventory(bytes)
            } catch {
                throw CLIError.reading(path, error)
            }
        }
        let service = try options.service()
        var audit: KeyAudit
        do throws(QueryError) {
            audit = try KeyAudit(
                reader: service.reader, asOf: try service.window().asOf, idleAfterDays: unusedFor ?? options.days,
                inventory: inventory)
        } catch {
            throw .failure(error.description)
        }
        // Without an inventory, --unused-for lists only the keys idle that long.
        if inventory == nil && unusedFor != nil { audit.keys.removeAll { $0.status != .idle } }
        switch format {
        case "json": try Output.out(audit.json())
        case "csv": try Output.out(audit.csv())
        default: try Output.out(audit.table())
        }
        return 0
    }
}
