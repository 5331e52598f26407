import KeytrailScan

/// What one `FieldSlot` held, read back from the buffer: decoded text for strings, raw text otherwise.
enum Value: Equatable, Sendable, CustomStringConvertible {
    case absent
    case string(String)
    case raw(FieldSlot.Kind, String)

    var description: String {
        switch self {
        case .absent: return "absent"
        case .string(let s): return "string \"\(s)\""
        case .raw(let kind, let text): return "\(kind) \(text)"
        }
    }
}

/// The fields `scanObject` found in one object, read back while the buffer was alive.
struct Extracted: Equatable, CustomStringConvertible {
    var accessKeyId = Value.absent
    var serviceName = Value.absent
    var eventTime = Value.absent
    var eventId = Value.absent
    var eventCategory = Value.absent
    var eventType = Value.absent
    var event = Value.absent
    var events = Value.absent
    var products = Value.absent
    var detail = Value.absent
    /// The offset after the object.
    var end = 0

    var description: String {
        let all: [(String, Value)] = [
            ("accessKeyId", accessKeyId), ("serviceName", serviceName), ("eventTime", eventTime),
            ("eventId", eventId), ("eventCategory", eventCategory), ("eventType", eventType), ("event", event),
            ("Events", events), ("Products", products), ("Detail", detail),
        ]
        return all.filter { $0.1 != .absent }.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
    }
}

/// Reads `slot` back from the scanner's buffer.
func value(_ slot: FieldSlot, in scanner: JSONScanner, scratch: inout [UInt8]) -> Value {
    switch slot.kind {
    case .absent:
        return .absent
    case .string:
        return .string(scanner.withDecoded(slot, scratch: &scratch) { String(decoding: $0, as: UTF8.self) })
    default:
        return .raw(slot.kind, String(decoding: scanner.bytes(slot.start, slot.end), as: UTF8.self))
    }
}

func extract(_ scanner: JSONScanner, at start: Int, depth: Int = 0) throws(JSONError) -> Extracted {
    var fields = EventFields()
    let end = try scanner.scanObject(start, depth: depth, into: &fields)
    var scratch: [UInt8] = []
    var e = Extracted()
    e.accessKeyId = value(fields.accessKeyId, in: scanner, scratch: &scratch)
    e.serviceName = value(fields.serviceName, in: scanner, scratch: &scratch)
    e.eventTime = value(fields.eventTime, in: scanner, scratch: &scratch)
    e.eventId = value(fields.eventId, in: scanner, scratch: &scratch)
    e.eventCategory = value(fields.eventCategory, in: scanner, scratch: &scratch)
    e.eventType = value(fields.eventType, in: scanner, scratch: &scratch)
    e.event = value(fields.event, in: scanner, scratch: &scratch)
    e.events = value(fields.events, in: scanner, scratch: &scratch)
    e.products = value(fields.products, in: scanner, scratch: &scratch)
    e.detail = value(fields.detail, in: scanner, scratch: &scratch)
    e.end = end
    return e
}

/// Scans the object that starts at the first non-whitespace byte of `bytes`.
func extract(_ bytes: [UInt8]) throws -> Extracted {
    try bytes.withUnsafeBytes { buf in
        let scanner = JSONScanner(buf)
        return try extract(scanner, at: scanner.skipWhitespace(0))
    }
}

func extract(_ text: String) throws -> Extracted { try extract(utf8(text)) }

/// The raw `EventFields` of the object at the start of `bytes`, for checks on slot offsets and flags.
func rawFields(_ bytes: [UInt8]) throws -> EventFields {
    try bytes.withUnsafeBytes { buf in
        let scanner = JSONScanner(buf)
        var fields = EventFields()
        _ = try scanner.scanObject(scanner.skipWhitespace(0), depth: 0, into: &fields)
        return fields
    }
}

/// A realistic ActionTrail event with a trap at every depth the extraction must not read.
let sampleEvent = """
    {
      "eventId": "A1B2C3D4-0000-4E5F-8A9B-0123456789AB",
      "eventVersion": 1,
      "eventSource": "ecs.aliyuncs.com",
      "sourceIpAddress": "203.0.113.7",
      "userAgent": "AlibabaCloud (Linux; amd64) Go/1.21 Core/0.01",
      "eventType": "ApiCall",
      "eventCategory": "Management",
      "accessKeyId": "TrapTopLevel",
      "userIdentity": {
        "type": "ram-user",
        "principalId": "2000000000000001",
        "accountId": "1000000000000001",
        "sessionContext": {
          "attributes": {"creationDate": "2021-08-05T09:00:00Z", "mfaAuthenticated": "false"},
          "accessKeyId": "TrapSessionContext"
        },
        "accessKeyId": "LTAI5tExampleKey000001",
        "userName": "deploy"
      },
      "serviceName": "Ecs",
      "additionalEventData": {"serviceName": "TrapService", "eventTime": "1999-01-01T00:00:00Z",
        "userIdentity": {"accessKeyId": "TrapNestedIdentity"}},
      "requestId": "5E2B1F0A-1111-2222-3333-444455556666",
      "eventTime": "2021-08-05T09:21:32Z",
      "isGlobal": false,
      "acsRegion": "cn-hangzhou",
      "eventName": "CreateAccessKey",
      "requestParameters": {"accessKeyId": "TrapRequest", "AccessKeyId": "TrapRequest2", "RegionId": "cn-hangzhou"},
      "responseElements": {"AccessKey": {"AccessKeyId": "TrapResponse", "AccessKeySecret": "****"}},
      "referencedResources": {"ACS::RAM::User": ["deploy"]},
      "resources": [{"serviceName": "TrapArray", "accessKeyId": "TrapArray"}]
    }
    """
