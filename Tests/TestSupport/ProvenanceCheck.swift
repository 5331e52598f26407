import Foundation

/// Opens each stored event's file where its provenance says (after gunzip, by `gzip -dc`, an
/// independent reader) and looks for the event there: its Detail's own text starts at that line
/// and column, or a JSON string starts there whose decoded text holds it (an SLS row's `event`, a
/// response's `Detail`, an envelope's `message`, nested up to three strings deep).
package enum ProvenanceCheck {
    /// One stored event: its provenance (the file as a local path) and its Detail text.
    package struct Stored: Sendable {
        package var path: String
        package var line: Int
        package var column: Int
        package var detail: [UInt8]

        package init(path: String, line: Int, column: Int, detail: [UInt8]) {
            self.path = path
            self.line = line
            self.column = column
            self.detail = detail
        }
    }

    /// What is wrong, one line per event not found where it says (empty: every one was).
    package static func problems(_ events: [Stored]) throws -> [String] {
        var files: [String: [[UInt8]]] = [:]
        var out: [String] = []
        for e in events {
            if files[e.path] == nil { files[e.path] = try lines(e.path) }
            let lines = files[e.path]!
            guard e.line >= 1, e.line <= lines.count, e.column >= 1, e.column <= lines[e.line - 1].count else {
                out.append("\(e.path):\(e.line):\(e.column): no such position")
                continue
            }
            // The rest of the file from the position (an event may span lines).
            var rest = Array(lines[e.line - 1][(e.column - 1)...])
            for l in lines[e.line...] { rest += [0x0A] + l }
            if rest.starts(with: e.detail) { continue }
            if rest.first == 0x22, let text = string(at: rest), holds(text, e.detail, depth: 3) { continue }
            out.append(
                "\(e.path):\(e.line):\(e.column): found \(String(decoding: rest.prefix(60), as: UTF8.self)), "
                    + "not the event \(String(decoding: e.detail.prefix(60), as: UTF8.self))")
        }
        return out
    }

    /// The file's decompressed lines (split at LF), a BOM at its start left out.
    static func lines(_ path: String) throws -> [[UInt8]] {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        if bytes.starts(with: [0x1F, 0x8B]) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/gzip")
            p.arguments = ["-dc", path]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            bytes = [UInt8](out.fileHandleForReading.readDataToEndOfFile())
            p.waitUntilExit()
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    }

    /// The JSON string literal `text` starts with, decoded.
    static func string(at text: [UInt8]) -> String? {
        var i = 1
        while i < text.count && text[i] != 0x22 { i += text[i] == 0x5C ? 2 : 1 }
        guard i < text.count else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(text[...i]), options: .fragmentsAllowed)) as? String
    }

    /// Whether `text` holds `detail`, as it is or in a JSON string inside it, `depth` strings deep.
    static func holds(_ text: String, _ detail: [UInt8], depth: Int) -> Bool {
        let bytes = Array(text.utf8)
        if bytes.count >= detail.count,
            (0...(bytes.count - detail.count)).contains(where: { bytes[$0..<($0 + detail.count)].elementsEqual(detail) }
            )
        {
            return true
        }
        guard depth > 1, let value = try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)
        else { return false }
        func walk(_ v: Any) -> Bool {
            switch v {
            case let s as String: return s.contains("{") && holds(s, detail, depth: depth - 1)
            case let a as [Any]: return a.contains(where: walk)
            case let o as [String: Any]: return o.values.contains(where: walk)
            default: return false
            }
        }
        return walk(value)
    }
}
