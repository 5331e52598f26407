/// One header line: the name in lower case, the value with surrounding whitespace removed.
package struct HTTPHeader: Equatable, Sendable {
    /// The field name, lower-cased (names are case-insensitive).
    package var name: String
    /// The field value, trimmed of spaces and tabs.
    package var value: String

    /// A header.
    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
