import Foundation
import TestSupport
import Testing

/// Every write checked, through the real binary: a full disk is an error (exit 2), a closed pipe
/// ends the command quietly, as git's and jq's do (killed by SIGPIPE: status 141 in the shell).
@Suite("Output")
struct OutputTests {
    static let sampleKey = "LTAI5tv6QCVFimUPfpBMBSH6"
    static let message = "keytrail: error: cannot write the output: No space left on device\n"

    /// How a run ended, with its standard error.
    struct Ending {
        var reason: Process.TerminationReason
        var status: Int32
        var stderr: String
    }

    // The queries ask for 401 days: the sample key's Ims, one millisecond before the default
    // window, would add a note on stderr.

    /// Runs the binary with standard output on `stdout` (a file handle or a pipe).
    func run(_ arguments: [String], stdout: Any, stderr: Any? = nil) throws -> Ending {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path("keytrail"))
        p.arguments = arguments
        p.standardOutput = stdout
        let err = Pipe()
        p.standardError = stderr ?? err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let text = stderr == nil ? String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) : ""
        p.waitUntilExit()
        return Ending(reason: p.terminationReason, status: p.terminationStatus, stderr: text)
    }

    func full() throws -> FileHandle { try #require(FileHandle(forWritingAtPath: "/dev/full")) }

    @Test(arguments: [
        ["keys", "--format", "csv", "--as-of", "latest"],
        ["keys", "--format", "json", "--as-of", "latest"],
        ["products", sampleKey, "--as-of", "latest", "--window-days", "401"],
        ["products", sampleKey, "--as-of", "latest", "--window-days", "401", "--format", "table"],
        ["info", sampleKey, "--as-of", "latest", "--window-days", "401"],
        ["events", sampleKey, "--service", "Ecs", "--as-of", "latest"],
    ])
    func aFullDiskIsAnErrorNeverATruncatedAnswer(_ arguments: [String]) throws {
        let dir = TemporaryDirectory()
        let db = try SampleLogs.index(dir)
        let r = try run(arguments + ["--db", db], stdout: try full())
        #expect(r.reason == .exit && r.status == 2)
        #expect(r.stderr == Self.message)
    }

    @Test func theIngestSummaryOnAFullDiskIsAnError() throws {
        let dir = TemporaryDirectory()
        let r = try run(["ingest", "--db", dir.file("k.sqlite"), SampleLogs.path], stdout: try full())
        #expect(r.reason == .exit && r.status == 2)
        #expect(r.stderr == Self.message)
        // What was committed stays: the index answers.
        let q = try Binary.run(
            "keytrail", ["products", Self.sampleKey, "--db", dir.file("k.sqlite"), "--as-of", "latest"])
        #expect(q.status == 0)
    }

    @Test func usageAndVersionOnAFullDiskAreErrors() throws {
        for arguments in [["--version"], ["help"]] {
            let r = try run(arguments, stdout: try full())
            #expect(r.reason == .exit && r.status == 2)
            #expect(r.stderr == Self.message)
        }
    }

    @Test func aFullStandardErrorFailsTheRun() throws {
        // The error itself cannot be said; the status still tells.
        let r = try run(
            ["products", "--db", "/nonexistent/k.sqlite", Self.sampleKey], stdout: Pipe(), stderr: try full())
        #expect(r.reason == .exit && r.status == 2)
    }

    @Test(arguments: [
        ["keys", "--format", "csv", "--as-of", "latest"],
        ["products", sampleKey, "--as-of", "latest", "--window-days", "401"],
    ])
    func aClosedPipeEndsTheCommandQuietly(_ arguments: [String]) throws {
        let dir = TemporaryDirectory()
        let db = try SampleLogs.index(dir)
        // The reader is gone before the first write: that write fails with EPIPE.
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let r = try run(arguments + ["--db", db], stdout: pipe)
        #expect(r.reason == .uncaughtSignal && r.status == SIGPIPE)
        #expect(r.stderr.isEmpty)
    }

    @Test func keysIntoHeadIsQuiet() throws {
        let dir = TemporaryDirectory()
        let db = try SampleLogs.index(dir)
        let script = "set -o pipefail; \"$0\" keys --format csv --as-of latest --db \"$1\" | head -n 1"
        let r = try Binary.run("/bin/bash", ["-c", script, Binary.path("keytrail"), db])
        // head may leave before or after keytrail's one write: either way quiet, never an error.
        #expect(r.status == 0 || r.status == 141)
        #expect(r.stderr.isEmpty)
        #expect(r.stdout.split(separator: "\n").count == 1)
    }
}
