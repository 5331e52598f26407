import KeytrailScan
import Testing

@Suite("Resource lists")
struct ResourceListTests {
    func pairs(_ types: String, _ names: String) -> [String] {
        var out: [String] = []
        let t = Array(types.utf8)
        let n = Array(names.utf8)
        t.withUnsafeBytes { tb in
            n.withUnsafeBytes { nb in
                ResourceList.forEach(types: tb, names: nb) { type, name in
                    out.append(String(decoding: type, as: UTF8.self) + "=" + String(decoding: name, as: UTF8.self))
                }
            }
        }
        return out
    }

    @Test(arguments: [
        ("A", "x", ["A=x"]),
        ("A;B", "x, y ; z", ["A=x", "A=y", "B=z"]),
        ("A", "x;y", ["A=x", "A=y"]),  // more name groups than types: the last type
        ("A;B;C", "x", ["A=x"]),  // more types than groups
        ("A;;C", "x;y;z", ["A=x", "C=z"]),  // an empty type drops its group
        (" A ", ",x,,y,", ["A=x", "A=y"]),  // blanks trimmed, empty names dropped
        ("", "x", []), ("A", "", []), (";", ";", []),
    ])
    func typesAndNamesPairUp(types: String, names: String, want: [String]) {
        #expect(pairs(types, names) == want)
    }
}
