import KeytrailQuery

/// `keytrail keys`: every key in the index with its last use; with `--inventory`, the keys a
/// rotation review needs (never seen, not in the inventory, idle).
enum KeysCommand {
    static func run(_ args: [String]) throws(CLIError) -> Int32 {
        let a = try Arguments(args, command: CommandTable.keys)
        guard a.positionals.isEmpty else { throw .usage("keys takes no positional arguments") }
        let options = try QueryOptions(a)
        let form = try AnswerForm(a, default: .table)
        let unusedFor = try a.integer("unused-for", range: 0...1_000_000)
        let inventory = try Self.inventory(a)
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
        // The parser has checked --sort and --status against their declared choices.
        audit.filter(
            status: a.value("status").flatMap(AuditedKey.Status.init(rawValue:)), account: a.value("account"),
            user: a.value("user"))
        audit.sort(by: a.value("sort").flatMap(KeyAudit.Order.init(rawValue:)) ?? .idle)
        switch form.format {
        case .json: try Output.out(audit.json())
        case .ndjson: try Output.write(1, audit.rowsJSON().map { $0 + "\n" }.joined())
        case .csv: try Output.out(Sheets.keys(audit).csv())
        case .table: try Output.out(Sheets.keys(audit).table(width: form.width))
        }
        return 0
    }

    /// The key IDs of `--inventory FILE`, if given (keys and report read it).
    static func inventory(_ a: Arguments) throws(CLIError) -> [String]? {
        guard let path = a.value("inventory") else { return nil }
        let bytes = try Output.readFile(path)
        do throws(QueryError) {
            return try KeyAudit.inventory(bytes)
        } catch {
            throw CLIError.reading(path, error)
        }
    }
}
