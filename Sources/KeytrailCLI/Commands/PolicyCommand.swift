import KeytrailQuery
import KeytrailScan

/// `keytrail policy`: the least-privilege RAM policy of what a key used in the window.
enum PolicyCommand {
    static func run(_ args: [String]) throws(CLIError) -> Int32 {
        let a = try Arguments(args, command: CommandTable.policy)
        guard a.positionals.count == 1 else {
            throw .usage(a.positionals.isEmpty ? "policy needs ACCESS_KEY" : "policy takes one ACCESS_KEY")
        }
        let key = a.positionals[0]
        let form = try AnswerForm(a, default: .json)
        let options = try QueryOptions(a)
        if let e = AccessKeyRule.check(key) {
            throw .usage("\(key) is not an AccessKey ID: \(e.detail)")
        }
        let service = try options.service()
        let policy: PolicyAnswer
        do throws(QueryError) {
            policy = try service.policy(key: key, includeDenied: a.flag("include-denied"))
        } catch {
            throw .failure(error.description)
        }
        for n in policy.notes { try Output.note(n) }
        if policy.allowed.isEmpty {
            try Output.note(
                "no action to allow: \(key) made no call \(Sheets.window(policy.window)) that was not refused")
        }
        let size = policy.json(byService: a.flag("by-service"), pretty: false).count
        if size > PolicyAnswer.ramLimit {
            try Output.note(
                "the document is \(size) characters; RAM takes at most \(PolicyAnswer.ramLimit) in a custom policy: "
                    + "split it by service (--by-service, one policy per statement) or use wildcards")
        }
        switch form.format {
        case .json: try Output.out(policy.json(byService: a.flag("by-service")))
        case .ndjson:
            try Output.write(1, policy.actions.map { json($0, key: key) + "\n" }.joined())
        case .csv: try Output.out(sheet(policy).csv())
        case .table: try Output.out(sheet(policy).table(width: form.width))
        }
        return 0
    }

    static func json(_ action: PolicyAnswer.Action, key: String) -> String {
        var o = JSONOutput(pretty: false)
        o.beginObject()
        o.string("AccessKeyId", key)
        o.string("Action", action.name)
        o.string("ServiceName", action.service)
        o.int("LastUsedTimestamp", action.lastUsed)
        if let code = action.deniedBy { o.string("DeniedBy", code) }
        o.endObject()
        return o.text
    }

    static func sheet(_ p: PolicyAnswer) -> Sheet<PolicyAnswer.Action> {
        Sheet(
            columns: [
                Column("Action") { $0.name },
                Column("ServiceName", fixed: true) { $0.service },
                Column.time("LastUsed") { $0.lastUsed },
                Column("DeniedBy") { $0.deniedBy ?? "" },
            ], rows: p.actions,
            footer: "\(p.allowed.count) action(s) allowed of \(p.actions.count) called by \(p.accessKey) "
                + Sheets.window(p.window))
    }
}
