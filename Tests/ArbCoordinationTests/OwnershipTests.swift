import ArbCoordination
import Foundation
import Testing

@Suite struct OwnershipTests {
    static let stress = ProcessInfo.processInfo.environment["SOLARB_STRESS"] == "1"

    static func candidates(_ n: Int, priority: (Int) -> UInt32 = { _ in 100 }) -> [Ownership.Candidate] {
        (0..<n).map { Ownership.Candidate(id: try! NodeID("node-\($0)"), priority: priority($0)) }
    }

    /// Pinned answers: any change to hashing or arithmetic (or a platform that computes differently) fails here.
    @Test func goldenVectors() throws {
        let view = Self.candidates(5)
        let got = (0..<4).map { i in
            Ownership.owners(ofKey: Ownership.opportunityKey(Array("opp-\(i)".utf8)), among: view).map(\.rawValue)
        }
        #expect(Ownership.opportunityKey(Array("opp-0".utf8)) == Self.goldenKey0)
        #expect(got == Self.golden)
    }

    /// Computed independently in Python (hashlib.sha256, math.log; the script is in docs/gossip.md).
    static let goldenKey0: UInt64 = 11_774_861_447_435_820_136
    static let golden: [[String]] = [
        ["node-3", "node-4", "node-1", "node-0", "node-2"],
        ["node-4", "node-2", "node-0", "node-3", "node-1"],
        ["node-0", "node-3", "node-2", "node-4", "node-1"],
        ["node-0", "node-2", "node-3", "node-1", "node-4"],
    ]

    /// Identical views (as sets) give identical ordered owner lists, whatever order each node holds them in.
    /// 10^6 random (view, opportunity) pairs with SOLARB_STRESS=1 (also `solarb bench gossip-sim`).
    @Test func identicalViewsAgree() {
        let pairs = Self.stress ? 1_000_000 : 20_000
        let r = OwnershipCheck.agreement(pairs: pairs, seed: 42)
        print("ownership agreement: \(r.agreeing)/\(r.pairs)")
        #expect(r.agreeing == r.pairs)
        #expect(r.pairs == pairs)
    }

    /// Removing one of five equal members moves exactly the opportunities it owned (≈20 %), nothing else.
    @Test func removingOneOfFiveMovesOnlyItsShare() {
        let opportunities = Self.stress ? 1_000_000 : 50_000
        let r = OwnershipCheck.removal(members: 5, opportunities: opportunities, seed: 7)
        print("removal: moved \(r.moved)/\(opportunities), of which not owned by the removed member: \(r.movedOther)")
        #expect(r.movedOther == 0)
        let share = Double(r.moved) / Double(opportunities)
        #expect(abs(share - 0.2) < 0.01)
    }

    @Test func prioritiesSetTheShare() {
        // Weights 1:2:3:4 → shares 10/20/30/40 %.
        let view = Self.candidates(4) { UInt32(($0 + 1) * 50) }
        var wins = [NodeID: Int]()
        let n = 40_000
        var rng = SplitMix64(seed: 3)
        for _ in 0..<n { wins[Ownership.owners(ofKey: rng.next(), among: view)[0], default: 0] += 1 }
        for (i, c) in view.enumerated() {
            let share = Double(wins[c.id, default: 0]) / Double(n)
            #expect(abs(share - Double(i + 1) / 10) < 0.015, "node \(i) share \(share)")
        }
        // Priority 0 never owns while anyone else can.
        var zero = Self.candidates(3)
        zero[1].priority = 0
        for _ in 0..<1_000 { #expect(Ownership.owners(ofKey: rng.next(), among: zero).first != zero[1].id) }
    }

    @Test func deadMembersNeverOwnAndEveryLiveMemberIsListed() {
        let statuses: [MemberStatus] = [.alive, .alive, .dead, .suspect, .alive]
        var members: [Member] = []
        for (i, status) in statuses.enumerated() {
            let endpoint = Endpoint(host: "127.0.0.1", port: UInt16(7000 + i))
            members.append(
                Member(id: try! NodeID("m\(i)"), endpoint: endpoint, incarnation: 1, status: status, priority: 100))
        }
        let owners = Ownership.owners(of: Array("x".utf8), among: members)
        #expect(Set(owners) == Set(members.filter { $0.status != MemberStatus.dead }.map { $0.id }))
        #expect(owners.count == 4)
    }
}
