import KeytrailScan
import Testing

/// An object and the fields expected from it; fields not listed are expected absent.
struct FieldsCase: Sendable, CustomTestStringConvertible {
    let name: String
    let json: String
    var accessKeyId = Value.absent
    var serviceName = Value.absent
    var eventTime = Value.absent
    var eventId = Value.absent
    var eventCategory = Value.absent
    var eventType = Value.absent

    var testDescription: String { name }
}

@Suite("Event fields")
struct EventFieldsTests {
    static func check(_ c: FieldsCase) throws {
        let e = try extract(c.json)
        #expect(e.accessKeyId == c.accessKeyId, "accessKeyId")
        #expect(e.serviceName == c.serviceName, "serviceName")
        #expect(e.eventTime == c.eventTime, "eventTime")
        #expect(e.eventId == c.eventId, "eventId")
        #expect(e.eventCategory == c.eventCategory, "eventCategory")
        #expect(e.eventType == c.eventType, "eventType")
        #expect(e.end == c.json.utf8.count)
    }

    @Test("a realistic event gives its own fields and none of its traps")
    func sample() throws {
        let e = try extract(sampleEvent)
        #expect(e.accessKeyId == .string("LTAI5tExampleKey000001"))
        #expect(e.serviceName == .string("Ecs"))
        #expect(e.eventTime == .string("2021-08-05T09:21:32Z"))
        #expect(e.eventId == .string("A1B2C3D4-0000-4E5F-8A9B-0123456789AB"))
        #expect(e.eventCategory == .string("Management"))
        #expect(e.eventType == .string("ApiCall"))
        #expect(e.event == .absent && e.events == .absent && e.products == .absent && e.detail == .absent)
        #expect(e.end == sampleEvent.utf8.count)
    }

