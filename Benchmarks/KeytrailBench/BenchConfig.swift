@preconcurrency import Glibc

/// Options of a benchmark run.
struct BenchConfig {
    var events = 1_000_000
    var runs = 3
    var dir: String?
    var jsonPath: String?
    var lookups = 100_000
    var cliRuns = 20
    var smoke = false

    init(arguments: [String]) {
        var args = arguments
        func value(_ name: String) -> String {
            guard !args.isEmpty else {
                fputs("keytrail-bench: error: \(name) needs a value\n", stderr)
                exit(2)
            }
            return args.removeFirst()
        }
        while !args.isEmpty {
            let a = args.removeFirst()
            switch a {
            case "--events": events = Int(value(a)) ?? events
            case "--runs": runs = max(1, Int(value(a)) ?? runs)
            case "--dir": dir = value(a)
            case "--json": jsonPath = value(a)
            case "--lookups": lookups = Int(value(a)) ?? lookups
            case "--smoke":
                smoke = true
                events = 10_000
                runs = 1
                lookups = 2_000
                cliRuns = 3
            default:
                fputs("keytrail-bench: error: unknown option \(a)\n", stderr)
                exit(2)
            }
        }
    }

    var corpusDir: String { dir ?? "/tmp/keytrail-bench-\(events)" }
}
