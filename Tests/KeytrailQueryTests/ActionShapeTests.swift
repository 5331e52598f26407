import Foundation
import KeytrailQuery
import KeytrailSynth
import TestSupport
import Testing

/// Every operation's body has the cloud's members and no others (spec/examples), and the
/// typed answer of each action is the one its encoder expects: no action borrows another's.
@Suite("Every action's shape")
struct ActionShapeTests {
    /// The members of each body and of its rows, as the official response examples have them.
    static func expected(_ action: APIAction) -> (top: Set<String>, list: String?, row: Set<String>) {
        switch action {
        case .products:
            return (
                ["RequestId", "Products"], "Products",
                ["UsedTimestamp", "Detail", "Source", "ServiceName", "ServiceNameCn", "ServiceNameEn"]
            )
        case .info:
            return (
                [
                    "RequestId", "AccessKeyId", "AccountId", "OwnerId", "AccountType", "UserName", "ServiceName",
                    "ServiceNameCn", "ServiceNameEn", "Source", "UsedTimestamp", "Detail",
                ], nil, []
            )
        case .events:
            return (
                ["RequestId", "NextToken", "Events"], "Events", ["Detail", "EventName", "Source", "UsedTimestamp"]
            )
        case .ips:
            return (["RequestId", "NextToken", "Ips"], "Ips", ["Detail", "Ip", "Source", "UsedTimestamp"])
        case .resources:
            return (
                ["RequestId", "NextToken", "Resources"], "Resources",
                ["Detail", "ResourceName", "ResourceType", "Source", "UsedTimestamp"]
            )
        }
    }

    @Test(arguments: APIAction.allCases)
    func bodyMembersAreTheCloudsForEveryAction(_ action: APIAction) throws {
        let f = try SiblingQueryTests.Fixture(seed: 5, events: 400, keys: 2)
        let s = try f.service()
        // A key and service with rows in every listing.
        let pairs = f.records.compactMap { r in r.accessKeyId.map { ["AccessKey": $0, "ServiceName": r.serviceName] } }
        let p = try #require(
            pairs.first { q in
                Listing.allCases.allSatisfy { l in (try? s.page(l, q).rows.isEmpty) == false }
            }
        ).merging(["PageSize": "100"]) { a, _ in a }
        let answer = try s.answer(action, p)
        switch (action, answer) {
        case (.products, .products), (.info, .info): break
        case (.events, .listing(let l)), (.ips, .listing(let l)), (.resources, .listing(let l)):
            #expect(l.listing.action == action)
            #expect(action.listing == l.listing)
        default: Issue.record("\(action) answered \(answer)")
        }
        let body = try SiblingQueryTests.json(s.answer(action, p, requestId: "R").body)
        let want = Self.expected(action)
        #expect(Set(body.keys) == want.top, "\(action)")
        if let list = want.list {
            let rows = try #require(body[list] as? [[String: Any]])
            #expect(!rows.isEmpty, "\(action): the fixture should give rows")
            for row in rows { #expect(Set(row.keys) == want.row, "\(action)") }
        }
    }

    @Test(arguments: Listing.allCases)
    func aListingsPropertiesAreItsOwn(_ listing: Listing) {
        #expect(listing.action.listing == listing)
        #expect(listing.action.rawValue == "GetAccessKeyLastUsed" + listing.listName)
        let members = Set(listing.nameFields.map(\.member))
        #expect(members.count == listing.nameFields.count)
        let others = Listing.allCases.filter { $0 != listing }.map { Set($0.nameFields.map(\.member)) }
        for o in others { #expect(members.isDisjoint(with: o), "\(listing) shares a name member") }
    }
}
