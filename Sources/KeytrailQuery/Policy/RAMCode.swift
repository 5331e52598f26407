/// The RAM service code of a call (`ecs` in `ecs:DescribeInstances`): from the event's
/// `eventSource` host, else its `serviceName`, through the table of codes that differ from what
/// the host says.
package enum RAMCode {
    /// Host labels (and service names, lowercased) whose RAM code is another word.
    static let exceptions: [String: String] = [
        "metrics": "cms", "cloudmonitor": "cms", "sls": "log", "r-kvstore": "kvstore", "redis": "kvstore",
        "business": "bss", "bssopenapi": "bss", "ons": "mq", "rocketmq": "mq", "tablestore": "ots",
        "dysmsapi": "dysms", "apigateway": "apigateway", "cloudapi": "apigateway", "alidns": "alidns",
        "dns": "alidns", "elasticsearch": "elasticsearch", "ess": "ess", "cs": "cs", "cr": "cr",
        "green": "yundun-greenweb", "sas": "yundun-sas", "waf": "yundun-waf", "ddoscoo": "yundun-ddoscoo",
        "cas": "yundun-cert", "kms": "kms", "polardb": "polardb", "dds": "dds", "mongodb": "dds",
        "resourcemanager": "resourcemanager", "actiontrail": "actiontrail", "ims": "ims", "sts": "sts",
        "ram": "ram", "oss": "oss", "log": "log",
    ]

    /// The code for a call to `eventSource` of `serviceName`.
    package static func of(eventSource: String, serviceName: String) -> String {
        if let label = serviceLabel(eventSource) { return exceptions[label] ?? label }
        let name = serviceName.lowercased()
        return exceptions[name] ?? name
    }

    /// The label of a host that names the service: `ecs` in `ecs.cn-hangzhou.aliyuncs.com` and
    /// `ecs-cn-hangzhou-share.aliyuncs.com`, `oss` in `bucket.oss-cn-hangzhou.aliyuncs.com`, `log`
    /// in `cn-hangzhou.log.aliyuncs.com`. nil for a host that is not a service endpoint.
    static func serviceLabel(_ source: String) -> String? {
        var host = Substring(source.lowercased())
        if let scheme = host.firstRange(of: "://") { host = host[scheme.upperBound...] }
        host = host.prefix { $0 != "/" && $0 != ":" }
        var labels = host.split(separator: ".").map(String.init)
        guard labels.count >= 3,
            ["aliyuncs.com", "aliyun-inc.com", "alibabacloud.com"].contains(
                labels.suffix(2).joined(separator: "."))
        else { return nil }
        labels.removeLast(2)
        // From the right: the service's label is the last one that is not a region (a bucket or
        // a region may come before it).
        guard let label = labels.last(where: { !isRegion($0) }) else { return nil }
        var word = Substring(label)
        // `ecs-cn-hangzhou-share`, `oss-cn-hangzhou-internal`, `ecs-vpc`: the service is the part
        // before the region or the network suffix.
        for separator in word.indices where word[separator] == "-" {
            let rest = word[word.index(after: separator)...]
            if isRegion(String(rest)) || ["vpc", "internal", "share", "intl"].contains(where: rest.hasPrefix) {
                word = word[..<separator]
                break
            }
        }
        return word.isEmpty ? nil : String(word)
    }

    /// Whether `label` is (or starts as) a region ID: `cn-hangzhou`, `ap-southeast-1`, `us-west-1`.
    static func isRegion(_ label: String) -> Bool {
        let prefixes = ["cn-", "ap-", "us-", "eu-", "me-", "rus-", "na-", "sa-", "af-"]
        return prefixes.contains { label.hasPrefix($0) && label.count > $0.count }
    }
}
