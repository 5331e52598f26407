@preconcurrency import Glibc
import KeytrailPOSIX
import KeytrailQuery

/// The `keytrail` command line: dispatches to a subcommand and maps outcomes to exit statuses
/// (0 success, 1 API error answered, 2 usage or fatal error, 3 ingest rejected some input).
package enum KeytrailCommand {
    /// The version printed by `keytrail --version`.
    package static let version = "0.1.0"

    /// Runs the command line `args` (without the program name) and returns the exit status.
    package static func main(_ args: [String]) -> Int32 {
        // A file-size limit (ulimit -f) must fail a write with EFBIG, reported, not kill us; a
        // closed pipe must fail it with EPIPE, so that `finish` ends the command quietly.
        signal(SIGXFSZ, SIG_IGN)
        POSIX.ignoreBrokenPipes()
        let status: Int32
        do throws(CLIError) {
            status = try run(args)
        } catch {
            return finish(error)
        }
        if let failure = Output.failure { return finish(.output(failure)) }
        return status
    }

    /// Runs one command; what it throws `finish` reports.
    private static func run(_ args: [String]) throws(CLIError) -> Int32 {
        guard let command = args.first else {
            try Output.err(usage)
            return 2
        }
        let rest = Array(args.dropFirst())
        // The API's operations, each under its own command; products has forms of its own.
        if let action = APIAction.allCases.first(where: { $0.command == command }) {
            return action == .products ? try ProductsCommand.run(rest) : try SiblingCommand.run(action, rest)
        }
        switch command {
        case "ingest": return try IngestCommand.run(rest)
        case "keys": return try KeysCommand.run(rest)
        case "serve": return try ServeCommand.run(rest)
        case "status": return try StatusCommand.run(rest)
        case "help", "--help", "-h":
            try Output.out(usage)
            return 0
        case "version", "--version":
            try Output.out("keytrail \(version)")
            return 0
        default:
            throw CLIError.usage("unknown command '\(command)'")
        }
    }

    /// Reports `error` on stderr and returns its exit status. A broken pipe ends the process as
    /// git does (killed by SIGPIPE, status 141 in the shell), with nothing on stderr; a message that
    /// cannot be written itself is given up (there is nowhere left to say it).
    private static func finish(_ error: CLIError) -> Int32 {
        switch error {
        case .usage(let message):
            try? Output.error(message)
            try? Output.err("Run `keytrail help` for usage.")
        case .failure(let message):
            try? Output.error(message)
        case .output(let failure):
            if failure.isBrokenPipe { POSIX.exitForBrokenPipe() }
            Output.reportFailure(failure)
        }
        return error.status
    }

    /// The index path: `--db`, else `$KEYTRAIL_DB`, else `keytrail.sqlite`.
    static func databasePath(_ a: Arguments) -> String {
        a.value("db") ?? Output.environment("KEYTRAIL_DB") ?? "keytrail.sqlite"
    }

    static let usage = """
        keytrail — what has this AccessKey been used for, and when? (offline, from ActionTrail archives)

        Usage:
          keytrail ingest [--db PATH] [--until TIME] [--json] [--jobs N] [--products-only] PATH...
              Index ActionTrail files (gzip or plain; JSON arrays, JSON lines, SLS rows, saved API
              responses), directories (recursively) and - (standard input). --products-only (for a
              new index) keeps Products and Info only: smaller and faster to build.
          keytrail products ACCESS_KEY [--db PATH] [--as-of TIME|latest|now] [--window-days N]
                                       [--format json|table] [--catalog FILE]
          keytrail products --keys-from FILE|- [same options]
              Answer GetAccessKeyLastUsedProducts as the cloud does (one NDJSON line per key with
              --keys-from).
          keytrail info ACCESS_KEY [--db PATH] [--as-of TIME|latest|now] [--window-days N]
              GetAccessKeyLastUsedInfo: the key's latest call, with its account and user.
          keytrail events|ips|resources ACCESS_KEY --service S [--page-size N] [--next-token T]
                                       [--db PATH] [--as-of TIME|latest|now] [--window-days N]
              GetAccessKeyLastUsedEvents/Ips/Resources: the latest call per API name, source IP or
              resource of one service, newest first, 20 per page (1-100), NextToken to go on.
          keytrail keys [--format table|json|csv] [--unused-for DAYS] [--inventory FILE]
                        [--db PATH] [--as-of TIME|latest|now] [--window-days N]
              Every key in the index with its last use; --unused-for lists keys idle that long;
              --inventory (key IDs, one per line, or RAM's CSV export) adds never-seen keys and
              flags keys missing from it.
          keytrail serve [--db PATH] [--listen HOST:PORT] [--credentials FILE | --no-auth] [--quiet]
                         [--as-of TIME|latest|now] [--window-days N] [--catalog FILE] [--workers N]
                         [--max-connections N] [--head-timeout S] [--idle-timeout S]
              Answer the five GetAccessKeyLastUsed* operations over HTTP for the official SDKs
              (default 127.0.0.1:7706; port 0 picks a free port). Prints `listening on http://HOST:PORT`.

        TIME is RFC 3339 (2024-05-01T00:00:00Z) or epoch milliseconds. --db defaults to $KEYTRAIL_DB,
        else keytrail.sqlite. Exit status: 0 ok, 1 API error answered, 2 usage error, 3 input rejected.
        """
}
