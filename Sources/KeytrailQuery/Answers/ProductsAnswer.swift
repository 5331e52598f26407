/// The answer to GetAccessKeyLastUsedProducts for one key.
package struct ProductsAnswer: Sendable {
    /// The key asked about.
    package var accessKey: String
    /// The window used.
    package var window: Window
    /// Products in the window, newest first, then ServiceName by bytes.
    package var products: [Product]
    /// When the window hides every product the index knows for the key: a note for stderr.
    package var hiddenNote: String?
}
