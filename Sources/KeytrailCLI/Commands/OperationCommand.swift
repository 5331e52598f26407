import KeytrailQuery
import KeytrailScan
import KeytrailStore

/// `keytrail products|info|events|ips|resources`: the five operations, for one key (or, for
/// products and info, a `--keys-from` list), every page with `--all`, in any `--format`.
enum OperationCommand {
    static func run(_ action: APIAction, _ args: [String]) throws(CLIError) -> Int32 {
        let a = try Arguments(args, command: CommandTable.command(action))
        let options = try QueryOptions(a)
        var form = try AnswerForm(a, default: .json)
        form.explain = a.flag("explain")
        let command = action.command
        if action == .products && a.value("between") != nil { return try TimelineCommand.between(a, form: form) }
        var parameters: [String: String] = [:]
        if action.listing != nil {
            guard let service = a.value("service") else { throw .usage("\(command) needs --service S") }
            parameters["ServiceName"] = service
            parameters["PageSize"] = a.value("page-size")
            parameters["NextToken"] = a.value("next-token")
        }
        if action.listing == nil, let list = a.value("keys-from") {
            guard a.positionals.isEmpty else { throw .usage("give ACCESS_KEY or --keys-from, not both") }
            return try batch(action, try KeyList(list), options, form)
        }
        guard a.positionals.count == 1 else {
            let more = action.listing == nil ? " (or --keys-from FILE)" : ""
            throw .usage(
                a.positionals.isEmpty ? "\(command) needs ACCESS_KEY\(more)" : "\(command) takes one ACCESS_KEY")
        }
        let key = a.positionals[0]
        parameters["AccessKey"] = key
        let requestId = RequestID.make()
        if let e = AccessKeyRule.check(key) { return try form.refuse(.api(e), key: key, requestId: requestId) }
        let service = try options.service()
        // The JSON form is the server's: the same code path, byte for byte (`--explain` adds to it).
        if form.format == .json && !(action.listing != nil && a.flag("all")) && !form.explain {
            return try QueryOptions.print(service.answer(action, parameters, requestId: requestId))
        }
        var answer: Answer
        do throws(QueryError) {
            answer =
                action.listing != nil && a.flag("all")
                ? .listing(try service.allPages(action.listing!, parameters)) : try service.answer(action, parameters)
            if form.explain { answer = try service.explained(answer) }
        } catch {
            return try form.refuse(error, key: key, requestId: requestId)
        }
        for n in answer.notes { try Output.note(n) }
        try form.print(answer, requestId: requestId)
        return 0
    }

    /// `--keys-from`: every key's answer in one window, in input order. JSON writes one compact
    /// answer per line (each with `AccessKeyId`; an error body for a key that got one).
    static func batch(_ action: APIAction, _ list: KeyList, _ options: QueryOptions, _ form: AnswerForm)
        throws(CLIError) -> Int32
    {
        let unpinned = try options.service()
        let service: APIService
        do throws(QueryError) {
            service = try unpinned.pinned()
        } catch {
            throw .failure(error.description)
        }
        var status: Int32 = 0
        var answers: [Answer] = []
        var lines: [String] = []
        for (line, key) in list.keys {
            let requestId = RequestID.make()
            var answer: Answer
            do throws(QueryError) {
                answer = try service.answer(action, ["AccessKey": key])
                if form.explain { answer = try service.explained(answer) }
            } catch {
                switch error {
                case .api(let e):
                    try Output.error("\(list.name):\(line): \(key): \(e.code): \(e.detail)")
                    status = max(status, 1)
                case .asOfRefused(let r):
                    try Output.error("\(list.name):\(line): \(key): \(r.description)")
                    status = 2
                case .index, .malformedLine:
                    throw .failure(error.description)
                }
                if form.format == .json || form.format == .ndjson {
                    lines.append(error.apiError.body(requestId: requestId, accessKeyId: key, pretty: false))
                }
                continue
            }
            for n in answer.notes { try Output.note("\(list.name):\(line): \(n)") }
            switch form.format {
            case .json: lines.append(answer.line(requestId: requestId, explain: form.explain))
            case .ndjson: lines += answer.rowsJSON(explain: form.explain)
            case .table, .csv: answers.append(answer)
            }
        }
        switch form.format {
        case .json, .ndjson: try Output.write(1, lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n")
        case .table, .csv: try form.printBatch(action, answers, window: try window(service))
        }
        return status
    }

    static func window(_ service: APIService) throws(CLIError) -> Window {
        do throws(QueryError) {
            return try service.window()
        } catch {
            throw .failure(error.description)
        }
    }
}

extension Answer {
    /// The compact body of one `--keys-from` line, with `AccessKeyId` (`explain`: and `Provenance`).
    fileprivate func line(requestId: String, explain: Bool) -> String {
        switch self {
        case .products(let a):
            return explain
                ? a.explainedJSON(requestId: requestId, pretty: false, includeAccessKeyId: true)
                : a.json(requestId: requestId, pretty: false, includeAccessKeyId: true)
        case .info(let a): return a.json(requestId: requestId, pretty: false, explain: explain)
        case .listing(let a): return a.json(requestId: requestId, pretty: false, explain: explain)
        }
    }

    /// The NDJSON lines: one per product or listed row; Info's one object (`explain`: each with `Provenance`).
    func rowsJSON(explain: Bool = false) -> [String] {
        switch self {
        case .products(let a): return a.rowsJSON(explain: explain)
        case .info(let a): return [a.json(requestId: nil, pretty: false, explain: explain)]
        case .listing(let a): return a.rowsJSON(explain: explain)
        }
    }
}
