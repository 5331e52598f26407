import Foundation
import TestSupport
import Testing

/// `--help`, `keytrail help`, the did-you-mean, `-V` and README's Usage block, through the binary.
@Suite("Help and declarations")
struct HelpTests {
    /// The options each command takes (the contract of DESIGN.md's "Command line").
    static let contract: [String: Set<String>] = {
        let query: Set<String> = ["db", "as-of", "window-days", "catalog"]
        let forms: Set<String> = ["format", "wide"]
        let listing = query.union(forms).union(["service", "page-size", "next-token", "all", "explain"])
        return [
            "ingest": ["db", "files-from", "until", "json", "jobs", "quiet", "wait", "batch-files", "products-only"],
            "products": query.union(forms).union(["keys-from", "explain", "between"]),
            "timeline": forms.union(["service", "by", "between", "db", "catalog"]),
            "info": query.union(forms).union(["keys-from", "explain"]), "events": listing, "ips": listing,
            "resources": listing,
            "keys": query.union(forms).union(["unused-for", "inventory", "sort", "status", "account", "user"]),
            "serve": query.union([
                "listen", "credentials", "no-auth", "quiet", "workers", "max-connections", "head-timeout",
                "idle-timeout", "answer-cache",
            ]),
            "status": ["db", "json"], "manifest": ["db", "format", "wide"], "merge": ["into", "json", "quiet", "wait"],
            "policy": query.union(forms).union(["include-denied", "by-service"]),
            "report": query.union(["out", "format", "inventory", "unused-for", "detailed"]), "completions": [],
            "help": ["usage"],
        ]
    }()

    /// The options a help text lists (`--name` or `--name VALUE` at the start of an Options row),
    /// with whether each takes a value.
    static func options(inHelp text: String) -> [String: Bool] {
        var found: [String: Bool] = [:]
        let rows = text.split(separator: "\n", omittingEmptySubsequences: false).drop { $0 != "Options:" }
        for row in rows where row.hasPrefix("  --") {
            let words = row.dropFirst(2).split(separator: " ", omittingEmptySubsequences: true)
            let name = String(words[0].dropFirst(2))
            // A value placeholder is one space after the name; the help text is two spaces on.
            found[name] =
                row.dropFirst(2 + words[0].count).hasPrefix(" ") && !row.dropFirst(2 + words[0].count).hasPrefix("  ")
        }
        return found
    }

    @Test(arguments: contract.keys.sorted())
    func everyCommandsHelpNamesWhatItsParserAccepts(_ command: String) throws {
        let long = try Binary.run("keytrail", [command, "--help"])
        #expect(long.status == 0 && long.stderr.isEmpty, "\(long.stderr)")
        #expect(long.stdout.hasPrefix("keytrail \(command) — "))
        #expect(long.stdout.contains("Usage:\n  keytrail \(command) "))
        for other in [[command, "-h"], ["help", command]] {
            let r = try Binary.run("keytrail", other)
            #expect(r.status == 0 && r.stdout == long.stdout, "\(other)")
        }
        let listed = Self.options(inHelp: long.stdout)
        // Every accepted option is in the help, and the help names nothing more.
        #expect(Set(listed.keys) == Self.contract[command], "\(command)")
        // The parser knows each option the help lists, as the kind the help says (without
        // running anything: a value option with no value, a flag given a value).
        for (name, takesValue) in listed {
            let r = try Binary.run("keytrail", takesValue ? [command, "--\(name)"] : [command, "--\(name)=x"])
            #expect(r.status == 2, "\(command) --\(name)")
            let want = takesValue ? "option '--\(name)' needs a value" : "option '--\(name)' takes no value"
            #expect(r.stderr.contains(want), "\(command) --\(name): \(r.stderr)")
        }
        // An option of another command is refused.
        let others = Set(Self.contract.values.joined()).subtracting(Self.contract[command] ?? [])
        for name in others.sorted() {
            let r = try Binary.run("keytrail", [command, "--\(name)"])
            #expect(r.status == 2 && r.stderr.contains("unknown option '--\(name)'"), "\(command) --\(name)")
        }
    }

