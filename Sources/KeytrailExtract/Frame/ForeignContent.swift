/// What a file that is not UTF-8 text looks like, from its first bytes (DESIGN "Not ActionTrail"):
/// a known magic number (ZIP, tar, PNG, PDF, bzip2, xz, zstd), UTF-16/32 (a byte-order mark or the NUL pattern of ASCII in them), or NUL
/// bytes. Such a file is rejected once, kind `binary`, never line by line.
package enum ForeignContent {
    /// How many leading bytes are looked at.
    package static let headBytes = 4096

    /// What `head` (a file's first bytes, up to `headBytes`) looks like, when it is not text: a
    /// phrase that says so and what to do (`a ZIP archive: unpack it first`); nil for text.
    package static func describe(_ head: UnsafeRawBufferPointer) -> String? {
        let n = min(head.count, headBytes)
        func starts(_ magic: [UInt8]) -> Bool {
            guard n >= magic.count else { return false }
            for (i, b) in magic.enumerated() where head[i] != b { return false }
            return true
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) {
            return "a ZIP archive: unpack it first"
        }
        if n >= 262 && head[257] == 0x75 && head[258] == 0x73 && head[259] == 0x74 && head[260] == 0x61
            && head[261] == 0x72
        {
            return "a tar archive: unpack it first (tar -xf)"
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "a PNG image, not a log" }
        if starts(Array("%PDF-".utf8)) { return "a PDF document, not a log" }
        if starts([0x42, 0x5A, 0x68]) { return "bzip2-compressed data: decompress it first (bunzip2)" }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return "xz-compressed data: decompress it first (unxz)" }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return "zstd-compressed data: decompress it first (unzstd)" }
        if starts([0xFF, 0xFE, 0x00, 0x00]) || starts([0x00, 0x00, 0xFE, 0xFF]) { return utf32 }
        if starts([0xFF, 0xFE]) || starts([0xFE, 0xFF]) { return utf16 }
        var firstNUL: Int?
        for i in 0..<n where head[i] == 0 {
            firstNUL = i
            break
        }
        guard let nul = firstNUL else { return nil }
        // ASCII in UTF-32 is one byte and three NULs; in UTF-16 one byte and one NUL.
        if n >= 4 {
            if head[0] != 0 && head[1] == 0 && head[2] == 0 && head[3] == 0 { return utf32 }
            if head[0] == 0 && head[1] == 0 && head[2] == 0 && head[3] != 0 { return utf32 }
            if head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0 { return utf16 }
            if head[0] == 0 && head[1] != 0 && head[2] == 0 && head[3] != 0 { return utf16 }
        }
        return "binary data (a NUL byte at byte \(nul + 1)), not a text log"
    }

    static let utf16 = "UTF-16 text: convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)"
    static let utf32 = "UTF-32 text: convert it to UTF-8 (iconv -f UTF-32 -t UTF-8)"
}
