import KeytrailQuery
import KeytrailStore

/// The options every query command shares: `--db`, `--as-of`, `--window-days`, `--catalog`.
struct QueryOptions {
    var asOf: AsOf
    var days: Int
    var arguments: Arguments

    init(_ a: Arguments) throws(CLIError) {
        arguments = a
        // Commands without a window (timeline) take neither option: now and the default length.
        if a.declares("as-of"), let t = a.value("as-of") {
            guard let parsed = AsOf(parsing: t) else {
                throw .usage(AsOf.refusal(option: "--as-of", text: t, keywords: ["latest", "now"]))
            }
            asOf = parsed
        } else {
            asOf = .now
        }
        days =
            a.declares("window-days")
            ? try a.integer("window-days", range: 0...1_000_000) ?? Window.defaultDays : Window.defaultDays
    }

    /// The service catalog, with `--catalog` (or `$KEYTRAIL_CATALOG`) overrides.
    func catalog() throws(CLIError) -> ServiceCatalog {
        guard let path = arguments.value("catalog") ?? Output.environment("KEYTRAIL_CATALOG") else {
            return ServiceCatalog()
        }
        let text = String(decoding: try Output.readFile(path), as: UTF8.self)
        do throws(QueryError) {
            return try ServiceCatalog(overrides: text)
        } catch {
            throw CLIError.reading(path, error)
        }
    }

    /// The answering service over the index.
    func service() throws(CLIError) -> APIService {
        let path = KeytrailCommand.databasePath(arguments)
        let catalog = try catalog()
        return try CLIError.failing(
            IndexError.self, try APIService(dbPath: path, catalog: catalog, asOf: asOf, days: days))
    }

    /// Prints an answer as the command line does: the body on stdout (exit 0), or an API error's
    /// body (exit 1); a refused as-of or a failed index prints nothing on stdout (exit 2).
    static func print(_ r: APIResult) throws(CLIError) -> Int32 {
        guard let code = r.code else {
            for n in r.notes { try Output.note(n) }
            try Output.out(r.body)
            return 0
        }
        if r.status == 409 || r.status >= 500 {
            for n in r.notes { try Output.error(n) }
            return 2
        }
        try Output.out(r.body)
        try Output.error("\(code): \(r.notes.first ?? "")")
        return 1
    }
}
