import KeytrailPOSIX
import KeytrailQuery
import KeytrailServe
import KeytrailStore

/// `keytrail serve`: the five operations over HTTP for the official SDKs (DESIGN "Local API endpoint").
enum ServeCommand {
    static func run(_ args: [String]) throws(CLIError) -> Int32 {
        let a = try Arguments(args, command: CommandTable.serve)
        guard a.positionals.isEmpty else { throw CLIError.usage("serve takes no positional arguments") }
        let query = try QueryOptions(a)
        var options = ServerOptions()
        do throws(ServeError) {
            if let listen = a.value("listen") { options.address = try ListenAddress(parsing: listen) }
        } catch {
            throw error.isUsage ? .usage(error.description) : .failure(error.description)
        }
        let authenticator: Authenticator?
        if a.flag("no-auth") {
            guard a.value("credentials") == nil else {
                throw CLIError.usage("give --credentials FILE or --no-auth, not both")
            }
            guard options.address.isLoopback else {
                throw CLIError.usage("--no-auth is accepted only with a loopback --listen address")
            }
            authenticator = nil
        } else {
            guard let path = a.value("credentials") else {
                throw CLIError.usage(
                    "serve needs --credentials FILE (ACCESS_KEY_ID SECRET lines, mode 600), "
                        + "or --no-auth on a loopback address")
            }
            authenticator = Authenticator(
                credentials: try CLIError.failing(ServeError.self, try Credentials.load(path: path)))
        }
        options.quiet = a.flag("quiet")
        options.workers = try a.integer("workers", range: 1...256) ?? max(2, min(16, POSIX.onlineCPUs))
        if let n = try a.integer("max-connections", range: 1...100_000) { options.maxConnections = n }
        if let t = try seconds(a, "head-timeout") { options.headTimeout = t }
        if let t = try seconds(a, "idle-timeout") { options.idleTimeout = t }
        // One read-only connection per event loop, opened now so that a missing index stops us here.
        let catalog = try query.catalog()
        let dbPath = KeytrailCommand.databasePath(a)
        // One cache for every loop: an answer computed by one is sent again by any.
        let cacheMiB = try a.integer("answer-cache", range: 0...1 << 20) ?? 512
        let cache = cacheMiB > 0 ? AnswerCache(budget: cacheMiB << 20) : nil
        var services: [any ActionAnswering] = []
        for _ in 0..<options.workers {
            let service = try CLIError.failing(
                IndexError.self,
                try APIService(
                    dbPath: dbPath, catalog: catalog, asOf: query.asOf, days: query.days, followsIngests: true))
            service.withNotes = false
            service.answerCache = cache
            services.append(service)
        }
        let server = try CLIError.failing(
            ServeError.self,
            try Server(options: options, gateway: Gateway(authenticator: authenticator), answerers: services))
        services = []
        // The startup lines: `listening on` first (unchanged), then the index, as-of and auth.
        let facts = try CLIError.failing(
            IndexError.self, try APIService(dbPath: dbPath, catalog: catalog, asOf: query.asOf, days: query.days))
        let report = StartupReport(
            address: server.boundAddress, index: dbPath,
            newest: try CLIError.failing(IndexError.self, try facts.reader.newestTimestamp()), asOf: query.asOf,
            window: try CLIError.failing(QueryError.self, try facts.window()),
            auth: authenticator.map { .signed(callers: $0.credentials.count, file: a.value("credentials") ?? "") }
                ?? .none, cacheMiB: cacheMiB)
        server.stopOnSignals()
        server.run { report.write() }
        if let cache, POSIX.environment("KEYTRAIL_TRACE") != nil {
            let c = cache.counts
            try? POSIX.write(
                2,
                "trace: serve: answer cache: \(c.hits) sent again, \(c.misses) computed, \(c.evictions) evicted; "
                    + "\(c.entries) kept in \(c.bytes) of \(cache.budget) bytes\n")
        }
        return 0
    }

    /// A duration option in seconds (decimals allowed), as milliseconds.
    static func seconds(_ a: Arguments, _ name: String) throws(CLIError) -> Int64? {
        guard let v = a.value(name) else { return nil }
        guard let s = Double(v), s > 0, s <= 86_400 else {
            throw CLIError.usage("--\(name) must be a number of seconds in (0, 86400], got '\(v)'")
        }
        return Int64(s * 1000)
    }
}
