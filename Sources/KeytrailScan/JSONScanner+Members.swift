extension JSONScanner {
    /// Calls `body` with the value of each member of the object at `start` (its `{`), which sits
    /// inside `depth` containers and was validated before: a string as its body (between the
    /// quotes), any other value whole. Used to search envelopes for the events they wrap.
    package func forEachMemberValue<E: Error>(
        _ start: Int, depth: Int, _ body: (FieldSlot) throws(E) -> Void
    ) throws(E) {
        var i = skipWhitespace(start + 1)
        while i < count, base[i] == 0x22 {
            guard let key = try? scanString(i) else { return }
            i = skipWhitespace(skipWhitespace(key.end) + 1)
            guard i < count, let (slot, end) = try? slotValue(i, depth: depth + 1) else { return }
            try body(slot)
            i = skipWhitespace(end)
            guard i < count, base[i] == 0x2C else { return }
            i = skipWhitespace(i + 1)
        }
    }
}
