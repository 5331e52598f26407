import Foundation
import TestSupport
import Testing

/// `keytrail policy`: the RAM policy of a key's used actions, through the binary.
@Suite("Policy")
struct PolicyTests {
    static let key = "LTAI5tPolicyTestKey00001"

    /// Calls to many kinds of endpoint, some refused for want of permission.
    static func archive(_ dir: TemporaryDirectory) throws -> String {
        var lines: [String] = []
        var n = 0
        func call(
            _ service: String, _ name: String, source: String?, error: String? = nil, day: Int = 20,
            key: String = PolicyTests.key
        ) {
            n += 1
            var body: [String: Any] = [
                "eventId": "E\(n)", "eventName": name, "serviceName": service,
                "eventTime": "2026-10-\(day)T00:00:\(n < 10 ? "0" : "")\(n)Z",
                "userIdentity": ["accessKeyId": key, "type": "ram-user", "userName": "u"],
            ]
            if let source { body["eventSource"] = source }
            if let error { body["errorCode"] = error }
            let data = try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            lines.append(String(decoding: data, as: UTF8.self))
        }
        call("Ecs", "DescribeInstances", source: "ecs.cn-hangzhou.aliyuncs.com")
        call("Ecs", "RunInstances", source: "ecs.cn-hangzhou.aliyuncs.com", day: 10)
        // The latest RunInstances was refused: left out, although an earlier one succeeded.
        call("Ecs", "RunInstances", source: "ecs-cn-hangzhou-share.aliyuncs.com", error: "Forbidden.RAM", day: 21)
        call("Ecs", "DeleteInstance", source: "ecs.cn-hangzhou.aliyuncs.com", error: "InvalidParameter")
        call("Oss", "GetObject", source: "test-123.oss-cn-hangzhou-cross.aliyuncs.com")
        call("Oss", "PutObject", source: "oss-cn-hangzhou.aliyuncs.com", error: "AccessDenied")
        call("Sls", "PostLogStoreLogs", source: "cn-hangzhou.log.aliyuncs.com")
        call("Cms", "DescribeMetricList", source: "metrics.cn-hangzhou.aliyuncs.com")
        call("Actiontrail", "LookupEvents", source: "http://actiontrail.cn-hangzhou.aliyuncs.com/x")
        call("Ram", "ListUsers", source: "ram.aliyuncs.com", error: "NoPermission")
        call("Kms", "Decrypt", source: nil)
        // Outside the 30-day window the test asks for, and another key's call.
        call("Rds", "DescribeDBInstances", source: "rds.aliyuncs.com", day: 1)
        call("Vpc", "DescribeVpcs", source: "vpc.aliyuncs.com", key: "LTAI5tPolicyTestKey00002")
        let input = try dir.write("in/events.json", lines.joined(separator: "\n") + "\n")
        let db = dir.file("k.sqlite")
        let r = try Binary.run("keytrail", ["ingest", "--quiet", "--db", db, input])
        #expect(r.status == 0, "\(r.stderr)")
        return db
    }

    static func run(_ args: [String], _ db: String, days: Int = 15) throws -> RunResult {
        try Binary.run(
            "keytrail", args + ["--db", db, "--as-of", "2026-10-31T00:00:00Z", "--window-days", String(days)])
    }

    /// The document's statements, checked against RAM's policy grammar.
    static func statements(_ text: String) throws -> [[String]] {
        let doc = try json(text)
        #expect(Set(doc.keys) == ["Version", "Statement"])
        #expect(doc["Version"] as? String == "1")
        let statements = try #require(doc["Statement"] as? [[String: Any]])
        return try statements.map { s in
            #expect(Set(s.keys) == ["Effect", "Action", "Resource"])
            #expect(s["Effect"] as? String == "Allow" && s["Resource"] as? String == "*")
            let actions = try #require(s["Action"] as? [String])
            #expect(actions == Array(Set(actions)).sorted())
            for a in actions {
                let parts = a.split(separator: ":")
                #expect(parts.count == 2 && parts[0].allSatisfy { $0.isLowercase || $0 == "-" }, "\(a)")
            }
            return actions
        }
    }

    @Test func theUsedActionsMappedDeniedOnesLeftOutAndListed() throws {
        let dir = TemporaryDirectory()
        let db = try Self.archive(dir)
        let r = try Self.run(["policy", Self.key], db)
        #expect(r.status == 0, "\(r.stderr)")
        let allowed = try Self.statements(r.stdout)
        #expect(
            allowed == [
                [
                    "actiontrail:LookupEvents", "cms:DescribeMetricList", "ecs:DeleteInstance", "ecs:DescribeInstances",
                    "kms:Decrypt", "log:PostLogStoreLogs", "oss:GetObject",
                ]
            ])
        for (action, code) in [
            ("ecs:RunInstances", "Forbidden.RAM"), ("oss:PutObject", "AccessDenied"), ("ram:ListUsers", "NoPermission"),
        ] {
            #expect(r.stderr.contains("keytrail: note: \(action) left out: its latest call"), "\(r.stderr)")
            #expect(r.stderr.contains("(\(code)); --include-denied keeps it"))
        }
        // The actions are the events listings' names in the window, every service of the key.
        let products = try json(try Self.run(["products", Self.key], db).stdout)
        var listed: Set<String> = []
        for p in try #require(products["Products"] as? [[String: Any]]) {
            let service = try #require(p["ServiceName"] as? String)
            let events = try json(try Self.run(["events", Self.key, "--service", service, "--all"], db).stdout)
            for e in try #require(events["Events"] as? [[String: Any]]) {
                listed.insert(e["EventName"] as? String ?? "")
            }
        }
        let kept = try Self.statements(try Self.run(["policy", Self.key, "--include-denied"], db).stdout)
        #expect(Set(kept[0].map { String($0.split(separator: ":")[1]) }) == listed)
        #expect(kept[0].count == allowed[0].count + 3)
        // One statement per RAM code, by code.
        let split = try Self.statements(try Self.run(["policy", Self.key, "--by-service"], db).stdout)
        #expect(split.map { $0[0].split(separator: ":")[0] } == ["actiontrail", "cms", "ecs", "kms", "log", "oss"])
        #expect(split.joined().sorted() == allowed[0])
        // The table lists every action with why it is left out.
        let table = try Self.run(["policy", Self.key, "--format", "table", "--wide"], db).stdout
        #expect(table.contains("ram:ListUsers") && table.contains("NoPermission"))
        #expect(
            table.hasSuffix(
                "7 action(s) allowed of 10 called by \(Self.key) in the 15-day window ending 2026-10-31T00:00:00Z\n"))
    }

    @Test func aKeyWithNothingInTheWindowGetsNoStatement() throws {
        let dir = TemporaryDirectory()
        let db = try Self.archive(dir)
        let r = try Self.run(["policy", "LTAI5tPolicyTestKey00002"], db, days: 1)
        #expect(r.status == 0)
        #expect(try Self.statements(r.stdout).isEmpty)
        #expect(r.stderr.contains("no action to allow"), "\(r.stderr)")
        let bad = try Self.run(["policy", "not a key"], db)
        #expect(bad.status == 2 && bad.stderr.contains("is not an AccessKey ID"))
    }
}
