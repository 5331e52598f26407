/// Compact JSON writing for generated events (values here never need more than quote escaping).
struct JSONBytes {
    var bytes: [UInt8] = []
    var first = [true]

    mutating func comma() {
        if !first[first.count - 1] { bytes.append(0x2C) }
        first[first.count - 1] = false
    }

    mutating func open() {
        bytes.append(0x7B)
        first.append(true)
    }

    mutating func close() {
        bytes.append(0x7D)
        first.removeLast()
    }

    mutating func key(_ k: String) {
        comma()
        quoted(k)
        bytes.append(0x3A)
    }

    mutating func field(_ k: String, _ v: String) {
        key(k)
        quoted(v)
    }

    mutating func raw(_ k: String, _ v: String) {
        key(k)
        bytes.append(contentsOf: v.utf8)
    }

    mutating func quoted(_ s: String) {
        bytes.append(0x22)
        for b in s.utf8 {
            if b == 0x22 || b == 0x5C { bytes.append(0x5C) }
            bytes.append(b)
        }
        bytes.append(0x22)
    }
}
