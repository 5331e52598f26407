import KeytrailScan

/// `keytrail policy`: the RAM policy of what a key used in the window, an action per
/// (RAM code, EventName) of the events listings, without the actions whose latest call was
/// refused for want of permission (unless asked).
package struct PolicyAnswer: Sendable {
    /// One action the key called.
    package struct Action: Sendable, Equatable {
        /// `ecs:DescribeInstances`.
        package var name: String
        /// The RAM code (`ecs`).
        package var code: String
        /// The ServiceName it was listed under.
        package var service: String
        /// Its latest call, epoch ms.
        package var lastUsed: Int64
        /// The latest call's errorCode when it was refused for want of permission; nil otherwise.
        package var deniedBy: String?
    }

    /// The key asked about.
    package var accessKey: String
    /// The window used.
    package var window: Window
    /// Every action, sorted by name (bytes); one per name (a name listed under two services, e.g.
    /// after a service rename, keeps its latest call).
    package var actions: [Action]
    /// Whether denied actions go into the document.
    package var includesDenied: Bool
    /// The notes that go with the answer (the products' notes, and what was left out).
    package var notes: [String]

    /// The actions the document allows.
    package var allowed: [Action] { actions.filter { includesDenied || $0.deniedBy == nil } }

    /// The policy document: `{"Version":"1","Statement":[…]}`, one Allow statement of every action
    /// (or, `byService`, one per RAM code), `Resource` `*`. No action: no statement.
    package func json(byService: Bool, pretty: Bool = true) -> String {
        let allowed = allowed
        var groups: [[Action]] = []
        if byService {
            for a in allowed {
                if let i = groups.firstIndex(where: { $0[0].code == a.code }) {
                    groups[i].append(a)
                } else {
                    groups.append([a])
                }
            }
            groups.sort { LatestWins.compareBytes($0[0].code.utf8, $1[0].code.utf8) < 0 }
        } else if !allowed.isEmpty {
            groups = [allowed]
        }
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        o.string("Version", "1")
        o.beginArray("Statement")
        for group in groups {
            o.beginObject()
            o.string("Effect", "Allow")
            o.beginArray("Action")
            for a in group { o.string(nil, a.name) }
            o.endArray()
            o.string("Resource", "*")
            o.endObject()
        }
        o.endArray()
        o.endObject()
        return o.text
    }

    /// RAM's limit on a custom policy document, in characters (without whitespace).
    package static let ramLimit = 6144
}
