package import KeytrailStore

/// Why a query got no answer: the one error type of KeytrailQuery.
package enum QueryError: Error, Sendable, CustomStringConvertible {
    /// A parameter the cloud refuses: answered with the error body (exit 1).
    case api(APIError)
    /// The as-of time is before an event the index holds for the key (HTTP 409, exit 2).
    case asOfRefused(AsOfRefusal)
    /// The index could not answer (a missing table, a corrupt Detail, a products-only index)
    /// (HTTP 500, exit 2).
    case index(IndexError)
    /// A line of a user's file (a catalog, an inventory) that cannot be read: its 1-based number
    /// and what was wrong (the caller names the file).
    case malformedLine(line: Int, message: String)

    /// The message for `keytrail: error:`.
    package var description: String {
        switch self {
        case .api(let e): return "\(e.code): \(e.detail)"
        case .asOfRefused(let r): return r.description
        case .index(let e): return e.description
        case .malformedLine(let line, let message): return "line \(line): \(message)"
        }
    }

    /// The error as the cloud's error body would carry it.
    package var apiError: APIError {
        switch self {
        case .api(let e): return e
        case .asOfRefused(let r):
            return APIError(
                code: "AsOfBeforeIndexedEvents", message: r.description, httpStatus: 409, detail: r.description)
        case .index, .malformedLine:
            return APIError(
                code: "InternalError", message: "The request processing has failed due to some unknown error.",
                httpStatus: 500, detail: description)
        }
    }

    /// Runs an index read, turning its failure into `.index`.
    static func reading<T>(_ body: @autoclosure () throws(IndexError) -> T) throws(QueryError) -> T {
        do throws(IndexError) {
            return try body()
        } catch {
            throw .index(error)
        }
    }
}
