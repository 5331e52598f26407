@preconcurrency import Glibc

/// `HOST:PORT` for `--listen`: an IPv4 literal, `localhost`, or `[IPv6]`; port 0 picks a free port.
package struct ListenAddress: Equatable, Sendable {
    /// The host as given (`localhost` resolved to 127.0.0.1), without brackets.
    package var host: String
    /// The port (0: any free port).
    package var port: Int
    /// Whether the host is IPv6.
    package var isIPv6: Bool

    /// The default: loopback, port 7706.
    package static let defaultAddress = ListenAddress(host: "127.0.0.1", port: 7706, isIPv6: false)

    init(host: String, port: Int, isIPv6: Bool) {
        self.host = host
        self.port = port
        self.isIPv6 = isIPv6
    }

    /// Parses `HOST:PORT`.
    package init(parsing text: String) throws(ServeError) {
        let bad = ServeError.listenSyntax(text)
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw bad }
        var host = String(text[..<colon])
        var v6 = false
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            v6 = true
        } else if host.contains(":") {
            throw bad
        }
        if host == "localhost" { host = "127.0.0.1" }
        self.init(host: host, port: port, isIPv6: v6)
        guard (try? sockaddr()) != nil else { throw .listenHost(host) }
    }

    /// Whether the address is loopback (127.0.0.0/8 or ::1).
    package var isLoopback: Bool {
        guard let addr = try? sockaddr() else { return false }
        switch addr {
        case .v4(let a): return UInt32(bigEndian: a.sin_addr.s_addr) >> 24 == 127
        case .v6(var a):
            var loop = in6_addr()
            loop.__in6_u.__u6_addr8.15 = 1
            return memcmp(&a.sin6_addr, &loop, MemoryLayout<in6_addr>.size) == 0
        }
    }

    enum SocketAddress {
        case v4(sockaddr_in)
        case v6(sockaddr_in6)
    }

    func sockaddr() throws(ServeError) -> SocketAddress {
        if isIPv6 {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, host, &a.sin6_addr) == 1 else { throw .badAddress(host: host, isIPv6: true) }
            return .v6(a)
        }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &a.sin_addr) == 1 else { throw .badAddress(host: host, isIPv6: false) }
        return .v4(a)
    }

    /// `host:port` or `[host]:port` for the listening line.
    package var text: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
