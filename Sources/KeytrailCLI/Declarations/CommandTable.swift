import KeytrailQuery

/// The command line's one declaration: every command and the options each takes. The parser,
/// `-h`/`--help`, `keytrail help`, the did-you-mean, the completions and README's Usage block
/// are derived from it.
package enum CommandTable {
    static let db = OptionSpec(
        "db", "PATH", path: true, "the index (default $KEYTRAIL_DB, else keytrail.sqlite)")
    static let asOf = OptionSpec(
        "as-of", "TIME|latest|now", "the end of the window: a TIME, the newest event, or now (the default)")
    static let windowDays = OptionSpec("window-days", "N", "the window's length in days (default 400)")
    static let catalog = OptionSpec(
        "catalog", "FILE", path: true, "service name overrides (default $KEYTRAIL_CATALOG)")
    /// The options every query command shares.
    static let query = [db, asOf, windowDays, catalog]

    /// The ingest command.
    static let ingest = CommandSpec(
        name: "ingest", summary: "Index ActionTrail files, directories (recursively) and - (standard input)",
        forms: ["PATH... ", "--files-from LIST|- "],
        options: [
            db,
            OptionSpec(
                "files-from", "LIST|-", path: true,
                "inputs, one per line: PATH, or PATH<TAB>NAME to record NAME (oss://…) in the manifest"),
            OptionSpec("until", "TIME", "index only events up to TIME (a point-in-time index)"),
            OptionSpec(flag: "json", "print the summary as one JSON object, every rejection listed"),
            OptionSpec("jobs", "N", "files read in parallel (1-256)"),
            OptionSpec(flag: "quiet", "no progress line, and no summary unless something was rejected"),
            OptionSpec(flag: "wait", "wait for another ingest's lock instead of failing"),
            OptionSpec("batch-files", "N", "files per committed transaction"),
            OptionSpec(flag: "products-only", "a new index keeps Products and Info only: smaller and faster"),
        ])

    /// `--format` with `first` the default, and `--wide`: every query command takes both.
    static func forms(first: Format) -> [OptionSpec] {
        [
            OptionSpec(
                "format", "FORMAT", choices: Format.choices(first: first),
                "the answer's form (default \(first.rawValue)); ndjson: one JSON object per row"),
            OptionSpec(flag: "wide", "tables print every column and whole cells (default: fit COLUMNS)"),
        ]
    }

    /// `--keys-from`, for products and info.
    static let keysFrom = OptionSpec(
        "keys-from", "FILE|-", path: true,
        "one key per line (# comments and blank lines skipped); JSON: one compact answer per line")

    /// `--between FIRST LAST`: whole UTC days, both included, from the activity rows.
    static let between = OptionSpec(
        "between", "FIRST LAST", "UTC days, both included (2026-03-01 2026-03-31): from the activity, not the window")

    /// `--explain`, for the five operations: where each row's event was read.
    static let explain = OptionSpec(
        flag: "explain", "add where each row's event was read (file:line:column): Provenance in JSON, FROM in tables")

    /// The products, info, events, ips and resources commands, by `APIAction.command`.
    static func command(_ action: APIAction) -> CommandSpec {
        switch action {
        case .products:
            return CommandSpec(
                name: action.command, summary: "GetAccessKeyLastUsedProducts: the services a key used, newest first",
                forms: ["ACCESS_KEY ", "--keys-from FILE|- ", "ACCESS_KEY --between FIRST LAST "],
                options: query + forms(first: .json) + [keysFrom, explain, between])
        case .info:
            return CommandSpec(
                name: action.command, summary: "GetAccessKeyLastUsedInfo: the key's latest call, its account and user",
                forms: ["ACCESS_KEY ", "--keys-from FILE|- "],
                options: query + forms(first: .json) + [keysFrom, explain])
        case .events, .ips, .resources:
            let what = action == .events ? "API name" : action == .ips ? "source IP" : "resource"
            return CommandSpec(
                name: action.command,
                summary: "\(action.rawValue): the latest call per \(what) of one service, newest first",
                forms: ["ACCESS_KEY --service S "],
                options: [
                    OptionSpec("service", "S", "the service (ServiceName, e.g. Ecs); required"),
                    OptionSpec("page-size", "N", "rows per page, 1-100 (default 20; 100 with --all)"),
                    OptionSpec("next-token", "T", "the NextToken of the previous page"),
                    OptionSpec(flag: "all", "every page (from --next-token on) as one answer, NextToken \"\""),
                ] + query + forms(first: .json) + [explain])
        }
    }

    /// The keys command.
    static let keys = CommandSpec(
        name: "keys", summary: "Every key in the index with its last use; idle, never-seen and unlisted keys",
        forms: [""],
        options: [
            OptionSpec("unused-for", "DAYS", "idle after DAYS; without --inventory, list only idle keys"),
            OptionSpec(
                "inventory", "FILE", path: true, "key IDs, one per line, or RAM's CSV export: adds never-seen keys"),
            OptionSpec(
                "sort", "ORDER", choices: KeyAudit.Order.allCases.map(\.rawValue),
                "idle: what needs action first (the default); key; last-used: newest first"),
            OptionSpec("status", "STATUS", choices: AuditedKey.Status.allCases.map(\.rawValue), "only keys of STATUS"),
            OptionSpec("account", "ID", "only keys of account ID (AccountId)"),
            OptionSpec("user", "NAME", "only keys of user NAME (UserName; root for the account)"),
        ] + query + forms(first: .table))

    /// The timeline command.
    static let timeline = CommandSpec(
        name: "timeline", summary: "A key's activity per day, week or month and service: events, first and last use",
        forms: ["ACCESS_KEY "],
        options: [
            OptionSpec("service", "S", "one service (ServiceName, e.g. Ecs)"),
            OptionSpec(
                "by", "PERIOD", choices: Period.allCases.map(\.rawValue),
                "day (the default), week (Monday to Sunday) or month, in UTC"),
            between, db, catalog,
        ] + forms(first: .table))

    /// The serve command.
    static let serve = CommandSpec(
        name: "serve", summary: "Answer the five GetAccessKeyLastUsed* operations over HTTP for the official SDKs",
        forms: [""],
        options: [
            db,
            OptionSpec("listen", "HOST:PORT", "the address (default 127.0.0.1:7706; port 0 picks a free port)"),
            OptionSpec("credentials", "FILE", path: true, "ACCESS_KEY_ID SECRET lines, mode 600"),
            OptionSpec(flag: "no-auth", "answer unsigned requests (loopback addresses only)"),
            OptionSpec(flag: "quiet", "no access log"),
            asOf, windowDays, catalog,
            OptionSpec("workers", "N", "event loops, each a thread with its own index connection (1-256)"),
            OptionSpec("max-connections", "N", "open connections at most (1-100000)"),
            OptionSpec("head-timeout", "S", "seconds to receive a request's head"),
            OptionSpec("idle-timeout", "S", "seconds a kept-alive connection may idle"),
            OptionSpec(
                "answer-cache", "MIB",
                "MiB of Products and Info answers kept to send again until the index commits (default 512; 0: none)"),
        ])

    /// The report command.
    static let report = CommandSpec(
        name: "report", summary: "One self-contained HTML page (or Markdown) for an auditor: coverage, keys, policies",
        forms: ["--out FILE "],
        options: [
            OptionSpec("out", "FILE", path: true, "where to write it (- for standard output)"),
            OptionSpec("format", "FORMAT", choices: ["html", "markdown"], "html (default) or markdown, for tickets"),
            OptionSpec(
                "inventory", "FILE", path: true, "key IDs, one per line, or RAM's CSV export: adds never-seen keys"),
            OptionSpec("unused-for", "DAYS", "idle after DAYS (default: the window's)"),
            OptionSpec("detailed", "N", "the first N keys by need of action get a section and a policy (default 100)"),
        ] + query)

    /// The merge command.
    static let merge = CommandSpec(
        name: "merge", summary: "Fold shard indexes into one, exactly (order-free, idempotent)",
        forms: ["--into DB SHARD... "],
        options: [
            OptionSpec("into", "DB", path: true, "the target index (created when missing)"),
            OptionSpec(flag: "json", "print the summary as one JSON object, every shard listed"),
            OptionSpec(flag: "quiet", "no summary"),
            OptionSpec(flag: "wait", "wait for another ingest's or merge's lock instead of failing"),
        ])

    /// The policy command.
    static let policy = CommandSpec(
        name: "policy", summary: "The least-privilege RAM policy of the actions a key used in the window",
        forms: ["ACCESS_KEY "],
        options: [
            OptionSpec(flag: "include-denied", "keep actions whose latest call was refused for want of permission"),
            OptionSpec(flag: "by-service", "one statement per RAM service code"),
        ] + query + forms(first: .json))

    /// The manifest command.
    static let manifest = CommandSpec(
        name: "manifest", summary: "The files the index holds: name, size, mtime, checksum, events, ingested at",
        forms: [""], options: [db] + forms(first: .ndjson))

    /// The status command.
    static let status = CommandSpec(
        name: "status", summary: "What the index holds, and whether an ingest is writing it now (read-only)",
        forms: [""],
        options: [db, OptionSpec(flag: "json", "print the status as one JSON object")])

    /// The completions command.
    static let completions = CommandSpec(
        name: "completions", summary: "Print a completion script: bash, zsh or fish",
        forms: ["bash|zsh|fish "], options: [],
        notes: ["  eval \"$(keytrail completions bash)\"    # or: keytrail completions fish | source"])

    /// The help command.
    static let help = CommandSpec(
        name: "help", summary: "Show a command's help", forms: ["[COMMAND] "],
        options: [OptionSpec(flag: "usage", "every command's synopsis with all its options (README's Usage)")])

    /// Every command, in help order.
    package static let commands: [CommandSpec] =
        [ingest, merge] + APIAction.allCases.map(command) + [
            timeline, keys, policy, report, status, manifest, serve, completions, help,
        ]

    /// The command named `name`.
    package static func command(named name: String) -> CommandSpec? { commands.first { $0.name == name } }
}
