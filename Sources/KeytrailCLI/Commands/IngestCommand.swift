import Glibc
import KeytrailExtract
import KeytrailIngest
import KeytrailPOSIX
import KeytrailQuery
import KeytrailScan
import KeytrailStore

/// `keytrail ingest`: index files and print the run's summary.
enum IngestCommand {
    static func run(_ args: [String]) throws(CLIError) -> Int32 {
        let a = try Arguments(args, command: CommandTable.ingest)
        var inputs = a.positionals.map { NamedInput(path: Array($0.utf8)) }
        var listed: [(where: String, path: String)] = []
        if let list = a.value("files-from") {
            if list == "-" && a.positionals.contains("-") {
                throw CLIError.usage("--files-from - reads the list from stdin: it cannot also be an input")
            }
            let files = try FileList(list)
            inputs += files.inputs.map(\.input)
            listed = files.inputs.map { ("\(files.name):\($0.line): ", String(decoding: $0.input.path, as: UTF8.self)) }
        }
        guard !inputs.isEmpty else {
            throw CLIError.usage("ingest needs at least one PATH (or - for stdin, or --files-from LIST)")
        }
        try refuseMissing(a.positionals.map { ("", $0) } + listed)
        var until: Int64?
        if let u = a.value("until") {
            guard let t = AsOf.instant(u) else {
                throw CLIError.usage(AsOf.refusal(option: "--until", text: u))
            }
            until = t
        }
        if let until { try refuseLaterEvents(KeytrailCommand.databasePath(a), until: until) }
        let jobs = try a.integer("jobs", range: 1...256)
        var options = IngestOptions(databasePath: KeytrailCommand.databasePath(a), until: until, jobs: jobs)
        options.waitForLock = a.flag("wait")
        if a.flag("products-only") { options.siblings = false }
        if let n = try a.integer("batch-files", range: 1...1_000_000) { options.batchFiles = n }
        let signals = StopSignals()
        options.shouldStop = { signals.isSet }
        // This process's allocator: the workers' file buffers and the commit's sort buffers go back
        // to the system when freed (the first build's peak: 284 -> 252 MiB on the 300k benchmark).
        POSIX.mapAllocations(above: 2 << 20)
        let ingester = try CLIError.failing(IngestError.self, try Ingester(options: options))
        signals.start()
        if let note = ingester.upgradeNote { try Output.note(note) }
        // A progress line on a terminal only: nothing extra when stderr is piped or with --quiet.
        let live = Output.isTerminal(2) && !a.flag("quiet") ? LiveProgress() : nil
        let line = live.map { IngestProgressLine($0) }
        let report: IngestReport
        do throws(IngestError) {
            report = try ingester.run(inputs: inputs, live: live)
        } catch {
            try line?.stop()
            guard case .interrupted = error else { throw .failure(error.description) }
            // Stopped by SIGINT or SIGTERM: what is committed stays, and a rerun finishes.
            try Output.err("keytrail: \(error.description)")
            return 130
        }
        try line?.stop()
        try Self.showRejections(report.rejections)
        for n in report.notes {
            try Output.err("\(n.path):\(n.line):\(n.column): warning: event skipped (\(n.reason.name)): \(n.message)")
        }
        if a.flag("json") {
            try Output.out(report.json)
        } else if !a.flag("quiet") || !report.rejections.isEmpty {
            try Output.out(report.summary)
            try Output.out("next: \(nextCommand(a))")
        }
        return report.rejections.isEmpty ? 0 : 3
    }

    /// The command to run next, for the text summary: the keys and their last use, with `--db`
    /// when the index is not the one a bare command would read.
    static func nextCommand(_ a: Arguments) -> String {
        let command = "keytrail keys --as-of latest"
        guard let db = a.value("db"), db != (Output.environment("KEYTRAIL_DB") ?? "keytrail.sqlite") else {
            return command
        }
        return command + " --db " + shellQuoted(db)
    }

    /// `text` as one shell word: as it is when it holds only safe characters, else single-quoted.
    static func shellQuoted(_ text: String) -> String {
        let safe = text.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || "/._-+:=@%,".utf8.contains(c)
        }
        return safe && !text.isEmpty
            ? text : "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// Input paths that do not exist are named, each on its own line, and the run is refused
    /// before the index is created or opened: a typo never leaves an empty index behind. A path
    /// that exists but cannot be read is left to the ingest to reject (with its reason).
    /// Missing inputs are named (with the list's line for `--files-from`'s) and refused before
    /// the index is created.
    static func refuseMissing(_ paths: [(where: String, path: String)]) throws(CLIError) {
        let missing = paths.filter { p in
            p.path != "-" && FileStatus(path: p.path) == nil && [ENOENT, ENOTDIR].contains(SystemError.current.code)
        }.map { "\($0.where)\($0.path)" }
        guard !missing.isEmpty else { return }
        for p in missing.dropLast() { try Output.error("\(p): no such file or directory") }
        let n = missing.count == 1 ? "an input path is" : "\(missing.count) input paths are"
        throw .failure("\(missing.last!): no such file or directory (\(n) missing; nothing was ingested)")
    }

    /// `--until` builds a point-in-time index: an existing index that holds later events cannot
    /// become one (its answers would mix in the later state), so the run is refused before it
    /// reads anything. An index that cannot be read is left to the ingest to report.
    static func refuseLaterEvents(_ path: String, until: Int64) throws(CLIError) {
        guard let reader = try? IndexReader(path: path), let newest = try? reader.newestTimestamp(), newest > until
        else { return }
        throw .failure(AsOfRefusal.untilRefused(path: path, newest: newest, until: until))
    }

    /// On stderr, per file, at most this many rejections; then one line with the count of the rest.
    static let rejectionsShown = 10

    /// Shows each file's first `rejectionsShown` rejections, then one line with how many more
    /// (`--json` lists them all).
    static func showRejections(_ rejections: [Rejection]) throws(CLIError) {
        var order: [String] = []
        var byPath: [String: [Rejection]] = [:]
        for r in rejections {
            if byPath[r.path] == nil { order.append(r.path) }
            byPath[r.path, default: []].append(r)
        }
        for path in order {
            let all = byPath[path] ?? []
            for r in all.prefix(rejectionsShown) { try Output.err(r.formatted) }
            let rest = all.count - rejectionsShown
            guard rest > 0 else { continue }
            // Past the listing cap a file's further rejections are counted, not listed: "at least".
            let atLeast = all.count > FileProcessor.maxRejections ? "at least " : ""
            let more = rest == 1 ? "1 more rejection" : "\(atLeast)\(rest) more rejections"
            try Output.err(
                "\(path): error: \(more) in this file, not shown (--json lists up to \(FileProcessor.maxRejections) a file)"
            )
        }
    }
}
