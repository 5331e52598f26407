import KeytrailIngest

/// `keytrail merge --into DB SHARD...`: folds shard indexes into DB, exactly.
enum MergeCommand {
    static func run(_ args: [String]) throws(CLIError) -> Int32 {
        let a = try Arguments(args, command: CommandTable.merge)
        guard let into = a.value("into") else { throw .usage("merge needs --into DB") }
        guard !a.positionals.isEmpty else { throw .usage("merge needs at least one SHARD") }
        try IngestCommand.refuseMissing(a.positionals.map { ("", $0) })
        let signals = StopSignals()
        let merger = try CLIError.failing(IngestError.self, try Merger(into: into, wait: a.flag("wait")))
        signals.start()
        let report: MergeReport
        do throws(IngestError) {
            report = try merger.run(shards: a.positionals) { signals.isSet }
        } catch {
            guard case .mergeInterrupted = error else { throw .failure(error.description) }
            try Output.err("keytrail: \(error.description)")
            return 130
        }
        if a.flag("json") {
            try Output.out(report.json)
        } else if !a.flag("quiet") {
            try Output.out(report.summary)
        }
        return 0
    }
}
