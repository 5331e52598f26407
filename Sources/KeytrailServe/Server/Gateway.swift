import KeytrailPOSIX
package import KeytrailQuery

/// Turns one HTTP request into a response: parameters, action and version, authentication, then
/// the answer from the index through the command line's code (`APIService`).
package struct Gateway: Sendable {
    /// The API version served.
    package static let version = "2020-07-06"

    /// nil with `--no-auth`.
    package var authenticator: Authenticator?
    /// The wall clock in epoch ms (the date check).
    package var now: @Sendable () -> Int64

    /// A gateway verifying with `authenticator` (nil: no checks).
    package init(authenticator: Authenticator?, now: @escaping @Sendable () -> Int64 = { Clock.wallMillis() }) {
        self.authenticator = authenticator
        self.now = now
    }

    /// What a request came to, for the response and the access log.
    package struct Outcome: Sendable {
        /// The response to send.
        package var response: HTTPResponse
        /// The verified caller (or, unverified, the claimed one; nil when none).
        package var caller: String?
        /// The action asked, when known.
        package var action: String?
        /// The `AccessKey` parameter (the key asked about), when the parameters could be read.
        package var accessKey: String?
        /// Notes from the answer (stderr with the log).
        package var notes: [String] = []
    }

    /// The path of the health check: `GET /healthz` is `200 ok`, without authentication.
    package static let healthPath = "/healthz"

    /// The response to `request`, named `requestId`; `answer` is the worker's `APIService.answer`.
    package func handle(
        _ request: HTTPRequest, requestId: String = RequestID.make(),
        answer: (APIAction, [String: String], String) -> APIResult
    ) -> Outcome {
        var accessKey: String?
        func fail(_ e: APIError, caller: String? = nil, action: String? = nil) -> Outcome {
            Outcome(
                response: HTTPResponse(
                    status: e.httpStatus, body: e.body(requestId: requestId, pretty: true), requestId: requestId,
                    code: e.code, close: !request.keepAlive),
                caller: caller, action: action, accessKey: accessKey)
        }
        if request.method == "GET" && request.path == Self.healthPath {
            // Answered by an event loop, so `ok` also says the loops take requests; the index is not read.
            return Outcome(
                response: HTTPResponse(
                    status: 200, body: "ok\n", requestId: requestId, close: !request.keepAlive,
                    contentType: "text/plain; charset=utf-8"),
                caller: nil, action: Self.healthPath)
        }
        guard request.method == "GET" || request.method == "POST" else {
            return fail(.unsupportedMethod(request.method))
        }
        // Parameters: the query string and a form body (the SDK puts all in the query).
        let query: [String: String]
        let parameters: [String: String]
        do throws(QueryString.Failure) {
            let q = try QueryString.parse(ArraySlice(request.query.utf8))
            query = try QueryString.merge([q])
            var parts = [q]
            if !request.body.isEmpty,
                request.header("content-type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
            {
                parts.append(try QueryString.parse(request.body[...]))
            }
            parameters = try QueryString.merge(parts)
            accessKey = parameters["AccessKey"]
        } catch {
            switch error {
            case .badEncoding: return fail(.invalidQueryParameter("a parameter is not valid percent-encoded UTF-8"))
            case .duplicate(let name): return fail(.invalidQueryParameter("parameter \(name) is given twice"))
            }
        }
        let style = Authenticator.Style(request, parameters)
        let claimed = Authenticator.claimedCaller(request, parameters)
        // V2 signs the Action and Version parameters, V3 the x-acs-* headers: read the signed one first.
        let actionName: String?
        let version: String?
        if case .v2 = style {
            actionName = parameters["Action"] ?? request.header("x-acs-action")
            version = parameters["Version"] ?? request.header("x-acs-version")
        } else {
            actionName = request.header("x-acs-action") ?? parameters["Action"]
            version = request.header("x-acs-version") ?? parameters["Version"]
        }
        guard request.path == "/", let actionName, let action = APIAction(rawValue: actionName) else {
            let what = request.path != "/" ? "path \(request.path)" : "action \(actionName ?? "(none)")"
            return fail(.unknownApi("unknown \(what)"), caller: claimed, action: actionName)
        }
        guard version == Self.version else {
            return fail(
                .unknownApi("version \(version ?? "(none)") is not \(Self.version)"), caller: claimed,
                action: actionName)
        }
        var caller = claimed
        if let authenticator {
            switch authenticator.verify(request, query: query, parameters: parameters, now: now()) {
            case .success(let c): caller = c
            case .failure(let e): return fail(e, caller: claimed, action: actionName)
            }
        }
        let result = answer(action, parameters, requestId)
        var response = HTTPResponse(
            status: result.status, bodyBytes: result.bodyBytes, requestId: requestId, code: result.code,
            close: !request.keepAlive)
        response.bodyTail = result.bodyTail
        return Outcome(
            response: response, caller: caller, action: actionName, accessKey: accessKey, notes: result.notes)
    }
}
