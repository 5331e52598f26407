import KeytrailQuery
import KeytrailStore

/// `keytrail products`: GetAccessKeyLastUsedProducts, for one key or a list.
enum ProductsCommand {
    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(
            args, options: ["db", "as-of", "window-days", "format", "keys-from", "catalog"], flags: [])
        let asOf: AsOf
        if let t = a.value("as-of") {
            guard let parsed = AsOf(parsing: t) else {
                throw UsageError(message: "--as-of must be RFC 3339, epoch milliseconds, 'latest' or 'now', got '\(t)'")
            }
            asOf = parsed
        } else {
            asOf = .now
        }
        let days = try a.integer("window-days", range: 0...1_000_000) ?? Window.defaultDays
        let format = a.value("format") ?? "json"
        guard format == "json" || format == "table" else {
            throw UsageError(message: "--format must be json or table, got '\(format)'")
        }
        if let list = a.value("keys-from") {
            guard a.positionals.isEmpty else { throw UsageError(message: "give ACCESS_KEY or --keys-from, not both") }
            return try batch(list, a, asOf: asOf, days: days)
        }
        guard a.positionals.count == 1 else {
            throw UsageError(
                message: a.positionals.isEmpty
                    ? "products needs ACCESS_KEY (or --keys-from FILE)" : "products takes one ACCESS_KEY")
        }
        let key = a.positionals[0]
        // The key is checked before the index is opened, as the cloud checks parameters first.
        if let e = AccessKeyRule.check(key) {
            Output.out(e.body(requestId: RequestID.make(), pretty: true))
            Output.error("\(e.code): \(e.detail)")
            return 1
        }
        let query = try open(a)
        let window = try query.window(asOf: asOf, days: days)
        let answer = try query.answer(key: key, window: window)
        if let note = answer.hiddenNote { Output.err("keytrail: note: \(note)") }
        Output.out(format == "table" ? answer.table() : answer.json(requestId: RequestID.make(), pretty: true))
        return 0
    }

    /// `--keys-from`: one compact answer per line, in input order, each with `AccessKeyId`.
    static func batch(_ list: String, _ a: Arguments, asOf: AsOf, days: Int) throws -> Int32 {
        // Split on bytes: "\r\n" is one Character in Swift, so String.split would keep CRs.
        var keys: [String] = []
        for raw in try Output.readFile(list).split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = raw.last == 0x0D ? raw.dropLast() : raw
            if !line.isEmpty { keys.append(String(decoding: line, as: UTF8.self)) }
        }
        let query = try open(a)
        let window = try query.window(asOf: asOf, days: days)
        var status: Int32 = 0
        var lines: [String] = []
        lines.reserveCapacity(keys.count)
        for key in keys {
            let requestId = RequestID.make()
            if let e = AccessKeyRule.check(key) {
                lines.append(e.body(requestId: requestId, accessKeyId: key, pretty: false))
                Output.error("\(e.code) for line \(lines.count): \(e.detail)")
                status = max(status, 1)
                continue
            }
            do {
                let answer = try query.answer(key: key, window: window)
                if let note = answer.hiddenNote { Output.err("keytrail: note: \(note)") }
                lines.append(answer.json(requestId: requestId, pretty: false, includeAccessKeyId: true))
            } catch let r as AsOfRefusal {
                let e = APIError(
                    code: "AsOfBeforeIndexedEvents", message: r.description, httpStatus: 409, detail: r.description)
                lines.append(e.body(requestId: requestId, accessKeyId: key, pretty: false))
                Output.error(r.description)
                status = 2
            }
        }
        Output.write(1, lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n")
        return status
    }

    static func open(_ a: Arguments) throws -> ProductsQuery {
        var catalog = ServiceCatalog()
        if let path = a.value("catalog") ?? Output.environment("KEYTRAIL_CATALOG") {
            let text = String(decoding: try Output.readFile(path), as: UTF8.self)
            do throws(CatalogError) {
                catalog = try ServiceCatalog(overrides: text)
            } catch {
                throw UsageError(message: "\(path):\(error.line): \(error.message)")
            }
        }
        let reader = try IndexReader(path: KeytrailCommand.databasePath(a))
        return ProductsQuery(reader: reader, catalog: catalog)
    }
}
