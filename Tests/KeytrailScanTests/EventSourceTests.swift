import KeytrailScan
import Testing

@Suite("Event source")
struct EventSourceTests {
    static let managementTypes = [
        "ApiCall", "ConsoleOperation", "ConsoleSignin", "ConsoleSignout", "AliyunServiceEvent", "PasswordReset",
    ]

    @Test(
        "eventCategory decides when present",
        arguments: [
            ("Data", EventSource.data),
            ("Management", .management),
            ("data", .internal),
            ("DATA", .internal),
            ("management", .internal),
            ("Data ", .internal),
            ("Insight", .internal),
            ("Internal", .internal),
            ("DataEvent", .internal),
            ("ManagementEvent", .internal),
        ] as [(String, EventSource)]
    )
    func category(_ category: String, _ expected: EventSource) {
        for type in [nil, "ApiCall", "ConsoleSignin", "Unknown", ""] as [String?] {
            #expect(EventSource.classify(category: category, type: type) == expected, "type \(type ?? "nil")")
        }
    }

    @Test(
        "no or empty eventCategory: management eventTypes are ManagementEvent",
        arguments: managementTypes, [nil, ""] as [String?])
    func managementType(_ type: String, _ category: String?) {
        #expect(EventSource.classify(category: category, type: type) == .management)
    }

    @Test(
        "no or empty eventCategory: other eventTypes are Internal",
        arguments: [
            nil, "", "apicall", "APICALL", "ApiCall ", " ApiCall", "AwsApiCall", "ConsoleSignIn", "Api", "ApiCalls",
            "PasswordResetEvent", "Data", "Management",
        ] as [String?], [nil, ""] as [String?]
    )
    func otherTypes(_ type: String?, _ category: String?) {
        #expect(EventSource.classify(category: category, type: type) == .internal)
    }

    @Test("byte-buffer classification matches the string form")
    func bufferForm() {
        let categories: [String?] = [nil, "", "Data", "Management", "Other"]
        let types: [String?] = [nil, "", "ApiCall", "PasswordReset", "Other"]
        for category in categories {
            for type in types {
                let expected = EventSource.classify(category: category, type: type)
                let c = category.map { utf8($0) } ?? []
                let t = type.map { utf8($0) } ?? []
                let actual = c.withUnsafeBytes { cb in
                    t.withUnsafeBytes { tb in
                        EventSource.classify(
                            category: category == nil ? .absent : .string(cb), type: type == nil ? nil : tb)
                    }
                }
                #expect(actual == expected, "\(category ?? "nil"), \(type ?? "nil")")
            }
        }
    }

    @Test(
        "an eventCategory that is not a string is a category the rule does not name: Internal",
        arguments: [nil, "", "ApiCall", "ConsoleSignin", "PasswordReset", "Unknown"] as [String?]
    )
    func otherCategory(_ type: String?) {
        #expect(EventSource.classify(category: .other, type: type) == .internal)
        #expect(EventSource.classify(category: .absent, type: type) == EventSource.classify(category: nil, type: type))
        #expect(
            EventSource.classify(category: .string(""), type: type) == EventSource.classify(category: nil, type: type))
    }

    /// What `eventCategory` holds in the JSON, through the scanner to the rule, with a management
    /// `eventType` beside it (so absent and "anything else" differ).
    @Test(
        "each kind of eventCategory value, scanned and classified",
        arguments: [
            ("absent", EventSource.management),
            ("null", .management),
            (#""""#, .management),
            (#""Data""#, .data),
            (#""Management""#, .management),
            (#""Management""#, .management),
            (#""Internal""#, .internal),
            ("0", .internal),
            ("1.5", .internal),
            ("true", .internal),
            ("false", .internal),
            ("{}", .internal),
            (#"{"a":"Data"}"#, .internal),
            ("[]", .internal),
            (#"["Data"]"#, .internal),
        ] as [(String, EventSource)]
    )
    func scannedCategory(_ value: String, _ expected: EventSource) throws {
        let member = value == "absent" ? "" : #""eventCategory":\#(value),"#
        let json = utf8(#"{\#(member)"eventType":"ApiCall"}"#)
        let source = try json.withUnsafeBytes { buf in
            let s = JSONScanner(buf)
            var f = EventFields()
            _ = try s.scanObject(0, depth: 0, into: &f)
            var scratch: [UInt8] = []
            return s.withDecoded(f.eventType, scratch: &scratch) { type in
                var categoryScratch: [UInt8] = []
                return s.withDecoded(f.eventCategory, scratch: &categoryScratch) { text in
                    let category = EventSource.Category(
                        f.eventCategory.kind, text: f.eventCategory.isString ? text : nil)
                    return EventSource.classify(category: category, type: type)
                }
            }
        }
        #expect(source == expected, "eventCategory \(value)")
    }

    @Test(
        "a slot's kind gives the category",
        arguments: [
            (FieldSlot.Kind.absent, "absent"), (.null, "absent"), (.string, "string"), (.object, "other"),
            (.array, "other"), (.other, "other"),
        ] as [(FieldSlot.Kind, String)]
    )
    func categoryOfKind(_ kind: FieldSlot.Kind, _ expected: String) {
        let text = utf8("Data")
        text.withUnsafeBytes { buf in
            let category = EventSource.Category(kind, text: kind == .string ? buf : nil)
            switch category {
            case .absent: #expect(expected == "absent")
            case .string(let b): #expect(expected == "string" && Array(b) == text)
            case .other: #expect(expected == "other")
            }
        }
    }

    @Test("names and stored codes", arguments: EventSource.allCases)
    func codes(_ source: EventSource) {
        #expect(EventSource(code: source.code) == source)
        #expect(["ManagementEvent", "DataEvent", "Internal"].contains(source.rawValue))
    }

    @Test("an unknown stored code reads as Internal")
    func unknownCode() {
        #expect(EventSource(code: 99) == .internal)
        #expect(EventSource(code: -1) == .internal)
        #expect(EventSource.management.rawValue == "ManagementEvent")
        #expect(EventSource.data.rawValue == "DataEvent")
        #expect(EventSource.internal.rawValue == "Internal")
    }
}
