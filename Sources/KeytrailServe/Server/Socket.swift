@preconcurrency import Glibc
import KeytrailPOSIX

/// Thin POSIX socket helpers; every call is retried on a signal (`POSIX.retrying`), sends never raise
/// SIGPIPE, failures are `SystemError`s.
enum Socket {
    /// A listening, non-blocking socket bound to `address`, and the port it got.
    static func listen(_ address: ListenAddress, backlog: Int32 = 511) throws(ServeError) -> (fd: Int32, port: Int) {
        let sa = try address.sockaddr()
        let family = address.isIPv6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system(call: "socket", .current) }
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
        guard rc == 0, Glibc.listen(fd, backlog) == 0 else {
            let e = SystemError.current
            POSIX.close(fd)
            throw .cannotListen(address: address.text, e)
        }
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return (fd, port(of: storage))
    }

    /// Accepts one connection: its non-blocking descriptor and the peer as `host:port`. Throws
    /// when none is pending (`isWouldBlock`) or on another error; an aborted connection is skipped.
    static func accept(_ listener: Int32) throws(SystemError) -> (fd: Int32, peer: String) {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let fd: Int32
            do throws(SystemError) {
                fd = try POSIX.retrying {
                    withUnsafeMutablePointer(to: &storage) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(listener, $0, &len) }
                    }
                }
            } catch  where error.code == ECONNABORTED {
                continue
            }
            setNonBlocking(fd)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return (fd, describe(storage))
        }
    }

    /// Reads what is available into `buffer`: the byte count, 0 at the end of the stream.
    static func receive(_ fd: Int32, into buffer: inout [UInt8]) throws(SystemError) -> Int {
        try POSIX.retrying { buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) } }
    }

    /// One read(2) into `buffer` (the wake pipe): the byte count, 0 at the end.
    static func read(_ fd: Int32, into buffer: inout [UInt8]) throws(SystemError) -> Int {
        try POSIX.retrying { buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
    }

    /// What a send without waiting did.
    enum Sent: Equatable {
        /// All of it went.
        case all
        /// The socket's buffer is full: this much of head and body (together) went.
        case part(Int)
        /// The peer went away.
        case failed
    }

    /// Sends as much of `head`, then `body`, then `tail`, from byte `offset` of the three, as the
    /// socket takes now, gathered (`sendmsg`, one call for a response that fits the socket buffer,
    /// no copy joining them).
    static func sendAvailable(
        _ fd: Int32, _ head: [UInt8], _ body: [UInt8], _ tail: ArraySlice<UInt8> = [], from offset: Int = 0
    ) -> Sent {
        head.withUnsafeBytes { h in
            body.withUnsafeBytes { b in
                tail.withUnsafeBytes { t in
                    let total = h.count + b.count + t.count
                    var off = offset
                    while off < total {
                        do throws(SystemError) {
                            let n = try POSIX.retrying { () -> Int in
                                var vectors = (iovec(), iovec(), iovec())
                                return withUnsafeMutablePointer(to: &vectors) { tuple in
                                    tuple.withMemoryRebound(to: iovec.self, capacity: 3) { iov in
                                        // What is left of each part, in order (`before`: the parts' bytes ahead of it).
                                        var count = 0
                                        func add(_ p: UnsafeRawBufferPointer, after before: Int) {
                                            let from = max(0, off - before)
                                            guard from < p.count else { return }
                                            iov[count] = iovec(
                                                iov_base: UnsafeMutableRawPointer(mutating: p.baseAddress! + from),
                                                iov_len: p.count - from)
                                            count += 1
                                        }
                                        add(h, after: 0)
                                        add(b, after: h.count)
                                        add(t, after: h.count + b.count)
                                        var m = msghdr()
                                        m.msg_iov = iov
                                        m.msg_iovlen = count
                                        return sendmsg(fd, &m, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                                    }
                                }
                            }
                            guard n > 0 else { return .failed }
                            off += n
                        } catch {
                            return error.isWouldBlock ? .part(off) : .failed
                        }
                    }
                    return .all
                }
            }
        }
    }

    /// Sends all of `head` and then `body`, from byte `offset` of the two, waiting for room at most
    /// until `deadline` (monotonic ms). False when the peer went away or was too slow.
    static func sendAll(
        _ fd: Int32, _ head: [UInt8], _ body: [UInt8], _ tail: ArraySlice<UInt8> = [], from offset: Int = 0,
        deadline: Int64
    ) -> Bool {
        var off = offset
        while true {
            switch sendAvailable(fd, head, body, tail, from: off) {
            case .all: return true
            case .failed: return false
            case .part(let sent):
                off = sent
                let wait = deadline - Clock.monotonicMillis()
                guard wait > 0 else { return false }
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                guard (try? POSIX.retrying({ poll(&p, 1, Int32(min(wait, 60_000))) })) != nil else { return false }
            }
        }
    }

    /// Sends what fits now, without waiting (small answers before a close, `100 Continue`).
    static func sendNow(_ fd: Int32, _ bytes: [UInt8]) { _ = sendAvailable(fd, bytes, []) }

    /// Makes `fd` non-blocking.
    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

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
