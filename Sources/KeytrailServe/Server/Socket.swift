@preconcurrency import Glibc

/// Thin POSIX socket helpers; every call retries on EINTR, sends never raise SIGPIPE.
enum Socket {
    /// A listening, non-blocking socket bound to `address`, and the port it got.
    static func listen(_ address: ListenAddress, backlog: Int32 = 511) throws(ServeError) -> (fd: Int32, port: Int) {
        let sa = try address.sockaddr()
        let family = address.isIPv6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServeError("socket: \(lastError)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc: Int32
        switch sa {
        case .v4(var a):
            rc = withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6(var a):
            rc = withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        guard rc == 0 else {
            let e = lastError
            close(fd)
            throw ServeError("cannot listen on \(address.text): \(e)")
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let e = lastError
            close(fd)
            throw ServeError("cannot listen on \(address.text): \(e)")
        }
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return (fd, port(of: storage))
    }

    /// Accepts one connection: its non-blocking descriptor and the peer as `host:port`, nil when
    /// none is pending (or on a transient error).
    static func accept(_ listener: Int32) -> (fd: Int32, peer: String)? {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.accept(listener, $0, &len)
                }
            }
            if fd >= 0 {
                setNonBlocking(fd)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return (fd, describe(storage))
            }
            if errno == EINTR || errno == ECONNABORTED { continue }
            return nil
        }
    }

    /// Sends all of `bytes` on a non-blocking socket, waiting for room at most until `deadline`
    /// (monotonic ms). False when the peer went away or was too slow.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8], deadline: Int64) -> Bool {
        bytes.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = send(fd, buf.baseAddress! + off, buf.count - off, Int32(MSG_NOSIGNAL))
                if n > 0 {
                    off += n
                    continue
                }
                if n < 0 && errno == EINTR { continue }
                guard n < 0, errno == EAGAIN || errno == EWOULDBLOCK else { return false }
                let wait = deadline - monotonicMillis()
                guard wait > 0 else { return false }
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let r = poll(&p, 1, Int32(min(wait, 60_000)))
                if r < 0 && errno != EINTR { return false }
            }
            return true
        }
    }

    /// Sends what fits now, without waiting (small error answers before a close).
    static func sendNow(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = send(fd, buf.baseAddress! + off, buf.count - off, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                if n > 0 {
                    off += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
        }
    }

    /// Makes `fd` non-blocking.
    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    static var lastError: String { String(cString: strerror(errno)) }

    static func port(of s: sockaddr_storage) -> Int {
        var s = s
        if Int32(s.ss_family) == AF_INET6 {
            return withUnsafePointer(to: &s) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
        }
        return withUnsafePointer(to: &s) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    static func describe(_ s: sockaddr_storage) -> String {
        var s = s
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = Int32(s.ss_family)
        let ok = withUnsafePointer(to: &s) { p -> Bool in
            if family == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { a in
                    var addr = a.pointee.sin6_addr
                    return inet_ntop(AF_INET6, &addr, &buf, socklen_t(buf.count)) != nil
                }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { a in
                var addr = a.pointee.sin_addr
                return inet_ntop(AF_INET, &addr, &buf, socklen_t(buf.count)) != nil
            }
        }
        guard ok else { return "?" }
        let host = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return family == AF_INET6 ? "[\(host)]:\(port(of: s))" : "\(host):\(port(of: s))"
    }
}
