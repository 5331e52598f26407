/// One answer, encoded as the cloud would send it.
package struct APIResult: Sendable {
    /// The HTTP status (200, or the error's).
    package var status: Int
    /// The response body as UTF-8 bytes: what the server sends, as the encoder wrote it (its
    /// first part when `bodyTail` is not empty).
    package var bodyBytes: [UInt8]
    /// The rest of the body, sent after `bodyBytes` as it is: a kept answer's (`AnswerCache`),
    /// shared, not copied. Empty for every answer computed.
    package var bodyTail: ArraySlice<UInt8> = []

    /// The whole body.
    package var wholeBody: [UInt8] { bodyTail.isEmpty ? bodyBytes : bodyBytes + bodyTail }
    /// The error code; nil for an answer.
    package var code: String?
    /// For the terminal (stderr): the error's detail, or notes that go with an answer.
    package var notes: [String]

    /// The response body: the answer, or the error body.
    package var body: String {
        get { String(decoding: wholeBody, as: UTF8.self) }
        set {
            bodyBytes = Array(newValue.utf8)
            bodyTail = []
        }
    }

    /// An answer or an error as it will be sent.
    package init(status: Int, body: String, code: String?, notes: [String]) {
        self.init(status: status, bodyBytes: Array(body.utf8), code: code, notes: notes)
    }

    /// An answer or an error as it will be sent, its body already UTF-8.
    package init(status: Int, bodyBytes: [UInt8], code: String?, notes: [String]) {
        self.status = status
        self.bodyBytes = bodyBytes
        self.code = code
        self.notes = notes
    }

    /// `answer` encoded with `requestId`.
    package init(_ answer: Answer, requestId: String) {
        self.init(
            status: 200, bodyBytes: answer.jsonBytes(requestId: requestId, pretty: true), code: nil,
            notes: answer.notes)
    }

    /// `error` answered with `requestId`.
    package init(_ error: APIError, requestId: String) {
        self.init(
            status: error.httpStatus, body: error.body(requestId: requestId, pretty: true), code: error.code,
            notes: [error.detail])
    }
}
