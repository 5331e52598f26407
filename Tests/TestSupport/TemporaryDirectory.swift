import Foundation

/// A fresh directory under the system's temporary directory, removed when released.
package final class TemporaryDirectory: @unchecked Sendable {
    /// Its absolute path.
    package let path: String

    /// Creates the directory.
    package init(_ label: String = "keytrail") {
        let template = NSTemporaryDirectory() + "/\(label)-XXXXXX"
        var bytes = Array(template.utf8CString)
        let p = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(p != nil, "mkdtemp failed")
        path = String(cString: p!)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/name`.
    package func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `path/name` (creating parents) and returns the full path.
    @discardableResult
    package func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let full = file(name)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }

    /// Writes `text` as UTF-8 to `path/name` and returns the full path.
    @discardableResult
    package func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }
}
