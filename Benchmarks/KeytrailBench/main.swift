@preconcurrency import Glibc
import KeytrailQuery
import KeytrailStore
import KeytrailSynth

// keytrail-bench: release-mode throughput and latency figures on a generated corpus.
//   swift run -c release keytrail-bench [--events N] [--runs R] [--dir DIR] [--json FILE] [--smoke]
// --smoke: 10,000 events, one run: proves the benchmark works (CI), measures nothing worth quoting.

var config = BenchConfig(arguments: Array(CommandLine.arguments.dropFirst()))
do {
    let bench = try Bench(config: config)
    try bench.run()
} catch {
    fputs("keytrail-bench: error: \(error)\n", stderr)
    exit(1)
}
