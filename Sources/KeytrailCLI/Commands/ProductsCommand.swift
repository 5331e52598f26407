import KeytrailQuery
import KeytrailStore

/// `keytrail products`: GetAccessKeyLastUsedProducts, for one key or a list.
enum ProductsCommand {
    static func run(_ args: [String]) throws(CLIError) -> Int32 {
        let a = try Arguments(args, command: CommandTable.command(.products))
        let options = try QueryOptions(a)
        let format = a.value("format") ?? "json"
        guard format == "json" || format == "table" else {
            throw .usage("--format must be json or table, got '\(format)'")
        }
        if let list = a.value("keys-from") {
            guard a.positionals.isEmpty else { throw .usage("give ACCESS_KEY or --keys-from, not both") }
            return try batch(list, options)
        }
        guard a.positionals.count == 1 else {
            throw .usage(
                a.positionals.isEmpty
                    ? "products needs ACCESS_KEY (or --keys-from FILE)" : "products takes one ACCESS_KEY")
        }
        let key = a.positionals[0]
        if let status = try QueryOptions.rejectKey(key) { return status }
        let service = try options.service()
        guard format == "table" else {
            return try QueryOptions.print(service.answer(.products, ["AccessKey": key], requestId: RequestID.make()))
        }
        let answer = try CLIError.failing(QueryError.self, try service.products(["AccessKey": key]))
        for n in answer.notes { try Output.note(n) }
        try Output.out(answer.table())
        return 0
    }

    /// `--keys-from`: one compact answer per line, in input order, each with `AccessKeyId`.
    static func batch(_ list: String, _ options: QueryOptions) throws(CLIError) -> Int32 {
        // Split on bytes: "\r\n" is one Character in Swift, so String.split would keep CRs.
        var keys: [String] = []
        for raw in try Output.readFile(list).split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = raw.last == 0x0D ? raw.dropLast() : raw
            if !line.isEmpty { keys.append(String(decoding: line, as: UTF8.self)) }
        }
        // One window for the whole list.
        let unpinned = try options.service()
        let service: APIService
        do throws(QueryError) {
            service = try unpinned.pinned()
        } catch {
            throw .failure(error.description)
        }
        var status: Int32 = 0
        var lines: [String] = []
        lines.reserveCapacity(keys.count)
        for key in keys {
            let requestId = RequestID.make()
            let answered: ProductsAnswer
            do throws(QueryError) {
                answered = try service.products(["AccessKey": key])
            } catch {
                switch error {
                case .api(let e):
                    lines.append(e.body(requestId: requestId, accessKeyId: key, pretty: false))
                    try Output.error("\(e.code) for line \(lines.count): \(e.detail)")
                    status = max(status, 1)
                case .asOfRefused(let r):
                    lines.append(error.apiError.body(requestId: requestId, accessKeyId: key, pretty: false))
                    try Output.error(r.description)
                    status = 2
                case .index, .malformedLine:
                    throw .failure(error.description)
                }
                continue
            }
            for n in answered.notes { try Output.note(n) }
            lines.append(answered.json(requestId: requestId, pretty: false, includeAccessKeyId: true))
        }
        try Output.write(1, lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n")
        return status
    }
}
