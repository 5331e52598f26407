import Foundation
import KeytrailPOSIX
import KeytrailScan
import TestSupport
import Testing

@testable import KeytrailStore

/// `IndexWriter.startFirstBuild`: which indexes are built as a copy beside them, and what placing
/// the copy leaves.
@Suite("First build (store)")
struct FirstBuildStoreTests {
    /// Offers a product row of `key`; its bytes are kept until the test ends (a new row's bytes
    /// must stay valid until the commit).
    func offerRow(_ w: IndexWriter, key: String, new: Bool) throws {
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        _ = try w.offerDimension(
            key: Self.kept(key), .product, service: Self.kept("Ecs"), name: none, sub: none, timestamp: 1,
            eventId: Self.kept("E1"), new: new)
    }

    /// `text`'s bytes, allocated for the rest of the process.
    static func kept(_ text: String) -> UnsafeRawBufferPointer {
        let bytes = Array(text.utf8)
        let p = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        p.copyBytes(from: bytes)
        return UnsafeRawBufferPointer(p)
    }

    @Test func anEmptyIndexIsBuiltAsACopyAndPlacedByRename() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("i.sqlite")
        let build = try #require(try IndexWriter.startFirstBuild(path: path, siblings: nil))
        #expect(build.buildTarget == path)
        #expect(FileStatus(path: IndexWriter.buildPath(of: path)) != nil)
        // The copy carries the index's settings and paging key.
        let key = try IndexReader(path: path).tokenKey()
        try build.begin()
        // More rows than one multi-row INSERT holds, and a remainder.
        for n in 0..<(DimensionRows.batch * 2 + 5) { try offerRow(build, key: "K\(n)", new: true) }
        try build.commit()
        #expect(try IndexReader(path: path).keys().isEmpty, "readers see the empty index until the build is placed")
        try build.finishBuild()
        #expect(FileStatus(path: IndexWriter.buildPath(of: path)) == nil)
        let reader = try IndexReader(path: path)
        #expect(try reader.keys().count == DimensionRows.batch * 2 + 5)
        #expect(try reader.tokenKey() == key)
    }

    @Test func anIndexThatHoldsRowsIsWrittenInPlace() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("i.sqlite")
        let w = try IndexWriter(path: path)
        try w.begin()
        try offerRow(w, key: "K", new: true)
        try w.commit()
        #expect(try IndexWriter.startFirstBuild(path: path, siblings: nil) == nil)
        #expect(FileStatus(path: IndexWriter.buildPath(of: path)) == nil)
    }

    @Test func anAbandonedBuildLeavesTheIndexAsItWas() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("i.sqlite")
        let build = try #require(try IndexWriter.startFirstBuild(path: path, siblings: nil))
        try build.begin()
        try offerRow(build, key: "K", new: true)
        try build.commit()
        build.abandonBuild()
        #expect(FileStatus(path: IndexWriter.buildPath(of: path)) == nil)
        #expect(try IndexReader(path: path).keys().isEmpty)
    }
}
