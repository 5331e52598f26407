@preconcurrency import Glibc
import KeytrailPOSIX
import KeytrailSynth

/// Child processes, timed, with their peak RSS.
enum Process {
    struct Result {
        var status: Int32
        var seconds: Double
        var maxRSSKiB: Double
    }

    /// An executable beside this one.
    static func siblingExecutable(_ name: String) -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let exe = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "."
        let dir = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return dir + "/" + name
    }

    /// Runs `path args`, stdout and stderr to /dev/null, and waits.
    static func run(_ path: String, _ args: [String]) throws -> Result {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let t0 = Clock.monotonicSeconds()
        let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard rc == 0 else { throw BenchError("cannot start \(path): \(SystemError(code: rc))") }
        var status: Int32 = 0
        var usage = rusage()
        do {
            _ = try POSIX.retrying { wait4(pid, &status, 0, &usage) }
        } catch {
            throw BenchError("cannot wait for \(path): \(error)")
        }
        let seconds = Clock.monotonicSeconds() - t0
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(status: exit, seconds: seconds, maxRSSKiB: Double(usage.ru_maxrss))
    }
}

/// The generated corpus: OSS-style arrays of 10,000 events per file, plain and gzip.
enum Corpus {
    struct Info {
        var plainBytes: Int
        var gzipBytes: Int
    }

    static func prepare(dir: String, events: Int) throws -> Info {
        let marker = dir + "/corpus.txt"
        // Bump `generator` when EventFactory's output changes, so an older corpus is rebuilt.
        let expected = "events=\(events) seed=1 perFile=10000 generator=2\n"
        // The generator is deterministic: a folder it filled for the same parameters is reused.
        let reusable = (try? read(marker)) == expected
        if !reusable {
            print("generating \(events) events in \(dir) …")
            let factory = EventFactory.benchmark(seed: 1)
            let end: Int64 = 1_793_491_200_000
            for kind in ["plain", "gzip"] {
                try SynthFiles.makeDirectories(dir + "/" + kind)
                // Only the generator's own files are ever deleted.
                for f in (try? files(dir + "/" + kind)) ?? [] { unlink(f) }
                try SynthArchive.writeOSS(
                    to: dir + "/" + kind, events: events, factory: factory, perFile: 10_000, gzip: kind == "gzip",
                    end: end, seed: 1)
            }
        }
        try SynthFiles.write(Array(expected.utf8), to: marker)
        return Info(plainBytes: try size(dir + "/plain"), gzipBytes: try size(dir + "/gzip"))
    }

    static func files(_ dir: String) throws -> [String] {
        guard let d = opendir(dir) else { throw BenchError("cannot open \(dir)") }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix("Actiontrail_") { out.append(dir + "/" + name) }
        }
        return out.sorted()
    }

    static func size(_ dir: String) throws -> Int {
        var total = 0
        for f in try files(dir) { total += Int(FileStatus(path: f)?.size ?? 0) }
        return total
    }

    static func read(_ path: String) throws -> String {
        do {
            return String(decoding: try POSIX.readFile(path), as: UTF8.self)
        } catch {
            throw BenchError("cannot read \(path): \(error)")
        }
    }

    /// Reads every file with large reads and counts `{` bytes: the floor any parser stands on.
    static func rawScan(_ dir: String) throws -> Double {
        let t0 = Clock.monotonicSeconds()
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 22, alignment: 64)
        defer { buffer.deallocate() }
        var count = 0
        for f in try files(dir) {
            guard let fd = try? POSIX.openForReading(f) else { continue }
            while true {
                let n = (try? POSIX.read(fd, into: buffer, count: 1 << 22)) ?? 0
                if n <= 0 { break }
                var p = buffer
                var left = n
                while let hit = memchr(p, 0x7B, left) {
                    count += 1
                    let step = hit - p + 1
                    p = hit + 1
                    left -= step
                }
            }
            close(fd)
        }
        if count < 0 { print(count) }
        return Clock.monotonicSeconds() - t0
    }
}

/// What machine the figures come from.
enum Machine {
    static var description: String {
        let cpus = POSIX.onlineCPUs
        var model = "unknown CPU"
        if let text = try? Corpus.read("/proc/cpuinfo"),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let colon = line.firstIndex(of: ":")
        {
            model = line[line.index(after: colon)...].trimmingPrefix(" ").description
        }
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        return "\(cpus) CPUs, \(model), \(pages * pageSize / (1 << 30)) GiB RAM"
    }
}
