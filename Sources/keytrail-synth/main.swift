@preconcurrency import Glibc
import KeytrailSynth

// keytrail-synth: writes deterministic synthetic ActionTrail archives.
//   keytrail-synth --out DIR [--format mixed|oss-gzip|oss-plain] [--events N] [--keys K] [--services S]
//                  [--per-file N] [--seed N] [--end EPOCH_MS] [--detail-bytes N]

var options: [String: String] = [:]
var args = Array(CommandLine.arguments.dropFirst())
while !args.isEmpty {
    let a = args.removeFirst()
    guard a.hasPrefix("--"), !args.isEmpty else {
        fputs("keytrail-synth: error: expected --option value pairs, got '\(a)'\n", stderr)
        exit(2)
    }
    options[String(a.dropFirst(2))] = args.removeFirst()
}
@MainActor func int(_ name: String, _ d: Int) -> Int {
    guard let v = options[name] else { return d }
    guard let n = Int(v), n >= 0 else {
        fputs("keytrail-synth: error: --\(name) must be a non-negative integer\n", stderr)
        exit(2)
    }
    return n
}
guard let out = options["out"] else {
    fputs("keytrail-synth: error: --out DIR is required\n", stderr)
    exit(2)
}
let format = options["format"] ?? "mixed"
let seed = UInt64(int("seed", 1))
// Default end: 2026-11-01T00:00:00Z, so the sample archive is the same on every machine.
let end = Int64(int("end", 1_793_491_200_000))
let factory = EventFactory(
    keyCount: int("keys", format == "mixed" ? 6 : 5000), serviceCount: int("services", format == "mixed" ? 12 : 40),
    detailBytes: int("detail-bytes", format == "mixed" ? 900 : 2000), seed: seed)
do {
    try SynthFiles.makeDirectories(out)
    switch format {
    case "mixed":
        let records = try SynthArchive.writeMixed(
            to: out, events: int("events", 400), factory: factory, end: end, seed: seed)
        print("wrote \(records.count) events in every shape to \(out); first key: \(factory.keys[0])")
    case "oss-gzip", "oss-plain":
        let bytes = try SynthArchive.writeOSS(
            to: out, events: int("events", 1_000_000), factory: factory, perFile: int("per-file", 10_000),
            gzip: format == "oss-gzip", end: end, seed: seed)
        print("wrote \(int("events", 1_000_000)) events (\(bytes) bytes) to \(out)")
    default:
        fputs("keytrail-synth: error: --format must be mixed, oss-gzip or oss-plain\n", stderr)
        exit(2)
    }
} catch {
    fputs("keytrail-synth: error: \(error)\n", stderr)
    exit(1)
}
