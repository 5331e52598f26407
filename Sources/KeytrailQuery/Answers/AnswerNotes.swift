import KeytrailScan
package import KeytrailStore

/// What a careful colleague would add to an answer (DESIGN "Answers a person cannot misread"):
/// the texts of the `keytrail: note:` lines, never part of a body.
package enum AnswerNotes {
    /// The key does not occur in the index: how many keys it holds, when its events are, and keys
    /// that differ only by case or a typo or two.
    package static func unknownKey(_ key: String, census: IndexCensus) -> [String] {
        guard let span = census.span else {
            return ["\(key) does not occur in the index: it holds no events (run `keytrail ingest` first)"]
        }
        let count = census.keys.count == 1 ? "1 key" : "\(census.keys.count) keys"
        var note =
            "\(key) does not occur in the index (\(count), events \(Window.text(span.lowerBound)) .. "
            + "\(Window.text(span.upperBound)); keys are case-sensitive)"
        // Only keys within two bytes of its length can be within two edits: narrowed here, by a
        // length the strings know, before `NearMatch` copies each candidate's bytes (a server's
        // miss asked it of every key in the index).
        let length = key.utf8.count
        let near = census.keys.filter { abs($0.utf8.count - length) <= 2 }
        if let question = NearMatch.question(NearMatch.suggestions(for: key, among: near)) {
            note += "; \(question)"
        }
        return [note]
    }

    /// The key has no rows of `service`: the services it has, and a did-you-mean.
    package static func unknownService(_ service: String, key: String, services: [String]) -> String {
        var note = "\(key) has no events of service '\(service)' in the index; its services: "
        note += services.sorted { LatestWins.compareBytes($0.utf8, $1.utf8) < 0 }.joined(separator: ", ")
        note += " (case-sensitive)"
        if let question = NearMatch.question(NearMatch.suggestions(for: service, among: services)) {
            note += "; \(question)"
        }
        return note
    }

    /// One note per product of `rows` that `window` leaves out (newest first), led, when the
    /// as-of `asked` is now and hides all of them while the end of the archive (`newestInIndex`)
    /// would show some, by the advice to ask `--as-of latest`.
    package static func hidden(
        _ rows: [ProductRow], window: Window, asked: AsOf?, newestInIndex: () throws(QueryError) -> Int64?
    ) throws(QueryError) -> [String] {
        let outside = rows.filter { !window.contains($0.timestamp) }.sorted { a, b in
            a.timestamp != b.timestamp
                ? a.timestamp > b.timestamp : LatestWins.compareBytes(a.service.utf8, b.service.utf8) < 0
        }
        var notes = outside.map { window.hiddenNote($0.service, lastUsed: $0.timestamp) }
        if asked == .now, outside.count == rows.count, let newest = outside.first?.timestamp,
            let end = try newestInIndex(), Window(asOf: end, days: window.days).contains(newest)
        {
            notes.insert(window.latestNote(newestInIndex: end), at: 0)
        }
        return notes
    }
}
