extension JSONScanner {
    /// Calls `body(type, name)` for every string name of a `referencedResources` object (type →
    /// array of names, or type → one name). The value was validated when the event was scanned;
    /// elements that are not strings are ignored.
    public func forEachReferencedResource(_ object: FieldSlot, _ body: (FieldSlot, FieldSlot) -> Void) {
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
public enum ResourceList {
    /// Calls `body(type, name)` for each pair, as byte ranges of `types` and `names`.
    public static func forEach(
        types: UnsafeRawBufferPointer, names: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void
    ) {
        let typeList = split(types, 0x3B)
        let groups = split(names, 0x3B)
        guard !typeList.isEmpty else { return }
        for (g, group) in groups.enumerated() {
            // More name groups than types: the extra groups belong to the last type.
            let type = typeList[min(g, typeList.count - 1)]
            if type.count == 0 { continue }
            for name in split(group, 0x2C) where name.count > 0 { body(type, name) }
        }
    }

    static func split(_ b: UnsafeRawBufferPointer, _ sep: UInt8) -> [UnsafeRawBufferPointer] {
        guard b.count > 0 else { return [] }
        var out: [UnsafeRawBufferPointer] = []
        var start = 0
        for i in 0...b.count where i == b.count || b[i] == sep {
            out.append(trim(UnsafeRawBufferPointer(rebasing: b[start..<i])))
            start = i + 1
        }
        return out
    }

    static func trim(_ b: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var lo = 0
        var hi = b.count
        while lo < hi && (b[lo] == 0x20 || b[lo] == 0x09) { lo += 1 }
        while hi > lo && (b[hi - 1] == 0x20 || b[hi - 1] == 0x09) { hi -= 1 }
        return UnsafeRawBufferPointer(rebasing: b[lo..<hi])
    }
}
