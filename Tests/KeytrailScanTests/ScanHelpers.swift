import KeytrailScan

/// The UTF-8 bytes of `s`.
func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Validates `bytes` as one JSON document: a value with optional whitespace around it.
///
/// The scanner validates a value and leaves what follows to the framer; this helper plays the framer's part
/// for single documents and reports text after the value as `.trailingText`.
func validateDocument(_ bytes: [UInt8]) -> Result<Int, JSONError> {
    bytes.withUnsafeBytes { validateDocument(JSONScanner($0)) }
}

func validateDocument(_ scanner: JSONScanner) -> Result<Int, JSONError> {
    do throws(JSONError) {
        let end = try scanner.skipValue(0)
        let rest = scanner.skipWhitespace(end)
        if rest != scanner.count { return .failure(JSONError(.trailingText, at: rest)) }
        return .success(end)
    } catch {
        return .failure(error)
    }
}

/// Runs `scanObject` on the object that starts at the first non-whitespace byte of `bytes`.
func scanObjectResult(_ bytes: [UInt8], depth: Int = 0) -> Result<Int, JSONError> {
    bytes.withUnsafeBytes { buf in
        let scanner = JSONScanner(buf)
        var fields = EventFields()
        return scanObjectResult(scanner, depth: depth, into: &fields)
    }
}

func scanObjectResult(_ scanner: JSONScanner, depth: Int, into fields: inout EventFields) -> Result<Int, JSONError> {
    do throws(JSONError) {
        return .success(try scanner.scanObject(scanner.skipWhitespace(0), depth: depth, into: &fields))
    } catch {
        return .failure(error)
    }
}

/// Runs `skipValue` at the first byte of `bytes` and returns the offset after the value.
func skipValueResult(_ bytes: [UInt8], depth: Int = 0) -> Result<Int, JSONError> {
    bytes.withUnsafeBytes { buf in
        do throws(JSONError) {
            return .success(try JSONScanner(buf).skipValue(0, depth: depth))
        } catch {
            return .failure(error)
        }
    }
}

/// Runs `scanString` on the quote at `start`.
func scanStringResult(_ bytes: [UInt8], at start: Int = 0) -> Result<StringReference.Token, JSONError> {
    bytes.withUnsafeBytes { buf in
        do throws(JSONError) {
            return .success(StringReference.Token(try JSONScanner(buf).scanString(start)))
        } catch {
            return .failure(error)
        }
    }
}

extension Result {
    /// The failure, or nil on success.
    var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }

    /// The success value, or nil on failure.
    var success: Success? {
        if case .success(let v) = self { return v }
        return nil
    }
}

/// The hexadecimal text of `v`, zero-padded to `width` digits.
func hex(_ v: UInt32, width: Int = 4, uppercase: Bool = false) -> String {
    let s = String(v, radix: 16, uppercase: uppercase)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}

/// The bytes as `XX XX …` for failure messages.
func hexBytes(_ bytes: [UInt8]) -> String {
    bytes.map { b in
        let s = String(b, radix: 16, uppercase: true)
        return b < 16 ? "0" + s : s
    }.joined(separator: " ")
}
