import KeytrailQuery
import KeytrailScan

/// `keytrail timeline` and `products --between`: a key's activity, from the activity rows.
enum TimelineCommand {
    static func run(_ args: [String]) throws(CLIError) -> Int32 {
        let a = try Arguments(args, command: CommandTable.timeline)
        let key = try oneKey(a, command: "timeline")
        let form = try AnswerForm(a, default: .table)
        let range = try days(a) ?? .all
        let by = a.value("by").flatMap(Period.init(rawValue:)) ?? .day
        let service = try QueryOptions(a).service()
        let answer: TimelineAnswer
        do throws(QueryError) {
            answer = try service.timeline(key: key, service: a.value("service"), by: by, range: range)
        } catch {
            throw .failure(error.description)
        }
        try print(answer, notes: answer.notes, sheet: Sheets.timeline(answer), form: form)
        return 0
    }

    /// `products KEY --between FIRST LAST` (the caller has seen `--between`).
    static func between(_ a: Arguments, form: AnswerForm) throws(CLIError) -> Int32 {
        for option in ["as-of", "window-days", "keys-from"] where a.value(option) != nil {
            throw .usage("--between answers from whole days, for one ACCESS_KEY: it takes no --\(option)")
        }
        if a.flag("explain") {
            throw .usage("--between answers from the activity, which keeps no event: it takes no --explain")
        }
        let key = try oneKey(a, command: "products")
        guard let range = try days(a) else { preconditionFailure("called with --between") }
        let service = try QueryOptions(a).service()
        let answer: BetweenAnswer
        do throws(QueryError) {
            answer = try service.between(key: key, range: range)
        } catch {
            throw .failure(error.description)
        }
        try print(answer, notes: answer.notes, sheet: Sheets.between(answer), form: form)
        return 0
    }

    /// Prints an activity answer in `form`, its notes on stderr.
    private static func print<A: ActivityListing, Row>(
        _ answer: A, notes: [String], sheet: Sheet<Row>, form: AnswerForm
    )
        throws(CLIError)
    {
        for n in notes { try Output.note(n) }
        switch form.format {
        case .json: try Output.out(answer.json(pretty: true))
        case .ndjson: try Output.write(1, answer.rowsJSON().map { $0 + "\n" }.joined())
        case .table: try Output.out(sheet.table(width: form.width))
        case .csv: try Output.out(sheet.csv())
        }
    }

    /// The one ACCESS_KEY, checked (a usage error: these answers have no API error body).
    private static func oneKey(_ a: Arguments, command: String) throws(CLIError) -> String {
        guard a.positionals.count == 1 else {
            throw .usage(a.positionals.isEmpty ? "\(command) needs ACCESS_KEY" : "\(command) takes one ACCESS_KEY")
        }
        let key = a.positionals[0]
        if let e = AccessKeyRule.check(key) { throw .usage("\(key) is not an AccessKey ID: \(e.detail)") }
        return key
    }

    /// `--between FIRST LAST` as whole UTC days, if given.
    private static func days(_ a: Arguments) throws(CLIError) -> DayRange? {
        guard let (first, last) = a.pair("between") else { return nil }
        var ends: [Int64] = []
        for t in [first, last] {
            guard let ms = AsOf.instant(t) else { throw .usage(AsOf.refusal(option: "--between", text: t)) }
            ends.append(ms)
        }
        let (range, why) = DayRange.between(ends[0], ends[1])
        guard let range else { throw .usage(why ?? "--between takes two days") }
        return range
    }
}
