import KeytrailScan

extension KeyAudit {
    /// `{"AsOf", "IdleAfterDays", "Keys": [...]}`.
    package func json() -> String {
        var o = JSONOutput(pretty: true)
        o.beginObject()
        o.string("AsOf", Timestamp.format(asOf, millis: true))
        o.int("IdleAfterDays", Int64(idleAfterDays))
        o.beginArray("Keys")
        for k in keys {
            o.beginObject()
            Self.write(k, to: &o)
            o.endObject()
        }
        o.endArray()
        o.endObject()
        return o.text
    }

    /// NDJSON: one compact object per key.
    package func rowsJSON() -> [String] {
        keys.map { k in
            var o = JSONOutput(pretty: false)
            o.beginObject()
            Self.write(k, to: &o)
            o.endObject()
            return o.text
        }
    }

    /// A key's members.
    static func write(_ k: AuditedKey, to o: inout JSONOutput) {
        o.string("AccessKeyId", k.key)
        o.string("Status", k.status.rawValue)
        if let t = k.lastUsed {
            o.int("LastUsedTimestamp", t)
            o.string("LastUsed", Timestamp.format(t, millis: true))
            o.int("IdleDays", Int64(k.idleDays ?? 0))
            o.int("Services", Int64(k.services))
            o.string("LastServiceName", k.lastService)
            o.string("AccountId", k.identity.accountId)
            o.string("AccountType", k.identity.type)
            o.string("UserName", k.identity.answeredUserName)
            o.string("OwnerId", k.identity.principalId)
        }
    }
}
