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
    /// Names (or parts of names) of the cases to run; empty: all.
    var filters: [String] = []
    /// Print the cases and exit.
    var list = false

    static let usage = """
        usage: keytrail-bench [--filter NAME]... [--list] [--events N] [--runs R] [--lookups N]
                              [--dir DIR] [--json FILE] [--smoke]
          --filter NAME   run the cases whose name contains NAME (repeatable; default: all)
          --list          print the cases and what each measures
          --smoke         10,000 events, one run: proves the benchmark works, measures nothing worth quoting
        """

    init(arguments: [String]) {
        var args = arguments
        func value(_ name: String) -> String {
            guard !args.isEmpty else { Self.fail("\(name) needs a value") }
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
            case "--filter": filters.append(value(a))
            case "--list": list = true
            case "-h", "--help":
                print(Self.usage)
                exit(0)
            case "--smoke":
                smoke = true
                events = 10_000
                runs = 1
                lookups = 2_000
                cliRuns = 3
            default:
                Self.fail("unknown option \(a)")
            }
        }
    }

    var corpusDir: String { dir ?? "/tmp/keytrail-bench-\(events)" }

    static func fail(_ message: String) -> Never {
        fputs("keytrail-bench: error: \(message)\n\(usage)\n", stderr)
        exit(2)
    }
}
