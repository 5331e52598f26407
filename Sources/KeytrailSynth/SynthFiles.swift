import Glibc
import KeytrailPOSIX

/// Small file-system helpers for the generator.
package enum SynthFiles {
    /// Creates `path` and its parents.
    package static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            do throws(SystemError) { try POSIX.makeDirectory(current) } catch {
                throw SynthError("cannot create directory \(current): \(error)")
            }
        }
    }

    /// Writes `data` to `path` (creating parent directories).
    package static func write(_ data: [UInt8], to path: String) throws {
        if let slash = path.lastIndex(of: "/") { try makeDirectories(String(path[..<slash])) }
        let fd: Int32
        do throws(SystemError) { fd = try POSIX.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC) } catch {
            throw SynthError("cannot create \(path): \(error)")
        }
        defer { close(fd) }
        let failure = data.withUnsafeBytes { bytes -> SystemError? in
            do throws(SystemError) {
                try POSIX.write(fd, bytes)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw SynthError("cannot write \(path): \(failure)") }
    }
}
