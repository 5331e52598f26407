import KeytrailPOSIX
import KeytrailScan
package import KeytrailStore

/// `keytrail merge`: folds shard indexes into a target under the ingest lock, one transaction per
/// shard (a kill leaves the shards merged so far; a rerun merges the rest, and merging one again
/// changes nothing). Readers keep answering from the last commit (WAL).
package final class Merger {
    let target: String
    let lock: IngestLock
    let writer: IndexWriter
    /// How many of one key's events a first build holds in memory before it also uses a
    /// temporary table (`IndexWriter.mergeAll`).
    package var eventsInMemory = IndexWriter.mergeEventsInMemory

    /// Opens (creating when missing) the target and takes its ingest lock.
    package init(into target: String, wait: Bool) throws(IngestError) {
        self.target = target
        do throws(IndexError) { try IndexWriter.checkWritable(target) } catch { throw .index(error) }
        lock = try IngestLock(databasePath: target, wait: wait)
        do throws(IndexError) {
            // A missing or empty target is built as a copy, journal-off, renamed into place when
            // every shard is in (where the copy cannot be made, the target is written in place).
            if let build = try? IndexWriter.startFirstBuild(path: target, siblings: nil) {
                writer = build
            } else {
                writer = try IndexWriter(path: target)
            }
        } catch {
            if case .sqlite(let e) = error { throw .cannotOpenIndex(path: target, e) }
            throw .index(error)
        }
    }

    /// What one shard is, checked before anything is written.
    struct Shard {
        var path: String
        var reader: IndexReader
        var status: IndexStatus
    }

    /// Checks every shard (all refusals come before the first write), then merges them in order.
    package func run(shards paths: [String], shouldStop: () -> Bool = { false }) throws(IngestError) -> MergeReport {
        do throws(IngestError) {
            return try checkAndMerge(paths, shouldStop: shouldStop)
        } catch {
            // A first build that merged something is put in place (what was merged stays, as if
            // committed); one that merged nothing, or failed, is discarded: the target stays as it was.
            if case .mergeInterrupted(let merged, _) = error, merged > 0 {
                do throws(IndexError) { try writer.finishBuild() } catch { throw .index(error) }
            } else {
                writer.abandonBuild()
            }
            throw error
        }
    }

    private func checkAndMerge(_ paths: [String], shouldStop: () -> Bool) throws(IngestError) -> MergeReport {
        let start = Clock.monotonicSeconds()
        let targetFile = FileStatus(path: target)
        var shards: [Shard] = []
        for path in paths {
            if let t = targetFile, let s = FileStatus(path: path), t.device == s.device, t.inode == s.inode {
                throw .shardRefused(path: path, reason: "it is the target index itself")
            }
            let reader: IndexReader
            let status: IndexStatus
            do throws(IndexError) {
                reader = try IndexReader(path: path)
                status = try reader.status(counting: false)
            } catch {
                throw .shardRefused(path: path, reason: error.description)
            }
            guard status.schemaVersion == IndexSchema.currentVersion else {
                throw .shardRefused(
                    path: path,
                    reason: "it is an index of schema version \(status.schemaVersion), and this keytrail "
                        + "merges version \(IndexSchema.currentVersion) (ingest its inputs into a new shard)")
            }
            shards.append(Shard(path: path, reader: reader, status: status))
        }
        let targetUntils: [Int64]
        let targetSiblings: Bool?
        do throws(IndexError) {
            (targetUntils, targetSiblings) = try writer.settings()
        } catch {
            throw .index(error)
        }
        // Settings: those of the target, else (a new, empty target) those of the first shard.
        let siblings = targetSiblings ?? shards.first?.status.siblings ?? true
        let untils = targetSiblings == nil && targetUntils.isEmpty ? shards.first?.status.untils ?? [] : targetUntils
        for s in shards {
            if s.status.siblings != siblings {
                throw .shardRefused(
                    path: s.path,
                    reason: s.status.siblings
                        ? "it keeps the events, IPs and resources rows, and \(target) was built with --products-only"
                        : "it was built with --products-only, and \(target) keeps the events, IPs and resources rows")
            }
            if s.status.files > 0 && s.status.untils != untils {
                throw .shardRefused(
                    path: s.path,
                    reason:
                        "it was built with \(Self.describe(s.status.untils)), and \(target) with \(Self.describe(untils))"
                )
            }
        }
        do throws(IndexError) { _ = try writer.siblings(requested: siblings) } catch { throw .index(error) }
        var report = MergeReport(target: target)
        try merge(shards, into: &report, shouldStop: shouldStop)
        do throws(IndexError) { try writer.finishBuild() } catch { throw .index(error) }
        report.seconds = Clock.monotonicSeconds() - start
        return report
    }

    /// Merges the checked shards in order, one transaction each.
    private func merge(_ shards: [Shard], into report: inout MergeReport, shouldStop: () -> Bool) throws(IngestError) {
        if writer.buildTarget != nil {
            // A first build: every shard's tables streamed at once, in key order (`mergeAll`).
            let all: [MergeCounts]?
            do throws(IndexError) {
                all = try writer.mergeAll(shards.map(\.reader), eventsInMemory: eventsInMemory, stop: shouldStop)
            } catch {
                throw .index(error)
            }
            guard let all else { throw .mergeInterrupted(merged: 0, left: shards.count) }
            report.shards = zip(shards, all).map { ($0.path, $1) }
            return
        }
        for (i, s) in shards.enumerated() {
            if shouldStop() { throw .mergeInterrupted(merged: i, left: shards.count - i) }
            do throws(IndexError) {
                try writer.attach(s.reader)
                defer { writer.detach() }
                do throws(IndexError) {
                    try writer.begin()
                    let counts = try writer.merge(s.reader)
                    try writer.commit()
                    report.shards.append((s.path, counts))
                } catch {
                    writer.rollback()
                    throw error
                }
            } catch {
                throw .index(error)
            }
        }
    }

    /// `--until 2026-01-01T00:00:00.000Z`, or `no --until`.
    static func describe(_ untils: [Int64]) -> String {
        untils.isEmpty
            ? "no --until" : untils.map { "--until \(Timestamp.format($0, millis: true))" }.joined(separator: ", ")
    }
}

