/// One client connection: its socket, its peer and its lifecycle. Owned by the event loop that accepted it, except
/// while its machine is `busy` at a slow-write thread, which finishes writing the response.
final class Connection: @unchecked Sendable {
    let fd: Int32
    let peer: String
    var machine: ConnectionMachine

    init(fd: Int32, peer: String, machine: ConnectionMachine) {
        self.fd = fd
        self.peer = peer
        self.machine = machine
    }
}
