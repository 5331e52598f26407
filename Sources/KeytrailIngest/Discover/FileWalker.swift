import Glibc
import KeytrailExtract
import KeytrailPOSIX

/// Expands the command line's paths: files as given, directories recursively (sorted by name),
/// `-` as standard input. Missing paths, loops and special files become rejections.
struct FileWalker {
    private(set) var items: [InputItem] = []
    private(set) var rejections: [Rejection] = []
    private var cwd: [UInt8] = []

    /// Files never read as input: the index itself and its journal files, by (device, inode).
    private var excluded: [(UInt64, UInt64)] = []

    init(paths: [[UInt8]], exclude: [[UInt8]] = []) {
        self.init(inputs: paths.map { NamedInput(path: $0) }, exclude: exclude)
    }

    init(inputs: [NamedInput], exclude: [[UInt8]] = []) {
        for p in exclude {
            if let st = FileStatus(path: p) { excluded.append((st.device, st.inode)) }
        }
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        if getcwd(&buf, buf.count) != nil {
            cwd = Array(buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) })
        }
        for input in inputs {
            if input.path == [0x2D] {
                items.append(InputItem(path: input.path, absolute: input.name ?? input.path, isStdin: true))
            } else {
                visit(input.path, name: input.name, ancestors: [])
            }
        }
    }

    private func absolute(_ p: [UInt8]) -> [UInt8] {
        if p.first == 0x2F { return p }
        return cwd + [0x2F] + p
    }

    private mutating func visit(_ path: [UInt8], name: [UInt8]?, ancestors: [(UInt64, UInt64)]) {
        let display = String(decoding: name ?? path, as: UTF8.self)
        guard let st = FileStatus(path: path) else {
            rejections.append(Rejection(path: display, kind: .io, message: "cannot open: \(SystemError.current)"))
            return
        }
        switch st.mode & UInt32(S_IFMT) {
        case UInt32(S_IFDIR):
            let id = (st.device, st.inode)
            if ancestors.contains(where: { $0 == id }) {
                rejections.append(
                    Rejection(
                        path: display, kind: .io, message: "directory loop (a symbolic link to an ancestor); skipped"))
                return
            }
            guard let dir = POSIX.withCPath(path, { opendir($0) }) else {
                let why = SystemError.current
                rejections.append(Rejection(path: display, kind: .io, message: "cannot read directory: \(why)"))
                return
            }
            var names: [[UInt8]] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    Array(raw.prefix { $0 != 0 })
                }
                if name == [0x2E] || name == [0x2E, 0x2E] { continue }
                names.append(name)
            }
            closedir(dir)
            names.sort { $0.lexicographicallyPrecedes($1) }
            let prefix = path.last == 0x2F ? path : path + [0x2F]
            let named = name.map { $0.last == 0x2F ? $0 : $0 + [0x2F] }
            for child in names { visit(prefix + child, name: named.map { $0 + child }, ancestors: ancestors + [id]) }
        case UInt32(S_IFIFO) where !ancestors.isEmpty, UInt32(S_IFCHR) where !ancestors.isEmpty:
            // Named on the command line (`<(zcat …)`) a pipe is input; met in a directory walk,
            // opening one could block forever.
            rejections.append(Rejection(path: display, kind: .io, message: "not a regular file; skipped"))
        case UInt32(S_IFREG), UInt32(S_IFIFO), UInt32(S_IFCHR):
            let id = (st.device, st.inode)
            if excluded.contains(where: { $0 == id }) { return }
            items.append(
                InputItem(path: path, absolute: name ?? absolute(path), isStdin: false, isNamed: name != nil))
        default:
            rejections.append(Rejection(path: display, kind: .io, message: "not a regular file; skipped"))
        }
    }
}
