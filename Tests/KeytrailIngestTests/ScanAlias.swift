import KeytrailScan

enum KeytrailScanTimestamp {
    static func parse(_ s: String) -> Int64? { Timestamp.parseRFC3339(s) }
}
