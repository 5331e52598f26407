import KeytrailScan

/// Generates realistic events (~`detailBytes` each) for a population of keys and services.
package struct EventFactory: Sendable {
    /// Services drawn from (real ActionTrail service names, with mixed case as in the wild).
    package static let allServices = [
        "Ecs", "Oss", "Ram", "Sts", "Rds", "Slb", "Vpc", "Cms", "CS", "Cdn", "Actiontrail", "ResourceManager",
        "PrivateZone", "polardb", "Kms", "Sls", "Fc", "Nas", "Alidns", "R-kvstore", "Ess", "Ecd", "Dds", "Cbn",
        "Waf", "Sas", "Config", "Ims", "Bss", "ROS", "Dts", "Hbr", "Eci", "Ehpc", "Mse", "Arms", "Edas", "Emr",
        "Elasticsearch", "Ons", "Alikafka", "Mns", "Iot", "Live", "Vod", "Green", "Imm", "Sms", "Dysmsapi", "Dm",
    ]

    static let regions = ["cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1", "eu-central-1", "us-west-1"]
    static let names = [
        "DescribeInstances", "RunInstances", "GetObject", "PutObject", "ListUsers", "AssumeRole",
        "DescribeDBInstances", "CreateLoadBalancer", "DeleteBucket", "DescribeRegions", "ListPolicies", "StopInstance",
    ]

    /// The AccessKey IDs of the population.
    package let keys: [String]
    /// The services of the population.
    package let services: [String]
    /// Approximate size of each event's JSON.
    package let detailBytes: Int

    /// The benchmark corpus's population: 5,000 keys over 40 services, ~2 KB events.
    package static func benchmark(seed: UInt64) -> EventFactory {
        EventFactory(keyCount: 5000, serviceCount: 40, detailBytes: 2000, seed: seed)
    }

    /// A population of `keyCount` keys over `serviceCount` services, from `seed`.
    package init(keyCount: Int, serviceCount: Int, detailBytes: Int = 2000, seed: UInt64) {
        var rng = SplitMix(seed: seed ^ 0x6B65_7973)
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        keys = (0..<keyCount).map { i in
            if i % 17 == 16 {
                // Some temporary STS keys, as assumed roles use.
                return "STS." + String((0..<40).map { _ in alphabet[rng.below(alphabet.count)] })
            }
            return "LTAI5t" + String((0..<18).map { _ in alphabet[rng.below(alphabet.count)] })
        }
        services = Array(Self.allServices.prefix(max(1, min(serviceCount, Self.allServices.count))))
        self.detailBytes = detailBytes
    }

    /// Event number `n` (deterministic in `rng`), at `timestamp`, for `key` (nil: console event).
    package func make(
        _ rng: inout SplitMix, key: String?, service: String, timestamp: Int64, category: String? = "Management"
    ) -> SynthEvent {
        var w = JSONBytes()
        let eventId = Self.uuid(&rng)
        let region = Self.regions[rng.below(Self.regions.count)]
        let name = Self.names[rng.below(Self.names.count)]
        let account = String(1_000_000_000_000_000 + rng.below(8_999_999_999_999_999))
        w.open()
        w.field("eventId", eventId)
        w.raw("eventVersion", "1")
        w.field("eventSource", "\(service.lowercased()).\(region).aliyuncs.com")
        // Realistic cardinalities: a key calls from a few addresses (now and then from elsewhere)
        // and works on a few resources, so most events win no sibling row.
        let home = Self.fnv(key ?? service)
        if rng.below(20) == 0 {
            w.field("sourceIpAddress", "\(rng.below(223) + 1).\(rng.below(256)).\(rng.below(256)).\(rng.below(256))")
        } else {
            let h = home >> (UInt64(rng.below(3)) * 16)
            w.field("sourceIpAddress", "10.\(h & 0xFF).\((h >> 8) & 0xFF).\(1 + rng.below(3))")
        }
        w.field("userAgent", "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2")
        w.field("eventRW", rng.below(2) == 0 ? "Read" : "Write")
        w.field("eventType", key == nil ? "ConsoleOperation" : "ApiCall")
        if let category { w.field("eventCategory", category) }
        w.key("userIdentity")
        w.open()
        w.field("type", "ram-user")
        w.field("principalId", String(200_000_000_000_000 + rng.below(99_999_999_999_999)))
        w.field("accountId", account)
        if let key { w.field("accessKeyId", key) }
        w.field("userName", "user-\(rng.below(1000))")
        w.close()
        w.field("serviceName", service)
        w.key("requestParameters")
        w.open()
        w.field("RegionId", region)
        // A look-alike key at another depth: must never count.
        w.field("accessKeyId", "LTAI5tDECOY\(rng.below(100_000))")
        w.field("InstanceId", "i-\(Self.hex(&rng, 20))")
        w.close()
        w.field("apiVersion", "2014-05-26")
        w.field("requestId", Self.uuid(&rng))
        w.field("eventTime", Self.rfc3339(timestamp))
        w.raw("isGlobal", "false")
        w.field("acsRegion", region)
        w.field("eventName", name)
        let instance = "i-\(String(home &+ UInt64(rng.below(8)) &* 0x9E37_79B9_7F4A_7C15, radix: 16))"
        switch rng.below(4) {
        case 0:
            // Newer events name their resources by type in referencedResources.
            w.raw(
                "referencedResources",
                "{\"ACS::ECS::Instance\":[\"\(instance)\"],\"ACS::VPC::VSwitch\":[\"vsw-\(home % 5)\",\"vsw-\(rng.below(5))\"]}"
            )
        case 1:
            w.field("resourceType", "ACS::ECS::Instance;ACS::ECS::Disk")
            w.field("resourceName", "\(instance);d-\(home % 7),d-\(rng.below(7))")
        default:
            w.field("resourceType", "ACS::ECS::Instance")
            w.field("resourceName", instance)
        }
        w.key("responseElements")
        w.open()
        w.field("RequestId", Self.uuid(&rng))
        w.key("AccessKey")
        w.open()
        w.field("AccessKeyId", "LTAI5tRESPONSE\(rng.below(100_000))")
        w.close()
        // Padding to a realistic size: a response payload of instance descriptions.
        var k = 0
        while w.bytes.count < detailBytes - 120 {
            w.field("Description\(k)", "instance \(Self.hex(&rng, 24)) in \(region) with tags env=prod team=security")
            k += 1
        }
        w.close()
        w.close()
        return SynthEvent(accessKeyId: key, serviceName: service, timestamp: timestamp, eventId: eventId, json: w.bytes)
    }

    /// FNV-1a of a string: stable per key, so a key's addresses and resources are its own.
    static func fnv(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    static func hex(_ rng: inout SplitMix, _ n: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String((0..<n).map { _ in digits[rng.below(16)] })
    }

    static func uuid(_ rng: inout SplitMix) -> String {
        let h = hex(&rng, 32).uppercased()
        let c = Array(h)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-"
            + String(c[20..<32])
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, with `.mmm` when the time has milliseconds.
    package static func rfc3339(_ ms: Int64) -> String {
        Timestamp.format(ms, millis: ms % 1000 != 0)
    }
}
