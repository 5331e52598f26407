@preconcurrency import Glibc

// keytrail-bench: release-mode throughput and latency figures on a generated corpus, as named
// cases (`--list`; `--filter NAME` runs some of them).
//   swift run -c release keytrail-bench [--filter NAME]... [--events N] [--runs R] [--dir DIR] [--json FILE]
// --smoke: 10,000 events, one run: proves the benchmark works (CI), measures nothing worth quoting.

let config = BenchConfig(arguments: Array(CommandLine.arguments.dropFirst()))
if config.list {
    for c in BenchCase.all { print(c.name.padding(16) + c.summary) }
    exit(0)
}
let cases = BenchCase.selected(by: config.filters)
if cases.isEmpty {
    BenchConfig.fail("no case matches \(config.filters); see --list")
}
do {
    let bench = try Bench(config: config, needsExecutable: cases.contains { $0.needsExecutable })
    try bench.run(cases)
} catch {
    fputs("keytrail-bench: error: \(error)\n", stderr)
    exit(1)
}
