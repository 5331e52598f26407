import Foundation
@preconcurrency import Glibc
import TestSupport
import Testing

/// The ingest's progress line on a real terminal (a tmux pane): it moves within one large file,
/// fits the terminal's width, and leaves nothing behind once the summary prints; nothing with
/// `--quiet`, nothing when stderr is not a terminal.
///
/// The large file is a FIFO the test writes, one 4 MiB window at a time (the reader's chunk when
/// streaming, `IngestOptions.streamChunk`): the test writes the next window only once the line
/// has shown the bytes so far, so that every count it expects is one the ingest must draw, with no
/// sleep that has to land at the right moment.
@Suite("Progress line")
struct ProgressLineTests {
    /// Bytes per window the test writes: one read of the streaming reader.
    static let window = 4 << 20
    /// Bytes per JSON line: 4 MiB holds a whole number of them, so that each window ends a line.
    static let lineBytes = 512

    /// Window `index`: JSON lines of `lineBytes` bytes, each an event of its own.
    static func window(_ index: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(window)
        for i in 0..<(window / lineBytes) {
            let n = index * (window / lineBytes) + i
            let head =
                "{\"eventId\":\"E\(n)\",\"serviceName\":\"Ecs\",\"userIdentity\":{\"accessKeyId\":\"K\(n % 13)\"},"
                + "\"eventTime\":\"2024-05-01T00:00:00Z\",\"x\":\""
            let line = head + String(repeating: "y", count: lineBytes - head.utf8.count - 3) + "\"}\n"
            out += Array(line.utf8)
        }
        return out
    }

    /// What the pane showed and kept of one ingest of a FIFO fed `windows` windows.
    struct Run {
        /// The progress lines drawn, in order (escape sequences removed).
        var drawn: [String]
        /// The whole log of the terminal.
        var log: String
        /// The last screen.
        var screen: [String]
        var status: Int32?
    }

    /// The megabytes a progress line shows as read, and whether no file is done yet.
    static func megabytes(_ line: String) -> Double? {
        let fields = line.components(separatedBy: ", ")
        guard fields.count > 1, fields[0] == "ingest: 0/1 files", fields[1].hasSuffix(" MB") else { return nil }
        return Double(fields[1].dropLast(3).split(separator: "/").first ?? "")
    }

    /// The progress lines in a terminal log: the text between carriage returns, erases removed.
    static func drawn(_ log: String) -> [String] {
        log.replacingOccurrences(of: "\u{1B}[K", with: "").components(separatedBy: "\r")
            .filter { $0.hasPrefix("ingest: ") }
    }

    /// Ingests a FIFO in a pane, writing `windows` windows; with `stepwise`, each window only once
    /// the line shows the bytes before it.
    func ingest(
        windows: Int, stepwise: Bool, columns: Int, environment: [String: String] = [:], quiet: Bool = false
    ) throws -> Run {
        let dir = TemporaryDirectory()
        let fifo = dir.file("big.json")
        try #require(mkfifo(fifo, 0o600) == 0)
        let command =
            [Binary.path("keytrail"), "ingest", "--db", dir.file("k.sqlite")] + (quiet ? ["--quiet"] : []) + [fifo]
        let pane = try TerminalPane(command, environment: environment, columns: columns, rows: 30)
        try pane.release()
        /// Waits until the line shows `megabytes` read with no file done.
        func shown(_ bytes: Int) throws {
            let ok = Poll.until {
                Self.drawn(pane.log()).contains {
                    Self.megabytes($0).map { abs($0 - Double(bytes) / 1e6) < 0.6 } ?? false
                }
            }
            try #require(ok, "the line never showed \(bytes) bytes read: \(Self.drawn(pane.log()).suffix(3))")
        }
        if stepwise { try shown(0) }
        let fd = try TerminalPane.openWriter(fifo)
        for i in 0..<windows {
            try TerminalPane.write(fd, Self.window(i))
            if stepwise { try shown((i + 1) * Self.window) }
        }
        close(fd)
        var status: Int32?
        let ended = Poll.until {
            status = pane.exitStatus()
            return status != nil
        }
        let screen = try pane.screen()
        #expect(ended, "the ingest never ended: \(screen)")
        let log = pane.log()
        return Run(drawn: Self.drawn(log), log: log, screen: screen, status: status)
    }

