/// Reads HTTP/1.x requests from bytes delivered in pieces of any size (pipelining included).
///
/// Accepted: origin-form and absolute-form targets (`splitTarget`), HTTP/1.0 and 1.1, CRLF or
/// bare-LF line ends, bodies with `Content-Length`. Refused: obs-fold continuation lines, control
/// bytes, conflicting lengths, any `Transfer-Encoding` (411: the SDKs always send a length), heads
/// over `maxHead` (431) and bodies over `maxBody` (413, decided from the header before the body is
/// read).
package struct HTTPRequestParser {
    /// Limit on the request line plus headers, in bytes.
    package var maxHead: Int
    /// Limit on a body, in bytes.
    package var maxBody: Int

    private var buffer: [UInt8] = []
    /// Bytes of `buffer` already searched for the end of the head.
    private var searched = 0
    /// The parsed head while its body is being read, with the body length and where the body starts.
    private var pendingHead: (request: HTTPRequest, length: Int, bodyStart: Int)?
    /// Set once per request whose head asks for `Expect: 100-continue` and whose body is pending.
    package private(set) var wantsContinue = false

    /// A parser with the given limits (DESIGN: 32 KiB head, 64 KiB body).
    package init(maxHead: Int = 32 * 1024, maxBody: Int = 64 * 1024) {
        self.maxHead = maxHead
        self.maxBody = maxBody
    }

    /// Whether part of a request has arrived (the head deadline runs).
    package var hasPartialRequest: Bool { pendingHead != nil || buffer.contains { $0 != 0x0D && $0 != 0x0A } }

    /// Bytes received and not yet returned as part of a request.
    package var bufferedByteCount: Int { buffer.count }

    /// Whether the head is complete and the body is still arriving.
    package var isReadingBody: Bool { pendingHead != nil }

    /// Appends received bytes.
    package mutating func append(_ bytes: UnsafeRawBufferPointer) { buffer.append(contentsOf: bytes) }

    /// Appends received bytes.
    package mutating func append(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }

    /// Clears the 100-continue request once it has been answered.
    package mutating func continueSent() { wantsContinue = false }

    /// The next complete request, nil when more bytes are needed. After an error the parser is
    /// unusable (the connection must close).
    package mutating func next() throws(HTTPParseError) -> HTTPRequest? {
        if pendingHead == nil {
            // Empty lines before a request line are ignored (RFC 9112 §2.2).
            var lead = 0
            while lead < buffer.count, buffer[lead] == 0x0D || buffer[lead] == 0x0A { lead += 1 }
            if lead > 0 {
                buffer.removeFirst(lead)
                searched = max(0, searched - lead)
            }
            guard let end = findHeadEnd() else {
                if buffer.count > maxHead { throw .headTooLarge }
                return nil
            }
            if end.headLength > maxHead { throw .headTooLarge }
            let (request, length) = try Self.parseHead(buffer[0..<end.headLength], maxBody: maxBody)
            pendingHead = (request, length, end.bodyStart)
            wantsContinue =
                length > 0 && buffer.count < end.bodyStart + length
                && request.header("expect")?.lowercased() == "100-continue"
        }
        guard let head = pendingHead, buffer.count >= head.bodyStart + head.length else { return nil }
        var request = head.request
        request.body = Array(buffer[head.bodyStart..<(head.bodyStart + head.length)])
        buffer.removeFirst(head.bodyStart + head.length)
        pendingHead = nil
        searched = 0
        wantsContinue = false
        return request
    }

    /// Where the head ends (`\n\r\n` or `\n\n`): its length without the blank line, and the body start.
    private mutating func findHeadEnd() -> (headLength: Int, bodyStart: Int)? {
        var i = max(0, searched - 2)
        let n = buffer.count
        while i < n {
            if buffer[i] == 0x0A {
                if i + 1 < n, buffer[i + 1] == 0x0A { return (i + 1, i + 2) }
                if i + 2 < n, buffer[i + 1] == 0x0D, buffer[i + 2] == 0x0A { return (i + 1, i + 3) }
            }
            i += 1
        }
        searched = n
        return nil
    }

    /// Parses the request line and header lines (each ending in LF, the last included).
    static func parseHead(_ head: ArraySlice<UInt8>, maxBody: Int) throws(HTTPParseError) -> (HTTPRequest, Int) {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        for i in head.indices where head[i] == 0x0A {
            var line = head[start..<i]
            if line.last == 0x0D { line = line.dropLast() }
            lines.append(line)
            start = i + 1
        }
        guard let requestLine = lines.first else { throw .malformed("no request line") }
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("request line is not METHOD SP TARGET SP VERSION") }
        guard !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte) else { throw .malformed("bad method") }
        guard parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .malformed("control byte or non-ASCII byte in the request target")
        }
        let (authority, target) = try splitTarget(parts[1])
        let minor: Int
        switch String(decoding: parts[2], as: UTF8.self) {
        case "HTTP/1.1": minor = 1
        case "HTTP/1.0": minor = 0
        default: throw .malformed("unsupported HTTP version")
        }
        var headers: [HTTPHeader] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: 0x3A) else { throw .malformed("header line without ':'") }
            let name = line[line.startIndex..<colon]
            // Also refuses obs-fold (a line starting with a space) and space before the colon.
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else { throw .malformed("bad header name") }
            var value = line[(colon + 1)...]
            while let f = value.first, f == 0x20 || f == 0x09 { value = value.dropFirst() }
            while let l = value.last, l == 0x20 || l == 0x09 { value = value.dropLast() }
            guard value.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }) else {
                throw .malformed("control byte in a header value")
            }
            headers.append(
                HTTPHeader(
                    name: String(decoding: name, as: UTF8.self).lowercased(),
                    value: String(decoding: value, as: UTF8.self)))
        }
        if let authority {
            // RFC 9112 §3.2.2: the target's authority replaces any Host header, as a conforming
            // proxy would have forwarded it (and clients must send a Host identical to it).
            let first = headers.firstIndex { $0.name == "host" } ?? 0
            headers.removeAll { $0.name == "host" }
            headers.insert(HTTPHeader(name: "host", value: authority), at: min(first, headers.count))
        }
        let targetText = String(decoding: target, as: UTF8.self)
        let q = targetText.firstIndex(of: "?")
        var request = HTTPRequest(
            method: String(decoding: parts[0], as: UTF8.self),
            path: q.map { String(targetText[..<$0]) } ?? targetText,
            query: q.map { String(targetText[targetText.index(after: $0)...]) } ?? "", minorVersion: minor,
            headers: headers, authority: authority)
        if request.header("transfer-encoding") != nil { throw .lengthRequired }
        var length = 0
        let lengths = request.headerValues("content-length").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingASCIISpaces() }
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.allSatisfy({ $0 &- 0x30 < 10 })
            else { throw .malformed("bad Content-Length") }
            guard first.utf8.count <= 12, let n = Int(first), n <= maxBody else { throw .bodyTooLarge }
            length = n
        }
        request.body = []
        return (request, length)
    }

    /// The authority (nil for origin-form) and the origin-form part (`/path?query`) of a request
    /// target: origin-form `/…`, or absolute-form `http://authority/…` (RFC 9112 §3.2.2, what a
    /// client sends through `HTTP_PROXY`), scheme `http` or `https` in any case. An empty path is
    /// `/` (RFC 9110 §4.2.3). Refused: other forms and schemes, an empty authority or one with
    /// userinfo (RFC 9110 §4.2.1, §4.2.4).
    static func splitTarget(
        _ target: ArraySlice<UInt8>
    ) throws(HTTPParseError) -> (authority: String?, target: ArraySlice<UInt8>) {
        if target.first == 0x2F { return (nil, target) }
        guard let colon = target.firstIndex(of: 0x3A),
            ["http", "https"].contains(String(decoding: target[..<colon], as: UTF8.self).lowercased()),
            target[colon...].starts(with: Array("://".utf8))
        else { throw .malformed("request target must be an absolute path or an http URI") }
        let start = colon + 3
        let end = target[start...].firstIndex { $0 == 0x2F || $0 == 0x3F } ?? target.endIndex
        let authority = target[start..<end]
        guard !authority.isEmpty, !authority.contains(0x40), !authority.contains(0x23) else {
            throw .malformed("the request target's authority is empty or holds userinfo or a fragment")
        }
        let rest = target[end...]
        let path = rest.first == 0x2F ? rest : ArraySlice([0x2F] + rest)
        return (String(decoding: authority, as: UTF8.self), path)
    }

    /// tchar (RFC 9110 §5.6.2).
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: return true
        default: return false
        }
    }
}
