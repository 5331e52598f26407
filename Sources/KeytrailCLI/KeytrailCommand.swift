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
        var command: CommandSpec?
        do throws(CLIError) {
            status = try run(args, &command)
        } catch {
            return finish(error, command)
        }
        if let failure = Output.failure { return finish(.output(failure), command) }
        return status
    }

    /// Runs one command; what it throws `finish` reports. `spec` is the command in play, for
    /// the footer of a usage error.
    private static func run(_ args: [String], _ spec: inout CommandSpec?) throws(CLIError) -> Int32 {
        let args = commandFirst(args)
        guard let command = args.first else {
            try Output.err(CommandTable.globalHelp)
            return 2
        }
        let rest = Array(args.dropFirst())
        switch command {
        case "--help", "-h":
            try Output.out(CommandTable.globalHelp)
            return 0
        case "version", "--version", "-V":
            try Output.out("keytrail \(version)")
            return 0
        default:
            break
        }
        spec = try known(command)
        // -h and --help wherever an option may stand show the command's help.
        if let spec, Arguments.asksHelp(rest, command: spec) {
            try Output.out(CommandTable.help(spec))
            return 0
        }
        // The API's operations, each under its own command; products has forms of its own.
        if let action = APIAction.allCases.first(where: { $0.command == command }) {
            return try OperationCommand.run(action, rest)
        }
        switch command {
        case "ingest": return try IngestCommand.run(rest)
        case "keys": return try KeysCommand.run(rest)
        case "serve": return try ServeCommand.run(rest)
        case "status": return try StatusCommand.run(rest)
        case "manifest": return try ManifestCommand.run(rest)
        case "policy": return try PolicyCommand.run(rest)
        case "timeline": return try TimelineCommand.run(rest)
        case "merge": return try MergeCommand.run(rest)
        case "report": return try ReportCommand.run(rest)
        case "completions":
            let a = try Arguments(rest, command: CommandTable.completions)
            guard a.positionals.count == 1, let script = CommandTable.completions(a.positionals[0]) else {
                throw CLIError.usage("completions needs one of bash, zsh or fish")
            }
            try Output.write(1, script)
            return 0
        case "help":
            let a = try Arguments(rest, command: CommandTable.help)
            if a.flag("usage") {
                try Output.out(CommandTable.synopsis)
            } else if let name = a.positionals.first {
                guard a.positionals.count == 1 else { throw CLIError.usage("help takes one COMMAND") }
                try Output.out(CommandTable.help(try known(name)))
            } else {
                try Output.out(CommandTable.globalHelp)
            }
            return 0
        default:
            throw CLIError.usage("unknown command '\(command)'")
        }
    }

    /// `args` with options given before the command (`keytrail --db x products K`) moved after
    /// it, as git and gh take them. An option is known by its declaration in any command, so
    /// that its value is not taken for the command.
    static func commandFirst(_ args: [String]) -> [String] {
        let global: Set<String> = ["-h", "--help", "-V", "--version"]
        var i = 0
        while i < args.count, args[i].hasPrefix("-"), args[i] != "-", args[i] != "--", !global.contains(args[i]) {
            let name = String(args[i].dropFirst(2).prefix { $0 != "=" })
            let takes =
                args[i].contains("=") ? 0 : CommandTable.commands.compactMap { $0.option(name)?.arity }.max() ?? 0
            i += 1 + takes
        }
        guard i > 0, i < args.count, CommandTable.command(named: args[i]) != nil else { return args }
        return [args[i]] + args[..<i] + args[(i + 1)...]
    }

    /// The declared command `name`, or a usage error with the nearest one.
    private static func known(_ name: String) throws(CLIError) -> CommandSpec {
        if let spec = CommandTable.command(named: name) { return spec }
        let names = CommandTable.commands.map(\.name)
        guard let near = CommandTable.suggestion(name, among: names) else {
            throw CLIError.usage("unknown command '\(name)'")
        }
        throw CLIError.usage("unknown command '\(name)'; did you mean '\(near)'?")
    }

    /// Reports `error` on stderr and returns its exit status. A broken pipe ends the process as
    /// git does (killed by SIGPIPE, status 141 in the shell), with nothing on stderr; a message that
    /// cannot be written itself is given up (there is nowhere left to say it).
    private static func finish(_ error: CLIError, _ command: CommandSpec?) -> Int32 {
        switch error {
        case .usage(let message):
            try? Output.error(message)
            try? Output.err(CommandTable.usageFooter(command))
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
}