/// What a merge did: per shard, rows read and won and manifest rows; the time taken.
package struct MergeReport: Sendable {
    /// The target index.
    package var target: String
    /// Each merged shard with its counts, in order.
    package var shards: [(path: String, counts: MergeCounts)] = []
    /// Wall time, seconds.
    package var seconds = 0.0

    /// Every shard's counts summed.
    package var total: MergeCounts { shards.reduce(MergeCounts()) { $0 + $1.counts } }

    /// The text summary.
    package var summary: String {
        let t = total
        let rate = seconds > 0 ? Double(t.rows) / seconds : 0
        return "merged \(shards.count) shard(s) into \(target): \(t.rows) rows read, \(t.won) taken, "
            + "\(t.files) manifest rows, in \(JSONOutput.formatDecimal(seconds, digits: 3)) s "
            + "(\(JSONOutput.formatDecimal(rate, digits: 0)) rows/s)"
    }

    /// The same as one JSON object, each shard listed.
    package var json: String {
        var o = JSONOutput(pretty: true)
        o.beginObject()
        o.string("target", target)
        o.beginArray("shards")
        for s in shards {
            o.beginObject()
            o.string("path", s.path)
            o.int("rows", Int64(s.counts.rows))
            o.int("taken", Int64(s.counts.won))
            o.int("files", Int64(s.counts.files))
            o.endObject()
        }
        o.endArray()
        o.int("rows", Int64(total.rows))
        o.int("taken", Int64(total.won))
        o.decimal("seconds", seconds)
        o.endObject()
        return o.text
    }
}
