/// When and how files are framed in windows instead of whole.
struct Streaming: Sendable {
    /// Files larger than this are streamed.
    var above: Int
    /// Bytes per read.
    var chunk: Int
}
