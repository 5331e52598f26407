import Foundation
@preconcurrency import Glibc

/// A real terminal for a test: a tmux server of its own (socket, config and log in a temporary
/// directory) running one command in a pane of a given size. Every byte the command writes to
/// the terminal is kept (`pipe-pane`), and the pane stays when the command ends
/// (`remain-on-exit`), so that its exit status and last screen can be read.
///
/// The server is started with a clean signal mask and default dispositions, the standard streams
/// on /dev/null and no other descriptor: the test runner's threads block signals (libdispatch's
/// workers do), and `Process` passes that mask on, so a server started by it never sees SIGCHLD
/// and never learns that its command ended; a descriptor of the runner's (another test's pipe)
/// held by the daemon would keep that test waiting for an end of file.
package final class TerminalPane {
    /// tmux, where Debian puts it (`Scripts/setup.sh` installs it).
    package static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    private let directory = TemporaryDirectory("keytrail-tty")
    private let socket: String
    private var gateOpen = false

    /// Starts `command` (run directly, with `environment` added) in a `columns` × `rows` pane. It
    /// is held before it runs until `release()`, so that nothing it writes escapes the log.
    package init(_ command: [String], environment: [String: String] = [:], columns: Int, rows: Int) throws {
        guard let program = Self.tmux else { throw Failure("tmux is not installed") }
        socket = directory.file("tmux.sock")
        let config = try directory.write(
            "tmux.conf",
            """
            set-option -g remain-on-exit on
            set-option -g status off
            set-option -g default-shell /bin/sh
            set-option -g history-limit 2000

            """)
        let gate = directory.file("gate")
        guard mkfifo(gate, 0o600) == 0 else { throw Failure("mkfifo: \(String(cString: strerror(errno)))") }
        // Held on the gate; then the command, and its exit status on a line of its own, printed by
        // the shell that waited for it (tmux's own `pane_dead_status` was seen missing under load:
        // the server left the command a zombie).
        let held = [
            "/bin/sh", "-c", "cat \"$0\" >/dev/null && \"$@\"; echo \"\(Self.exitMark)$?]\"", gate, "/usr/bin/env",
        ]
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let status = try Self.spawn(
            program,
            ["tmux", "-f", config, "-S", socket, "new-session", "-d", "-x", "\(columns)", "-y", "\(rows)"] + held
                + assignments + command,
            environment: [
                "PATH=/usr/bin:/bin", "HOME=\(directory.path)", "TERM=xterm-256color", "LANG=C.UTF-8",
                "SHELL=/bin/sh",
            ])
        guard status == 0 else { throw Failure("tmux new-session exited with \(status)") }
        try tmux(["pipe-pane", "-o", "cat >> '\(logPath)'"])
    }

    deinit { _ = try? tmux(["kill-server"]) }

    /// Where the bytes the command writes are kept.
    package var logPath: String { directory.file("pane.log") }

    /// Lets the command run (it was held so that the log misses nothing).
    package func release(timeout: Double = 60) throws {
        guard !gateOpen else { return }
        let fd = try Self.openWriter(directory.file("gate"), timeout: timeout)
        close(fd)
        gateOpen = true
    }

    /// Everything the command wrote so far, escape sequences included.
    package func log() -> String {
        String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self)
    }

    /// The pane's lines, history included, wrapped lines joined, without trailing blank lines and
    /// without tmux's own `Pane is dead` line.
    package func screen() throws -> [String] {
        var lines = try tmux(["capture-pane", "-p", "-J", "-S", "-", "-E", "-"]).split(
            separator: "\n", omittingEmptySubsequences: false
        ).map { String($0.reversed().drop { $0 == " " }.reversed()) }.filter { !$0.hasPrefix("Pane is dead") }
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    /// What the shell prints after the command: `[exit 0]`.
    package static let exitMark = "[exit "

    /// The command's exit status once it has ended (read from the log); nil while it runs.
    package func exitStatus() -> Int32? {
        guard let mark = log().range(of: Self.exitMark, options: .backwards) else { return nil }
        let rest = log()[mark.upperBound...]
        guard let end = rest.firstIndex(of: "]") else { return nil }
        return Int32(rest[..<end])
    }

    /// Opens the FIFO at `path` for writing once its reader has opened it (polled, so that a
    /// reader that never comes fails the test instead of hanging it); the descriptor blocks.
    package static func openWriter(_ path: String, timeout: Double = 60) throws -> Int32 {
        var fd: Int32 = -1
        _ = Poll.until(timeout: timeout) {
            fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            return fd >= 0 || errno != ENXIO
        }
        guard fd >= 0 else { throw Failure("no reader opened \(path): \(String(cString: strerror(errno)))") }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }

    /// Writes all of `bytes` to `fd`.
    package static func write(_ fd: Int32, _ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure("write: \(String(cString: strerror(errno)))") }
            off += n
        }
    }

    /// Runs a tmux command against this server; its standard output.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let r = try Binary.run(Self.tmux ?? "tmux", ["-S", socket] + arguments)
        guard r.status == 0 else { throw Failure("tmux \(arguments.first ?? ""): \(r.stderr)") }
        return r.stdout
    }

    /// posix_spawn with an empty signal mask, every signal at its default, the standard streams on
    /// /dev/null and every other descriptor closed; waits for it and returns its exit status.
    private static func spawn(_ path: String, _ argv: [String], environment: [String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        if let closeFrom = Self.addCloseFrom {
            // In the child, after the opens: no descriptor another thread opens meanwhile slips through.
            _ = closeFrom(&actions, 3)
        } else {
            let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            for fd in descriptors.compactMap({ Int32($0) }) where fd > 2 && fcntl(fd, F_GETFD) != -1 {
                posix_spawn_file_actions_addclose(&actions, fd)
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer { for p in cArgv + cEnv { free(p) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, path, &actions, &attributes, cArgv, cEnv)
        guard rc == 0 else { throw Failure("posix_spawn \(path): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status >> 8) & 0xFF
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which its headers
    /// declare only for `_GNU_SOURCE`; nil on an older glibc.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Why the pane could not be set up.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        init(_ description: String) { self.description = description }
    }
}
