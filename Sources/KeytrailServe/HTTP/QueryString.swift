/// `name=value&…` as in a query string or an `application/x-www-form-urlencoded` body.
package enum QueryString {
    /// Why a query string was refused.
    package enum Failure: Error, Equatable {
        /// A broken `%` escape or a name or value that is not UTF-8.
        case badEncoding
        /// One name given twice (the signature and the answer could read different values).
        case duplicate(String)
    }

    /// The parameters of `bytes`, in order; empty pieces are skipped, a piece without `=` has the
    /// value "". Each name at most once, here and across all the parts given to `merge`.
    package static func parse(_ bytes: ArraySlice<UInt8>) throws(Failure) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        for piece in bytes.split(separator: 0x26, omittingEmptySubsequences: true) {
            let eq = piece.firstIndex(of: 0x3D)
            let rawName = eq.map { piece[piece.startIndex..<$0] } ?? piece
            let rawValue = eq.map { piece[($0 + 1)...] } ?? []
            guard let name = PercentEncoding.decode(rawName), let value = PercentEncoding.decode(rawValue) else {
                throw .badEncoding
            }
            out.append((name, value))
        }
        return out
    }

    /// The parameters of several parts as one dictionary; a repeated name is refused.
    package static func merge(_ parts: [[(name: String, value: String)]]) throws(Failure) -> [String: String] {
        var out: [String: String] = [:]
        for part in parts {
            for (name, value) in part {
                guard out.updateValue(value, forKey: name) == nil else { throw .duplicate(name) }
            }
        }
        return out
    }

    /// The canonical form both signatures sign: names sorted by their encoded bytes, each
    /// `encode(name)=encode(value)`, joined by `&`.
    package static func canonical(_ parameters: [String: String]) -> String {
        let encoded = parameters.map { (PercentEncoding.encode($0.key), PercentEncoding.encode($0.value)) }
        return encoded.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }
}
