/// An inventory file that cannot be read as a list of keys.
package struct InventoryError: Error, Sendable {
    /// 1-based line.
    package var line: Int
    /// What was wrong.
    package var message: String
}
