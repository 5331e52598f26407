import Foundation
import KeytrailExtract
import KeytrailIngest
import TestSupport
import Testing

/// Quirks of old real events the generator's mixed archive never writes (spec/events.md): each is
/// indexed as any other event, through a real file, the real index and the real binary.
@Suite("Old real events' quirks")
struct OldEventQuirkTests {
    static let old = "LTAIoldKey0000001"
    static let sts = "STS.NV4ysW1VBjGzWcmTfGkqQkK8p"

    /// One OSS delivery of old events, each with one quirk (and its expected key, service, id).
    static let events: [(text: String, key: String, service: String, id: String)] = [
        // eventVersion a string, no userAgent, no acsRegion, an eventId that is not a GUID, `SLS` in capitals,
        // referencedResources types without `ACS::`.
        (
            #"{"eventVersion":"1","eventId":"60.152_1566447558068_1247","eventType":"ApiCall","eventName":"PostLogStoreLogs","serviceName":"SLS","eventTime":"2019-08-22T04:19:18Z","sourceIpAddress":"100.68.0.12","userIdentity":{"type":"ram-user","accessKeyId":"\#(old)","userName":"logwriter"},"referencedResources":{"Instance":["i-old1","i-old2"],"VSwitch":"vsw-old"}}"#,
            old, "SLS", "60.152_1566447558068_1247"
        ),
        // The same key in another case of the service name: a product of its own.
        (
            #"{"eventVersion":1,"eventId":"B52C7B39-6B8C-4A55-A7A0-0F0E0E0E0E01","eventType":"ApiCall","eventName":"GetLogStore","serviceName":"Sls","eventTime":"2019-08-21T01:00:00Z","acsRegion":"cn-hangzhou","userAgent":"","sourceIpAddress":"100.68.0.12","userIdentity":{"accessKeyId":"\#(old)"}}"#,
            old, "Sls", "B52C7B39-6B8C-4A55-A7A0-0F0E0E0E0E01"
        ),
        // `polardb` in lower case; a requestParameterJson string beside requestParameters, both holding
        // AccessKeyId members that never count.
        (
            #"{"eventVersion":"","eventId":"6110E64B004C4034363CDC5E","eventType":"ApiCall","eventName":"DescribeDBClusters","serviceName":"polardb","eventTime":"2020-12-01T11:54:59.366+0000","sourceIpAddress":"192.168.XX.XX","userIdentity":{"type":"ram-user","accessKeyId":"\#(old)"},"requestParameters":{"RegionId":"cn-hangzhou","AccessKeyId":"LTAItrapInParams"},"requestParameterJson":"{\"RegionId\":\"cn-hangzhou\",\"AccessKeyId\":\"LTAItrapInJson\",\"userIdentity\":{\"accessKeyId\":\"LTAItrapNested\"}}"}"#,
            old, "polardb", "6110E64B004C4034363CDC5E"
        ),
        // An STS key of a service-linked role, whose sourceIpAddress is the service's host name.
        (
            #"{"eventVersion":"1","eventId":"1.167_1627549154939_0042","eventType":"AliyunServiceEvent","eventName":"DescribeInstances","serviceName":"Ecs","eventTime":"2021-07-29T09:12:34Z","sourceIpAddress":"ecs.aliyuncs.com","userIdentity":{"type":"assumed-role","principalId":"3001:ecs","accessKeyId":"\#(sts)","userName":"AliyunServiceRoleForECS:ecs"}}"#,
            sts, "Ecs", "1.167_1627549154939_0042"
        ),
    ]

    @Test func oldEventsAreIndexedLikeAnyOther() throws {
        let dir = TemporaryDirectory()
        let body = "[" + Self.events.map(\.text).joined(separator: ",") + "]"
        try dir.write("in/Actiontrail_cn-hangzhou_20210729100000_1002_4_0_0.gz", gzip(body))
        let report = try ingest(dir, [dir.file("in")])
        #expect(report.rejections.isEmpty, "\(report.rejections.map(\.formatted))")
        #expect(report.events.indexed == 4)
        let products = try rows(dir.file("index.sqlite"))
        let want = Self.events.map { "\($0.key)/\($0.service)/\($0.id)" }.sorted()
        #expect(products.map { "\($0.key)/\($0.service)/\($0.eventId)" }.sorted() == want)
        #expect(products.map(\.detail).sorted() == Self.events.map(\.text).sorted())
        // ApiCall without eventCategory is a management event; so is AliyunServiceEvent.
        #expect(products.allSatisfy { $0.source == storedSource["ManagementEvent"] })
        let dims = try dimensionRows(dir.file("index.sqlite"))
        let ips = dims.filter { $0.dimension.kind == 2 }.map {
            "\($0.key) \($0.dimension.service) \($0.dimension.name)"
        }
        #expect(
            ips.sorted()
                == [
                    "\(Self.old) SLS 100.68.0.12", "\(Self.old) Sls 100.68.0.12", "\(Self.old) polardb 192.168.XX.XX",
                    "\(Self.sts) Ecs ecs.aliyuncs.com",
                ].sorted())
        let resources = dims.filter { $0.dimension.kind == 3 }.map { "\($0.dimension.name)=\($0.dimension.sub)" }
        #expect(resources.sorted() == ["Instance=i-old1", "Instance=i-old2", "VSwitch=vsw-old"])
        // Keys in request parameters, in requestParameterJson and nested in it never count.
        #expect(Set(products.map(\.key)) == [Self.old, Self.sts])
    }

    @Test func theBinaryAnswersTheServiceLinkedRolesSTSKey() throws {
        let dir = TemporaryDirectory()
        try dir.write("in/old.jsonl", Self.events.map(\.text).joined(separator: "\n") + "\n")
        let db = dir.file("k.sqlite")
        let ingest = try Binary.run("keytrail", ["ingest", "--db", db, dir.file("in")])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let ips = try Binary.run(
            "keytrail", ["ips", Self.sts, "--service", "Ecs", "--db", db, "--as-of", "2021-08-01T00:00:00Z"])
        #expect(ips.status == 0, "\(ips.stderr)")
        #expect(ips.stdout.contains("\"ecs.aliyuncs.com\""), "\(ips.stdout)")
        let products = try Binary.run(
            "keytrail", ["products", Self.old, "--db", db, "--as-of", "2021-08-01T00:00:00Z", "--window-days", "1000"])
        #expect(products.status == 0, "\(products.stderr)")
        for service in ["\"SLS\"", "\"Sls\"", "\"polardb\""] {
            #expect(
                products.stdout.contains("\"ServiceName\":\(service)")
                    || products.stdout.contains("\"ServiceName\": \(service)"), "\(products.stdout)")
        }
    }
}
