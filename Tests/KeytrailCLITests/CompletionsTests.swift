import Foundation
import TestSupport
import Testing

/// `keytrail completions bash|zsh|fish`, loaded by the shells that are installed.
@Suite("Completions")
struct CompletionsTests {
    /// Runs `script` with `shell -c`, the completion script in `$1`.
    static func shell(_ shell: String, _ script: String, _ file: String) throws -> RunResult {
        try Binary.run("/usr/bin/env", [shell, "-c", script, shell, file])
    }

    /// Whether `shell` is on PATH.
    static func installed(_ shell: String) throws -> Bool {
        try Binary.run("/usr/bin/env", ["sh", "-c", "command -v \(shell)"]).status == 0
    }

    @Test func bashLoadsItAndCompletesCommandsOptionsAndValues() throws {
        let dir = TemporaryDirectory()
        let r = try Binary.run("keytrail", ["completions", "bash"])
        #expect(r.status == 0)
        try dir.write("k.bash", r.stdout)
        let file = dir.file("k.bash")
        #expect(try Self.shell("bash", "bash -n \"$1\"", file).status == 0)
        let loaded = try Self.shell("bash", "source \"$1\" && complete -p keytrail", file)
        #expect(loaded.status == 0 && loaded.stdout == "complete -o default -F _keytrail keytrail\n", "\(loaded)")
        let complete = """
            source "$1"
            c() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _keytrail; echo "${COMPREPLY[*]}"; }
            c keytrail pro
            c keytrail products --format ''
            c keytrail keys --format ''
            c keytrail ingest --ba
            c keytrail completions ''
            """
        let got = try Self.shell("bash", complete, file)
        #expect(
            got.stdout
                == "products\njson table csv ndjson\ntable json csv ndjson\n--batch-files\n--help bash zsh fish\n",
            "\(got.stdout)"
        )
    }

    @Test(arguments: ["zsh", "fish"])
    func otherShellsLoadIt(_ shell: String) throws {
        guard try Self.installed(shell) else { return }
        let dir = TemporaryDirectory()
        let r = try Binary.run("keytrail", ["completions", shell])
        #expect(r.status == 0)
        try dir.write("k.\(shell)", r.stdout)
        let file = "'" + dir.file("k.\(shell)") + "'"
        #expect(try Binary.run("/usr/bin/env", [shell, "-n", dir.file("k.\(shell)")]).status == 0)
        if shell == "fish" {
            let loaded = try Binary.run(
                "/usr/bin/env", ["fish", "-c", "source \(file); complete -C'keytrail products --format '"])
            let values = loaded.stdout.split(separator: "\n").map { $0.prefix { $0 != "\t" } }
            #expect(Set(values) == ["json", "table", "csv", "ndjson"], "\(loaded)")
            let command = try Binary.run(
                "/usr/bin/env", ["fish", "-c", "source \(file); complete -C'keytrail ingest --ba'"])
            #expect(command.stdout.hasPrefix("--batch-files\t"), "\(command)")
        } else {
            let loaded = try Binary.run(
                "/usr/bin/env",
                ["zsh", "-f", "-c", "autoload -Uz compinit && compinit -u -D; source \(file); print $_comps[keytrail]"])
            #expect(loaded.stdout == "_keytrail\n", "\(loaded)")
        }
    }

    @Test func anUnknownShellIsAUsageError() throws {
        let r = try Binary.run("keytrail", ["completions", "powershell"])
        #expect(r.status == 2 && r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("keytrail: error: completions needs one of bash, zsh or fish\n"))
        #expect(r.stderr.hasSuffix("See 'keytrail completions --help'.\n"))
    }
}
