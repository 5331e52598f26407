/// The help texts, the usage synopsis and the did-you-mean, all read from the table.
extension CommandTable {
    /// The line the global help and every usage error start from.
    static let tagline =
        "keytrail — what has this AccessKey been used for, and when? (offline, from ActionTrail archives)"

    /// The closing lines of the global help and of the help of commands that read TIME.
    static let timeNote = """
        TIME is RFC 3339 (2026-10-01T12:00:00Z, +08:00), a date (2026-10-01, midnight UTC), RFC 3339 with a
        space for the T, or epoch milliseconds (a number before 2000-01-01 as milliseconds is refused).
        """
    static let exitNote = "Exit status: 0 ok, 1 API error answered, 2 usage error, 3 input rejected."

    /// `keytrail help`, `--help`, `-h`.
    package static var globalHelp: String {
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        var lines = [tagline, "", "Usage: keytrail COMMAND [options]", "", "Commands:"]
        for c in commands { lines.append("  " + c.name.padded(width) + c.summary) }
        lines += [
            "", "Options:",
            "  " + "-h, --help".padded(16) + "show help (also: keytrail help COMMAND, keytrail COMMAND --help)",
            "  " + "-V, --version".padded(16) + "print the version", "", timeNote,
            "--db defaults to $KEYTRAIL_DB, else keytrail.sqlite.", exitNote,
            "See 'keytrail COMMAND --help' for a command's options.",
        ]
        return lines.joined(separator: "\n")
    }

    /// `keytrail CMD --help` and `keytrail help CMD`.
    package static func help(_ c: CommandSpec) -> String {
        var lines = ["keytrail \(c.name) — \(c.summary)", "", "Usage:"]
        for form in c.forms { lines.append("  keytrail \(c.name) \(form)[options]") }
        let rows = c.options.map { ($0.synopsis, $0.help) } + [("-h, --help", "show this help")]
        let width = min(30, (rows.map(\.0.count).max() ?? 0) + 2)
        lines += ["", "Options:"]
        for (s, h) in rows {
            lines.append(s.count >= width ? "  \(s)\n  \("".padded(width))\(h)" : "  " + s.padded(width) + h)
        }
        if !c.notes.isEmpty { lines += [""] + c.notes }
        if c.options.contains(where: { $0.value?.hasPrefix("TIME") == true }) { lines += ["", timeNote] }
        return lines.joined(separator: "\n")
    }

    /// The footer of a usage error: the command's usage line and where its help is.
    static func usageFooter(_ command: CommandSpec?) -> String {
        guard let command else { return "Usage: keytrail COMMAND [options]\nSee 'keytrail --help'." }
        return "Usage: \(command.usageLine)\nSee 'keytrail \(command.name) --help'."
    }

    /// README's Usage block (after its build line): each command's forms with every option.
    package static var synopsis: String {
        var lines: [String] = []
        for c in commands where c.name != "help" {
            for (i, form) in c.forms.enumerated() {
                let head = "keytrail \(c.name) \(form)"
                let words =
                    i == 0
                    ? c.options.filter { o in !c.forms.contains { $0.contains("--\(o.name) ") } }.map {
                        "[\($0.synopsis)]"
                    } : ["[same options]"]
                var line = head.trimmingTrailingSpace
                let indent = "".padded(head.count)
                for w in words {
                    if line.count + 1 + w.count > 100 {
                        lines.append(line)
                        line = indent + w
                    } else {
                        line += (line.hasSuffix(" ") ? "" : " ") + w
                    }
                }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The candidate nearest to `word`: within an edit distance of 2, else the one it begins.
    static func suggestion(_ word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word, $0)) }.filter { $0.1 <= 2 }
        if let best = scored.min(by: { $0.1 < $1.1 }) { return best.0 }
        guard word.count >= 2 else { return nil }
        return candidates.first(where: { $0.hasPrefix(word) })
    }

    /// The edit (Levenshtein) distance between `a` and `b`.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let old = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = old
            }
        }
        return row[b.count]
    }
}

extension String {
    /// The string padded with spaces to `width` characters.
    func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }

    /// The string without trailing spaces.
    var trimmingTrailingSpace: String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