    @Test(.enabled(if: TerminalPane.tmux != nil, "tmux is not installed (Scripts/setup.sh installs it)"))
    func itMovesWithinOneLargeFileAndLeavesNoResidue() throws {
        // No COLUMNS: the width is the terminal's (TIOCGWINSZ), 44 here, too narrow for every field.
        let run = try ingest(windows: 3, stepwise: true, columns: 44)
        #expect(run.status == 0, "\(run.screen)")
        // Within the one file, the bytes read move: four counts, each drawn while no file was done.
        let counts = Set(run.drawn.compactMap(Self.megabytes).map { ($0 * 10).rounded() })
        #expect(counts.count >= 4, "\(run.drawn)")
        #expect(run.drawn.allSatisfy { $0.utf8.count <= 43 }, "\(run.drawn)")
        #expect(run.drawn.contains { $0.contains(" MB/s") }, "\(run.drawn)")
        // The line is erased before the summary, which then owns its lines: nothing of the
        // progress is left on the screen, before or after it.
        #expect(run.log.contains("\r\u{1B}[Kfiles: 1 seen, 1 ingested"), "\(run.log.suffix(300))")
        let events = 3 * Self.window / Self.lineBytes
        #expect(run.screen.count == 5, "\(run.screen)")
        #expect(run.screen.first?.hasPrefix("files: 1 seen, 1 ingested, 0 unchanged, 0 rejected") == true)
        #expect(run.screen.dropFirst().first?.hasPrefix("events: \(events) read") == true, "\(run.screen)")
        #expect(run.screen.dropFirst(2).first?.hasPrefix("bytes: \(3 * Self.window) read") == true)
        #expect(run.screen.dropFirst(3).first?.hasPrefix("next: keytrail keys --as-of latest") == true)
        // The next line is the shell's, whole: `[exit 0]` and nothing else.
        #expect(run.screen.last == "\(TerminalPane.exitMark)0]", "\(run.screen)")
        #expect(!run.screen.contains { $0.contains("ingest:") }, "\(run.screen)")
    }

    @Test(.enabled(if: TerminalPane.tmux != nil, "tmux is not installed (Scripts/setup.sh installs it)"))
    func itFitsColumnsWhenSet() throws {
        // COLUMNS comes before the terminal's own width (120 here).
        let run = try ingest(windows: 1, stepwise: true, columns: 120, environment: ["COLUMNS": "30"])
        #expect(run.status == 0)
        #expect(!run.drawn.isEmpty)
        #expect(run.drawn.allSatisfy { $0.utf8.count <= 29 }, "\(run.drawn)")
        #expect(run.drawn.contains { $0.hasPrefix("ingest: 0/1 files, 4.2 MB") }, "\(run.drawn)")
        #expect(!run.screen.contains { $0.contains("ingest:") }, "\(run.screen)")
    }

    @Test(.enabled(if: TerminalPane.tmux != nil, "tmux is not installed (Scripts/setup.sh installs it)"))
    func quietDrawsNothingOnATerminal() throws {
        let run = try ingest(windows: 1, stepwise: false, columns: 80, quiet: true)
        #expect(run.status == 0)
        // Not a byte of keytrail's: no line, no erase, no summary (nothing was rejected); only the shell's mark.
        #expect(run.log == "\(TerminalPane.exitMark)0]\r\n", "\(run.log.debugDescription)")
    }

    @Test func nothingExtraWhenStderrIsPiped() throws {
        let dir = TemporaryDirectory()
        let input = try dir.write("in.json", Self.window(0))
        let r = try Binary.run("keytrail", ["ingest", "--db", dir.file("k.sqlite"), input])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        #expect(!r.stdout.contains("\u{1B}") && !r.stdout.contains("\r"), "\(r.stdout)")
    }
}