    @Test func globalHelpNamesEveryCommand() throws {
        for args in [["help"], ["--help"], ["-h"]] {
            let r = try Binary.run("keytrail", args)
            #expect(r.status == 0 && r.stderr.isEmpty)
            for command in Self.contract.keys { #expect(r.stdout.contains("\n  \(command) "), "\(command)") }
            #expect(r.stdout.contains("-V, --version"))
        }
        let bare = try Binary.run("keytrail", [])
        #expect(bare.status == 2 && bare.stdout.isEmpty && bare.stderr.contains("Commands:"))
    }

    @Test func versionFlags() throws {
        for args in [["-V"], ["--version"], ["version"]] {
            let r = try Binary.run("keytrail", args)
            #expect(r.status == 0 && r.stdout == "keytrail 0.1.0\n", "\(args)")
        }
    }

    @Test(
        arguments: [
            (["prodcts", "K"], "unknown command 'prodcts'; did you mean 'products'?", nil),
            (["help", "ingset"], "unknown command 'ingset'; did you mean 'ingest'?", "help"),
            (["compl"], "unknown command 'compl'; did you mean 'completions'?", nil),
            (["products", "K", "--formt", "json"], "unknown option '--formt'; did you mean '--format'?", "products"),
            (["ingest", "--unitl", "x", "p"], "unknown option '--unitl'; did you mean '--until'?", "ingest"),
            (["ingest", "--batch", "5", "p"], "unknown option '--batch'; did you mean '--batch-files'?", "ingest"),
            (["events", "K", "-service", "Ecs"], "unknown option '-service'; did you mean '--service'?", "events"),
            (["keys", "--zzzzzz"], "unknown option '--zzzzzz'\n", "keys"),
        ] as [([String], String, String?)])
    func typosGetASuggestionTheUsageAndTheHelpPointer(_ args: [String], _ message: String, _ command: String?) throws {
        let r = try Binary.run("keytrail", args)
        #expect(r.status == 2 && r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("keytrail: error: " + message), "\(r.stderr)")
        if let command {
            #expect(r.stderr.contains("\nUsage: keytrail \(command) "), "\(r.stderr)")
            #expect(r.stderr.hasSuffix("See 'keytrail \(command) --help'.\n"), "\(r.stderr)")
        } else {
            #expect(r.stderr.hasSuffix("Usage: keytrail COMMAND [options]\nSee 'keytrail --help'.\n"), "\(r.stderr)")
        }
    }

    /// README's Usage block (after its build line) is the declarations' synopsis, byte for byte.
    @Test func readmeUsageBlockIsTheDeclarations() throws {
        let readme = try String(contentsOfFile: Binary.packageRoot + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "## Usage\n\n```sh\n"))
        let end = try #require(readme.range(of: "\n```\n", range: start.upperBound..<readme.endIndex))
        let block = readme[start.upperBound..<end.lowerBound]
        let commands = try #require(block.range(of: "\n\n")).upperBound
        let synopsis = try Binary.run("keytrail", ["help", "--usage"])
        #expect(synopsis.status == 0)
        #expect(String(block[commands...]) + "\n" == synopsis.stdout, "regenerate with `keytrail help --usage`")
        // Every command but help is in it, with every option it takes.
        for (command, options) in Self.contract where command != "help" {
            let lines = synopsis.stdout.split(separator: "\n").drop { !$0.hasPrefix("keytrail \(command) ") }
            let mine = lines.prefix { $0.hasPrefix("keytrail \(command) ") || $0.hasPrefix(" ") }.joined()
            for o in options { #expect(mine.contains("--\(o)"), "\(command) --\(o)") }
        }
    }
}
