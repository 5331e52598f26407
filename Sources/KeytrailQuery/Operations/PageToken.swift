import KeytrailCrypto
import KeytrailScan
import KeytrailStore

/// Where the next page of an Events/Ips/Resources listing starts: after the last row shown, in
/// the listing's order, for one key, service and window. Sealed with the index's token key
/// (HMAC-SHA256), so the CLI and the server give and accept the same tokens and a changed byte
/// is refused.
struct PageToken: Equatable {
    var kind: Dimension
    /// Fingerprint of (key, service): a token answers only the listing it came from.
    var listing: [UInt8]
    /// The window of the first page, kept for every later page.
    var asOf: Int64
    var days: Int
    /// The index generation of the first page: rows keep their place as of it.
    var generation: Int64
    /// The last row shown (its position).
    var timestamp: Int64
    var name: String
    var sub: String

    static let version: UInt8 = 1
    static let macBytes = 16

    static func listing(key: String, service: String) -> [UInt8] {
        Array(SHA256.hash(Array(key.utf8) + [0] + Array(service.utf8)).prefix(8))
    }

    /// The opaque text handed out as `NextToken`.
    func seal(with secret: [UInt8]) -> String {
        var p: [UInt8] = [Self.version, kind.rawValue]
        p += listing
        Self.put(&p, UInt64(bitPattern: asOf))
        Self.put(&p, UInt64(days))
        Self.put(&p, UInt64(bitPattern: generation))
        Self.put(&p, UInt64(bitPattern: timestamp))
        Self.put(&p, Array(name.utf8))
        Self.put(&p, Array(sub.utf8))
        p += HMAC.sha256(key: secret, message: p).prefix(Self.macBytes)
        return Base64.encode(p, urlSafe: true)
    }

    /// The token in `text`, or nil when it was not made by `seal` with this secret.
    static func open(_ text: String, with secret: [UInt8]) -> PageToken? {
        guard !secret.isEmpty, text.utf8.count <= 4096, let all = Base64.decode(text, urlSafe: true),
            all.count > macBytes + 2
        else { return nil }
        let body = Array(all.dropLast(macBytes))
        let mac = Array(all.suffix(macBytes))
        guard HMAC.constantTimeEqual(Array(HMAC.sha256(key: secret, message: body).prefix(macBytes)), mac),
            body[0] == version, let kind = Dimension(rawValue: body[1])
        else { return nil }
        var at = 2
        func take(_ n: Int) -> [UInt8]? {
            guard at + n <= body.count else { return nil }
            defer { at += n }
            return Array(body[at..<(at + n)])
        }
        func int() -> UInt64? {
            guard let b = take(8) else { return nil }
            return b.reduce(0) { $0 << 8 | UInt64($1) }
        }
        func bytes() -> [UInt8]? {
            guard let n = int(), n <= UInt64(body.count) else { return nil }
            return take(Int(n))
        }
        guard let listing = take(8), let asOf = int(), let days = int(), days <= 1_000_000, let gen = int(),
            let ts = int(),
            let name = bytes(), let sub = bytes(), at == body.count
        else { return nil }
        return PageToken(
            kind: kind, listing: listing, asOf: Int64(bitPattern: asOf), days: Int(days),
            generation: Int64(bitPattern: gen), timestamp: Int64(bitPattern: ts),
            name: String(decoding: name, as: UTF8.self),
            sub: String(decoding: sub, as: UTF8.self))
    }

    private static func put(_ p: inout [UInt8], _ v: UInt64) {
        for i in (0..<8).reversed() { p.append(UInt8(truncatingIfNeeded: v >> (UInt64(i) * 8))) }
    }

    private static func put(_ p: inout [UInt8], _ b: [UInt8]) {
        put(&p, UInt64(b.count))
        p += b
    }
}
