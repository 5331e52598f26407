import KeytrailScan
import Testing

/// The hand-tuned matchers and `EventFields` checked against `EventField.table`, the one list of
/// the members keytrail reads: every name in each spelling, and every near miss of each.
@Suite("Event field table")
struct EventFieldTableTests {
    /// Every spelling in the table (fields and the `userIdentity` object), with what each means.
    static let spellings: [(name: String, object: EventField.Object, member: EventMember)] = {
        var all: [(String, EventField.Object, EventMember)] = []
        for row in EventField.table {
            if let camel = row.camel { all.append((camel.description, row.object, .field(row.field, pascal: false))) }
            if let pascal = row.pascal { all.append((pascal.description, row.object, .field(row.field, pascal: true))) }
        }
        let names = EventField.Object.userIdentity.names!
        all.append((names.camel.description, .event, .userIdentity(pascal: false)))
        all.append((names.pascal.description, .event, .userIdentity(pascal: true)))
        return all
    }()

    /// What a name means as a member of `object`, by the table alone.
    static func expected(_ name: [UInt8], in object: EventField.Object) -> EventMember {
        spellings.first { $0.object == object && utf8($0.name) == name }?.member ?? .none
    }

    static func match(_ name: [UInt8], in object: EventField.Object, escaped: Bool = false) -> EventMember {
        name.withUnsafeBytes { buf in
            let s = JSONScanner(buf)
            switch object {
            case .event: return s.matchMember(0, buf.count, escaped: escaped)
            case .userIdentity: return s.matchIdentityMember(0, buf.count, escaped: escaped)
            }
        }
    }

    /// A name and the names one edit away from it: prefixes, one byte more, less, changed or swapped.
    static func nearMisses(_ name: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = (0..<name.count).map { Array(name[..<$0]) }
        out += (1..<name.count).map { Array(name[$0...]) }
        let others: [UInt8] = [0x00, 0x20, 0x30, 0x41, 0x5F, 0x61, 0x78, 0x7A, 0x7F, 0xC3, 0xFF]
        for i in 0...name.count {
            for b in others {
                var longer = name
                longer.insert(b, at: i)
                out.append(longer)
            }
        }
        for i in name.indices {
            var shorter = name
            shorter.remove(at: i)
            out.append(shorter)
            for b in others + [name[i] ^ 0x20, name[i] &+ 1, name[i] &- 1] where b != name[i] {
                var changed = name
                changed[i] = b
                out.append(changed)
            }
            if i + 1 < name.count && name[i] != name[i + 1] {
                var swapped = name
                swapped.swapAt(i, i + 1)
                out.append(swapped)
            }
        }
        return out
    }

    @Test("the table lists every field once, in case order, each with a name")
    func tableShape() {
        #expect(EventField.table.map(\.field) == EventField.allCases)
        #expect(EventField.allCases.allSatisfy { $0.row.field == $0 })
        #expect(EventField.table.allSatisfy { $0.camel != nil || $0.pascal != nil })
        for object in [EventField.Object.event, .userIdentity] {
            let names = Self.spellings.filter { $0.object == object }.map(\.name)
            #expect(Set(names).count == names.count, "a name twice among the members of \(object)")
        }
        #expect(EventField.Object.event.names == nil)
    }

    @Test("the matchers know every spelling of the table, and only at its own object", arguments: spellings.map(\.name))
    func everySpelling(_ name: String) {
        for object in [EventField.Object.event, .userIdentity] {
            #expect(Self.match(utf8(name), in: object) == Self.expected(utf8(name), in: object), "\(name) in \(object)")
        }
        #expect(Self.expected(utf8(name), in: .event) != .none || Self.expected(utf8(name), in: .userIdentity) != .none)
    }

