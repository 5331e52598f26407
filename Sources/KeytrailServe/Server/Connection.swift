/// One client connection: its socket, its peer and its lifecycle. Owned by the I/O thread, except
/// while its machine is `busy`, when one worker uses its socket to write the response.
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
