/// The answer to GetAccessKeyLastUsedInfo: the key's latest event in the window.
package struct InfoAnswer: Sendable {
    /// The key asked about.
    package var accessKey: String
    /// The window used.
    package var window: Window
    /// The latest product, its Detail read; nil when the window holds none.
    package var latest: Product?
    /// The notes that go with the answer.
    package var notes: [String]
    /// The as-ofs at which the key's answer is this one (`ProductsAnswer.sameAsOfs`); none unless
    /// the query said.
    package var sameAsOfs: Range<Int64> = 0..<0
}