    @Test("every near miss of every name is what the table says (usually nothing)", arguments: spellings.map(\.name))
    func nearMissesOf(_ name: String) {
        var wrong: [String] = []
        for candidate in Self.nearMisses(utf8(name)) {
            for object in [EventField.Object.event, .userIdentity] {
                let actual = Self.match(candidate, in: object)
                let expected = Self.expected(candidate, in: object)
                if actual != expected {
                    wrong.append("\(hexBytes(candidate)) in \(object): \(actual), not \(expected)")
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    @Test("an escaped spelling means what the plain one does", arguments: spellings.map(\.name))
    func escapedSpellings(_ name: String) {
        let plain = utf8(name)
        for i in plain.indices {
            let escaped =
                Array(plain[..<i]) + utf8("\\u00" + hex(UInt32(plain[i]), width: 2)) + Array(plain[(i + 1)...])
            for object in [EventField.Object.event, .userIdentity] {
                #expect(Self.match(escaped, in: object, escaped: true) == Self.expected(plain, in: object))
            }
        }
    }

    /// The document `{"name":"value"}`, or the member inside a `userIdentity` object.
    static func document(_ members: [(String, String)], in object: EventField.Object, container: String) -> String {
        let body = members.map { #""\#($0.0)":"\#($0.1)""# }.joined(separator: ",")
        return object == .event ? "{\(body)}" : #"{"\#(container)":{\#(body)}}"#
    }

    static func scanned(_ json: String) throws -> [EventField: Value] {
        try utf8(json).withUnsafeBytes { buf in
            let s = JSONScanner(buf)
            var fields = EventFields()
            _ = try s.scanObject(0, depth: 0, into: &fields)
            var scratch: [UInt8] = []
            var out: [EventField: Value] = [:]
            for field in EventField.allCases where fields[field].isPresent {
                out[field] = value(fields[field], in: s, scratch: &scratch)
            }
            return out
        }
    }

    @Test(
        "scanObject fills each field's slot from each of its spellings, in both identity objects",
        arguments: EventField.table.map(\.field))
    func scanEverySpelling(_ field: EventField) throws {
        let row = field.row
        let containers = row.object == .event ? ["-"] : ["userIdentity", "UserIdentity"]
        for container in containers {
            for name in [row.camel, row.pascal].compactMap({ $0?.description }) {
                let json = Self.document([(name, "v")], in: row.object, container: container)
                #expect(try Self.scanned(json) == [field: .string("v")], "\(json)")
            }
            // Where both spellings exist the camelCase one wins, whatever the order; a repeated
            // name: the last one.
            guard let camel = row.camel?.description, let pascal = row.pascal?.description else { continue }
            for members in [
                [(camel, "c"), (pascal, "p")], [(pascal, "p"), (camel, "x"), (camel, "c"), (pascal, "q")],
            ] {
                let json = Self.document(members, in: row.object, container: container)
                #expect(try Self.scanned(json) == [field: .string("c")], "\(json)")
            }
        }
    }

    @Test(
        "a name is read only as a member of its own object",
        arguments: spellings.filter {
            $0.member != .userIdentity(pascal: false) && $0.member != .userIdentity(pascal: true)
        }.map(\.name))
    func wrongObject(_ name: String) throws {
        let own = Self.spellings.first { $0.name == name }!.object
        let json =
            own == .event ? #"{"userIdentity":{"\#(name)":"v"}}"# : #"{"\#(name)":"v","x":{"\#(name)":"w"}}"#
        #expect(try Self.scanned(json).isEmpty, "\(json)")
    }

    @Test("each named slot of EventFields is its own field's")
    func namedSlots() {
        var fields = EventFields()
        for field in EventField.allCases { fields[field] = FieldSlot(.string, field.rawValue, field.rawValue + 100) }
        let stored = Mirror(reflecting: fields).children.map { ($0.label ?? "?", $0.value as? FieldSlot) }
        #expect(stored.map(\.0) == EventField.allCases.map { "\($0)" })
        for (label, slot) in stored {
            let field = EventField.allCases.first { "\($0)" == label }
            #expect(slot == field.map { fields[$0] }, "\(label)")
        }
        #expect(fields.accessKeyId == fields[.accessKeyId] && fields.resourceName == fields[.resourceName])
    }
}