    static let traps: [FieldsCase] = [
        FieldsCase(
            name: "request parameters", json: #"{"requestParameters":{"accessKeyId":"R"},"serviceName":"Ecs"}"#,
            serviceName: .string("Ecs")),
        FieldsCase(name: "response elements", json: #"{"responseElements":{"AccessKey":{"AccessKeyId":"E"}}}"#),
        FieldsCase(name: "top-level accessKeyId", json: #"{"accessKeyId":"T","AccessKeyId":"T2"}"#),
        FieldsCase(name: "session context", json: #"{"userIdentity":{"sessionContext":{"accessKeyId":"S"}}}"#),
        FieldsCase(
            name: "session context before the key",
            json: #"{"userIdentity":{"sessionContext":{"accessKeyId":"S"},"accessKeyId":"K"}}"#,
            accessKeyId: .string("K")),
        FieldsCase(
            name: "session context after the key",
            json: #"{"userIdentity":{"accessKeyId":"K","sessionContext":{"accessKeyId":"S","x":[{}]}}}"#,
            accessKeyId: .string("K")),
        FieldsCase(
            name: "userIdentity inside request parameters",
            json: #"{"requestParameters":{"userIdentity":{"accessKeyId":"N"}}}"#),
        FieldsCase(
            name: "userIdentity inside an array", json: #"{"resources":[{"userIdentity":{"accessKeyId":"N"}}]}"#),
        FieldsCase(
            name: "nested service and time before",
            json: #"{"additionalEventData":{"serviceName":"X","eventTime":"T"},"serviceName":"Ecs"}"#,
            serviceName: .string("Ecs")),
        FieldsCase(
            name: "nested fields after",
            json: #"{"serviceName":"Ecs","additionalEventData":{"serviceName":"X","eventTime":"T","eventId":"I","#
                + #""eventType":"ApiCall","eventCategory":"Data","ServiceName":"P"}}"#,
            serviceName: .string("Ecs")),
        FieldsCase(name: "member names as values", json: #"{"x":"serviceName","y":["userIdentity","eventTime"]}"#),
        FieldsCase(
            name: "names in other cases",
            json: #"{"servicename":"a","SERVICENAME":"b","serviceName ":"c","eventtime":"d","#
                + #""useridentity":{"accessKeyId":"e"},"userIdentity":{"accesskeyid":"f","ACCESSKEYID":"g"}}"#),
        FieldsCase(name: "userIdentity a string", json: #"{"userIdentity":"LTAI"}"#),
        FieldsCase(name: "userIdentity an array", json: #"{"userIdentity":["accessKeyId","K"]}"#),
        FieldsCase(
            name: "userIdentity null", json: #"{"userIdentity":null,"serviceName":"Ecs"}"#,
            serviceName: .string("Ecs")),
        FieldsCase(
            name: "accessKeyId holding an object",
            json: #"{"userIdentity":{"accessKeyId":{"accessKeyId":"K"}}}"#,
            accessKeyId: .raw(.object, #"{"accessKeyId":"K"}"#)),
        FieldsCase(name: "empty object", json: "{}"),
        FieldsCase(name: "empty userIdentity", json: #"{"userIdentity":{}}"#),
    ]

    static let spellings: [FieldsCase] = [
        FieldsCase(
            name: "PascalCase only",
            json: #"{"UserIdentity":{"AccessKeyId":"P"},"ServiceName":"Ecs","EventTime":"2021-08-05T09:21:32Z","#
                + #""EventId":"E","EventType":"ApiCall","EventCategory":"Management"}"#,
            accessKeyId: .string("P"), serviceName: .string("Ecs"), eventTime: .string("2021-08-05T09:21:32Z"),
            eventId: .string("E"), eventCategory: .string("Management"), eventType: .string("ApiCall")),
        FieldsCase(
            name: "camel identity, Pascal key", json: #"{"userIdentity":{"AccessKeyId":"P"}}"#,
            accessKeyId: .string("P")),
        FieldsCase(
            name: "Pascal identity, camel key", json: #"{"UserIdentity":{"accessKeyId":"P"}}"#,
            accessKeyId: .string("P")),
        FieldsCase(
            name: "camel key first", json: #"{"userIdentity":{"accessKeyId":"C","AccessKeyId":"P"}}"#,
            accessKeyId: .string("C")),
        FieldsCase(
            name: "Pascal key first", json: #"{"userIdentity":{"AccessKeyId":"P","accessKeyId":"C"}}"#,
            accessKeyId: .string("C")),
        FieldsCase(
            name: "camel identity first",
            json: #"{"userIdentity":{"accessKeyId":"C"},"UserIdentity":{"AccessKeyId":"P"}}"#,
            accessKeyId: .string("C")),
        FieldsCase(
            name: "Pascal identity first",
            json: #"{"UserIdentity":{"AccessKeyId":"P"},"userIdentity":{"accessKeyId":"C"}}"#,
            accessKeyId: .string("C")),
        FieldsCase(
            name: "Pascal identity, camel key first",
            json: #"{"UserIdentity":{"accessKeyId":"P"},"userIdentity":{"accessKeyId":"C"}}"#,
            accessKeyId: .string("C")),
        FieldsCase(
            name: "camel fields first",
            json: #"{"serviceName":"C","ServiceName":"P","eventTime":"C","EventTime":"P","eventId":"C","#
                + #""EventId":"P","eventType":"C","EventType":"P","eventCategory":"C","EventCategory":"P"}"#,
            serviceName: .string("C"), eventTime: .string("C"), eventId: .string("C"),
            eventCategory: .string("C"), eventType: .string("C")),
        FieldsCase(
            name: "Pascal fields first",
            json: #"{"ServiceName":"P","serviceName":"C","EventTime":"P","eventTime":"C","EventId":"P","#
                + #""eventId":"C","EventType":"P","eventType":"C","EventCategory":"P","eventCategory":"C"}"#,
            serviceName: .string("C"), eventTime: .string("C"), eventId: .string("C"),
            eventCategory: .string("C"), eventType: .string("C")),
        FieldsCase(
            name: "camel null still wins", json: #"{"ServiceName":"P","serviceName":null}"#,
            serviceName: .raw(.null, "null")),
        FieldsCase(
            name: "repeated member, last wins", json: #"{"serviceName":"A","eventTime":"1","serviceName":"B"}"#,
            serviceName: .string("B"), eventTime: .string("1")),
        FieldsCase(
            name: "every camel field repeated",
            json: #"{"serviceName":"1","eventTime":"1","eventId":"1","eventType":"1","eventCategory":"1","#
                + #""userIdentity":{"accessKeyId":"1"},"serviceName":"2","eventTime":"2","eventId":"2","#
                + #""eventType":"2","eventCategory":"2","userIdentity":{"accessKeyId":"2"}}"#,
            accessKeyId: .string("2"), serviceName: .string("2"), eventTime: .string("2"), eventId: .string("2"),
            eventCategory: .string("2"), eventType: .string("2")),
        FieldsCase(
            name: "every Pascal field repeated",
            json: #"{"ServiceName":"1","EventTime":"1","EventId":"1","EventType":"1","EventCategory":"1","#
                + #""UserIdentity":{"AccessKeyId":"1"},"ServiceName":"2","EventTime":"2","EventId":"2","#
                + #""EventType":"2","EventCategory":"2","UserIdentity":{"AccessKeyId":"2"}}"#,
            accessKeyId: .string("2"), serviceName: .string("2"), eventTime: .string("2"), eventId: .string("2"),
            eventCategory: .string("2"), eventType: .string("2")),
        FieldsCase(
            name: "repeated member, last is null", json: #"{"serviceName":"A","serviceName":null}"#,
            serviceName: .raw(.null, "null")),
        FieldsCase(
            name: "repeated Pascal member", json: #"{"ServiceName":"P1","ServiceName":"P2"}"#,
            serviceName: .string("P2")),
        FieldsCase(
            name: "camel around Pascal", json: #"{"serviceName":"A","ServiceName":"P","serviceName":"B"}"#,
            serviceName: .string("B")),
        FieldsCase(
            name: "repeated key in identity", json: #"{"userIdentity":{"accessKeyId":"A","accessKeyId":"B"}}"#,
            accessKeyId: .string("B")),
        FieldsCase(
            name: "repeated Pascal key in identity",
            json: #"{"UserIdentity":{"AccessKeyId":"A","type":"x","AccessKeyId":"B"}}"#, accessKeyId: .string("B")),
        FieldsCase(
            name: "repeated identity",
            json: #"{"userIdentity":{"accessKeyId":"A"},"userIdentity":{"accessKeyId":"B"}}"#,
            accessKeyId: .string("B")),
        FieldsCase(
            name: "repeated identity, last without a key",
            json: #"{"userIdentity":{"accessKeyId":"A"},"userIdentity":{"type":"root"}}"#),
        FieldsCase(
            name: "repeated identity, last null", json: #"{"userIdentity":{"accessKeyId":"A"},"userIdentity":null}"#),
        FieldsCase(
            name: "camel identity without a key still wins",
            json: #"{"userIdentity":{"type":"root"},"UserIdentity":{"AccessKeyId":"P"}}"#),
        FieldsCase(
            name: "camel identity without a key wins when last",
            json: #"{"UserIdentity":{"AccessKeyId":"P"},"userIdentity":{"type":"root"}}"#),
        FieldsCase(
            name: "null camel identity wins", json: #"{"userIdentity":null,"UserIdentity":{"accessKeyId":"P"}}"#),
        FieldsCase(
            name: "repeated Pascal identity, last without a key",
            json: #"{"UserIdentity":{"AccessKeyId":"P"},"UserIdentity":{}}"#),
    ]

    static let escapedNames: [FieldsCase] = [
        FieldsCase(name: "escaped camel name", json: #"{"service\u004eame":"Ecs"}"#, serviceName: .string("Ecs")),
        FieldsCase(name: "escaped first letter", json: #"{"\u0073erviceName":"Ecs"}"#, serviceName: .string("Ecs")),
        FieldsCase(
            name: "every letter escaped",
            json: #"{"\u0065\u0076\u0065\u006e\u0074\u0049\u0064":"E"}"#, eventId: .string("E")),
        FieldsCase(
            name: "escaped identity and key",
            json: #"{"user\u0049dentity":{"access\u004BeyId":"K"}}"#, accessKeyId: .string("K")),
        FieldsCase(name: "escaped Pascal name", json: #"{"\u0053erviceName":"P"}"#, serviceName: .string("P")),
        FieldsCase(
            name: "escaped camel wins over plain Pascal",
            json: #"{"ServiceName":"P","service\u004Eame":"C"}"#, serviceName: .string("C")),
        FieldsCase(
            name: "escaped slash in a time name", json: #"{"event\u0054ime":"T","eventType\/":"x"}"#,
            eventTime: .string("T")),
        FieldsCase(name: "escape adds a NUL", json: #"{"serviceName\u0000":"x"}"#),
        FieldsCase(name: "escaped backslash", json: #"{"service\\Name":"x"}"#),
        FieldsCase(name: "escaped space in key name", json: #"{"userIdentity":{"accessKeyId\u0020":"K"}}"#),
        FieldsCase(
            name: "escaped values",
            json: #"{"serviceName":"E\u0063s","userIdentity":{"accessKeyId":"LTAI\u0041\"x\\"},"#
                + #""eventTime":"2021-08-05T09:21:32\u005a","eventType":"Api\u0043all"}"#,
            accessKeyId: .string(#"LTAIA"x\"#), serviceName: .string("Ecs"),
            eventTime: .string("2021-08-05T09:21:32Z"), eventType: .string("ApiCall")),
        FieldsCase(
            name: "non-ASCII values", json: #"{"serviceName":"云服务器\ud83d\ude00","eventId":"é"}"#,
            serviceName: .string("云服务器😀"), eventId: .string("é")),
    ]

    static let kinds: [FieldsCase] = [
        FieldsCase(
            name: "null", json: #"{"serviceName":null,"userIdentity":{"accessKeyId":null}}"#,
            accessKeyId: .raw(.null, "null"), serviceName: .raw(.null, "null")),
        FieldsCase(
            name: "objects", json: #"{"eventTime":{"a":[1]},"userIdentity":{"accessKeyId":{ }}}"#,
            accessKeyId: .raw(.object, "{ }"), eventTime: .raw(.object, #"{"a":[1]}"#)),
        FieldsCase(
            name: "arrays", json: #"{"eventId":[1, "x"],"userIdentity":{"accessKeyId":[]}}"#,
            accessKeyId: .raw(.array, "[]"), eventId: .raw(.array, #"[1, "x"]"#)),
        FieldsCase(
            name: "numbers", json: #"{"eventTime":1628155292000,"userIdentity":{"accessKeyId":-1.5e3}}"#,
            accessKeyId: .raw(.other, "-1.5e3"), eventTime: .raw(.other, "1628155292000")),
        FieldsCase(
            name: "booleans", json: #"{"eventCategory":true,"eventType":false}"#,
            eventCategory: .raw(.other, "true"), eventType: .raw(.other, "false")),
        FieldsCase(
            name: "empty strings", json: #"{"serviceName":"","userIdentity":{"accessKeyId":""}}"#,
            accessKeyId: .string(""), serviceName: .string("")),
        FieldsCase(
            name: "spaces around values", json: "{ \"serviceName\" :\n\t\"Ecs\" , \"eventTime\" : 0 }",
            serviceName: .string("Ecs"), eventTime: .raw(.other, "0")),
    ]

    /// Members at other depths are never read (`traps`); PascalCase spellings, camelCase precedence
    /// and repeated members (`spellings`); escaped member names match and escaped values decode
    /// (`escapedNames`); non-string values give their kind and extent (`kinds`).
    @Test(
        "each object gives exactly its own fields: traps, spellings, escaped names, value kinds",
        arguments: traps + spellings + escapedNames + kinds)
    func fields(_ c: FieldsCase) throws { try Self.check(c) }

    @Test("string slots cover the body between the quotes and flag escapes")
    func slotOffsets() throws {
        let doc = utf8(#"  {"serviceName" : "Ecs", "eventId":"a\nb", "eventTime": null}"#)
        let f = try rawFields(doc)
        #expect(f.serviceName == FieldSlot(.string, 20, 23))
        #expect(f.eventId == FieldSlot(.string, 37, 41, escaped: true))
        #expect(f.eventTime == FieldSlot(.null, 57, 61))
        #expect(f.accessKeyId == FieldSlot())
        #expect(!f.accessKeyId.isPresent && f.serviceName.isString && !f.eventTime.isString && f.eventTime.isPresent)
    }
}
