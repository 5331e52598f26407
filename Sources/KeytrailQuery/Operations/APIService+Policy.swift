import KeytrailScan
import KeytrailStore

extension APIService {
    /// The least-privilege policy of `key`: every EventName the events listings hold for its
    /// services in the window, as `<RAM code>:<EventName>` (the code from the latest call's
    /// `eventSource`); actions whose latest call was refused for want of permission are left out
    /// (listed in the notes) unless `includeDenied`.
    package func policy(key: String, includeDenied: Bool) throws(QueryError) -> PolicyAnswer {
        // The services are what is needed of the products: their Details are not inflated.
        let products = try self.products.answer(
            key: try Self.accessKey(["AccessKey": key]), window: try window(), asked: asked, details: false)
        var latest: [String: PolicyAnswer.Action] = [:]
        for product in products.products {
            let events = try allPages(.events, ["AccessKey": key, "ServiceName": product.serviceName])
            for row in events.rows {
                let call = EventCall(detail: row.detail)
                let code = RAMCode.of(eventSource: call.eventSource, serviceName: product.serviceName)
                let action = PolicyAnswer.Action(
                    name: "\(code):\(row.name)", code: code, service: product.serviceName,
                    lastUsed: row.timestamp, deniedBy: call.isDenied ? call.errorCode : nil)
                if let seen = latest[action.name], seen.lastUsed >= action.lastUsed { continue }
                latest[action.name] = action
            }
        }
        let actions = latest.values.sorted { LatestWins.compareBytes($0.name.utf8, $1.name.utf8) < 0 }
        var notes = products.notes
        for a in actions {
            guard let code = a.deniedBy else { continue }
            let time = Timestamp.format(a.lastUsed, millis: false)
            notes.append(
                includeDenied
                    ? "\(a.name) is kept although its latest call (\(time)) was refused: \(code)"
                    : "\(a.name) left out: its latest call (\(time)) was refused (\(code)); --include-denied keeps it")
        }
        return PolicyAnswer(
            accessKey: key, window: products.window, actions: actions, includesDenied: includeDenied, notes: notes)
    }
}
