extension JSONScanner {
    /// Calls `body(type, name)` for every string name of a `referencedResources` object (type →
    /// array of names, or type → one name). The value was validated when the event was scanned;
    /// elements that are not strings are ignored.
    package func forEachReferencedResource(_ object: FieldSlot, _ body: (FieldSlot, FieldSlot) -> Void) {
        guard object.kind == .object else { return }
        var i = skipWhitespace(object.start + 1)
        while i < object.end, base[i] == 0x22 {
            guard let key = try? scanString(i) else { return }
            let type = FieldSlot(.string, i + 1, key.end - 1, escaped: key.hasEscapes)
            i = skipWhitespace(skipWhitespace(key.end) + 1)
            guard i < object.end else { return }
            if base[i] == 0x22 {
                guard let s = try? scanString(i) else { return }
                body(type, FieldSlot(.string, i + 1, s.end - 1, escaped: s.hasEscapes))
                i = s.end
            } else if base[i] == 0x5B {
                var j = skipWhitespace(i + 1)
                while j < object.end && base[j] != 0x5D {
                    if base[j] == 0x22 {
                        guard let s = try? scanString(j) else { return }
                        body(type, FieldSlot(.string, j + 1, s.end - 1, escaped: s.hasEscapes))
                        j = s.end
                    } else {
                        guard let e = try? skipValue(j, depth: 2) else { return }
                        j = e
                    }
                    j = skipWhitespace(j)
                    if j < object.end && base[j] == 0x2C { j = skipWhitespace(j + 1) }
                }
                i = j + 1
            } else {
                guard let e = try? skipValue(i, depth: 2) else { return }
                i = e
            }
            i = skipWhitespace(i)
            if i < object.end && base[i] == 0x2C { i = skipWhitespace(i + 1) }
        }
    }
}

/// Splits the `resourceType` / `resourceName` pair of an event into (type, name) pairs: `;`
/// separates types (and the name groups that go with them, in order), `,` separates names of one
/// type. Blanks around separators are trimmed; empty names are dropped.
package enum ResourceList {
    /// Calls `body(type, name)` for each pair, as byte ranges of `types` and `names`. Walks both
    /// lists in step without allocating (this runs for every event).
    package static func forEach(
        types: UnsafeRawBufferPointer, names: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void
    ) {
        guard types.count > 0, names.count > 0 else { return }
        var t = 0
        var type = UnsafeRawBufferPointer(start: nil, count: 0)
        var n = 0
        while n <= names.count {
            // The next name group, and the next type while there are types.
            let groupEnd = next(0x3B, in: names, from: n)
            if t <= types.count {
                let typeEnd = next(0x3B, in: types, from: t)
                type = trim(UnsafeRawBufferPointer(rebasing: types[t..<typeEnd]))
                t = typeEnd + 1
            }
            if type.count > 0 {
                var k = n
                while k <= groupEnd {
                    let nameEnd = next(0x2C, in: names, from: k, before: groupEnd)
                    let name = trim(UnsafeRawBufferPointer(rebasing: names[k..<nameEnd]))
                    if name.count > 0 { body(type, name) }
                    k = nameEnd + 1
                }
            }
            n = groupEnd + 1
        }
    }

    /// The index of the next `separator` in `b` from `start` (before `end`), or `end`.
    static func next(_ separator: UInt8, in b: UnsafeRawBufferPointer, from start: Int, before end: Int? = nil) -> Int {
        let end = end ?? b.count
        var i = start
        while i < end && b[i] != separator { i += 1 }
        return i
    }

    static func trim(_ b: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var lo = 0
        var hi = b.count
        while lo < hi && (b[lo] == 0x20 || b[lo] == 0x09) { lo += 1 }
        while hi > lo && (b[hi - 1] == 0x20 || b[hi - 1] == 0x09) { hi -= 1 }
        return UnsafeRawBufferPointer(rebasing: b[lo..<hi])
    }
}
