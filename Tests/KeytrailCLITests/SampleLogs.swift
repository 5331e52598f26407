import Foundation
import TestSupport
import Testing

/// The committed sample archive the command-line suites run the binary on.
enum SampleLogs {
    static var path: String { Binary.packageRoot + "/sample-logs" }

    /// Ingests the samples into `dir/k.sqlite` with the binary; returns the index path.
    static func index(_ dir: TemporaryDirectory) throws -> String {
        let db = dir.file("k.sqlite")
        let r = try Binary.run("keytrail", ["ingest", "--db", db, path])
        #expect(r.status == 0, "\(r.stderr)")
        return db
    }
}

/// A JSON object printed by the binary.
func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}
