import KeytrailQuery
import KeytrailStore

/// `keytrail products`: GetAccessKeyLastUsedProducts, for one key or a list.
enum ProductsCommand {
    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, options: QueryOptions.names.union(["format", "keys-from"]), flags: [])
        let options = try QueryOptions(a)
        let (asOf, days) = (options.asOf, options.days)
        let format = a.value("format") ?? "json"
        guard format == "json" || format == "table" else {
            throw UsageError(message: "--format must be json or table, got '\(format)'")
        }
        if let list = a.value("keys-from") {
            guard a.positionals.isEmpty else { throw UsageError(message: "give ACCESS_KEY or --keys-from, not both") }
            return try batch(list, options)
        }
        guard a.positionals.count == 1 else {
            throw UsageError(
                message: a.positionals.isEmpty
                    ? "products needs ACCESS_KEY (or --keys-from FILE)" : "products takes one ACCESS_KEY")
        }
        let key = a.positionals[0]
        if let status = QueryOptions.rejectKey(key) { return status }
        let service = try options.service()
        guard format == "table" else {
            return QueryOptions.print(service.answer(.products, ["AccessKey": key], requestId: RequestID.make()))
        }
        let query = service.products
        let answer = try query.answer(key: key, window: try query.window(asOf: asOf, days: days))
        if let note = answer.hiddenNote { Output.err("keytrail: note: \(note)") }
        Output.out(answer.table())
        return 0
    }

    /// `--keys-from`: one compact answer per line, in input order, each with `AccessKeyId`.
    static func batch(_ list: String, _ options: QueryOptions) throws -> Int32 {
        // Split on bytes: "\r\n" is one Character in Swift, so String.split would keep CRs.
        var keys: [String] = []
        for raw in try Output.readFile(list).split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = raw.last == 0x0D ? raw.dropLast() : raw
            if !line.isEmpty { keys.append(String(decoding: line, as: UTF8.self)) }
        }
        let query = try options.service().products
        let window = try query.window(asOf: options.asOf, days: options.days)
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
}
