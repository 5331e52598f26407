@preconcurrency import Glibc
import KeytrailPOSIX
import KeytrailQuery
import KeytrailStore

/// `keytrail report --out FILE`: one self-contained HTML page (or Markdown) for an auditor.
enum ReportCommand {
    static func run(_ args: [String]) throws(CLIError) -> Int32 {
        let a = try Arguments(args, command: CommandTable.report)
        guard a.positionals.isEmpty else { throw .usage("report takes no positional arguments") }
        guard let out = a.value("out") else { throw .usage("report needs --out FILE (or - for standard output)") }
        let options = try QueryOptions(a)
        let detailed = try a.integer("detailed", range: 0...100_000) ?? 100
        let inventory = try KeysCommand.inventory(a)
        let path = KeytrailCommand.databasePath(a)
        let service = try options.service()
        let status = try CLIError.failing(IndexError.self, try service.reader.status())
        let idle = try a.integer("unused-for", range: 0...1_000_000) ?? options.days
        let report: AuditReport
        do throws(QueryError) {
            report = try AuditReport(
                service: service, status: status, inventory: inventory, idleAfterDays: idle, detailed: detailed)
        } catch {
            throw .failure(error.description)
        }
        let now = Clock.wallMillis()
        let text =
            a.value("format") == "markdown"
            ? report.markdown(indexPath: path, generatedAt: now) : report.html(indexPath: path, generatedAt: now)
        if out == "-" {
            try Output.write(1, text)
        } else {
            try write(text, to: out)
            try Output.err(
                "keytrail: wrote \(out) (\(text.utf8.count) bytes): \(report.keys.count) key(s), "
                    + report.counts.map { "\($0.count) \($0.status.rawValue)" }.joined(separator: ", "))
        }
        return 0
    }

    /// Writes `text` to `path` whole or not at all: a temporary file beside it, renamed onto it.
    static func write(_ text: String, to path: String) throws(CLIError) {
        let temporary = path + ".tmp-\(getpid())"
        do throws(SystemError) {
            let fd = try POSIX.open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
            defer { POSIX.close(fd) }
            try POSIX.write(fd, text)
            guard fsync(fd) == 0 else { throw SystemError.current }
            guard rename(temporary, path) == 0 else { throw SystemError.current }
        } catch {
            unlink(temporary)
            throw .failure("cannot write \(path): \(error)")
        }
    }
}
