/// The answer to GetAccessKeyLastUsedProducts for one key.
package struct ProductsAnswer: Sendable {
    /// The key asked about.
    package var accessKey: String
    /// The window used.
    package var window: Window
    /// Products in the window, newest first, then ServiceName by bytes.
    package var products: [Product]
    /// What to add on stderr (`AnswerNotes`): an unknown key, products the window hides.
    package var notes: [String]
    /// The as-ofs at which the key's answer is this one, as long as the index does not change
    /// (`Window.sameEvents` of every row the index holds for the key, in the window or not);
    /// none unless the query said.
    package var sameAsOfs: Range<Int64> = 0..<0
}
