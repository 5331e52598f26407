import KeytrailExtract
import KeytrailScan

/// What a spill file holds before each Detail: where its event was read (the batch-local index
/// of its file, `BatchTable.files`, and its line and column). Little-endian, 20 bytes.
struct SpillHeader {
    static let size = 20
    var file: UInt32
    var line: Int64
    var column: Int64

    init(file: UInt32, line: Int64, column: Int64) {
        self.file = file
        self.line = line
        self.column = column
    }

    init(file: UInt32, position: TextPosition) {
        self.file = file
        line = Int64(position.line)
        column = Int64(position.column)
    }

    /// The header at the start of `bytes`.
    init(_ bytes: UnsafeRawBufferPointer) {
        file = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        line = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: Int64.self))
        column = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: Int64.self))
    }

    /// Appends the header to `buffer`.
    func write(into buffer: ByteBuffer) {
        buffer.reserve(Self.size)
        let p = buffer.base + buffer.count
        p.storeBytes(of: file.littleEndian, toByteOffset: 0, as: UInt32.self)
        p.storeBytes(of: line.littleEndian, toByteOffset: 4, as: Int64.self)
        p.storeBytes(of: column.littleEndian, toByteOffset: 12, as: Int64.self)
        buffer.count += Self.size
    }

    /// The provenance, its file named from the batch's `files`; nil when the position is unknown.
    func provenance(_ files: [[UInt8]]) -> Provenance? {
        line > 0 ? Provenance(file: files[Int(file)], line: line, column: column) : nil
    }
}
