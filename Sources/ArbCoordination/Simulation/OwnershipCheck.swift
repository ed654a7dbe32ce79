/// Ownership properties measured over many random cases (shared by the tests and `solarb bench gossip-sim`).
public enum OwnershipCheck {
    public struct Agreement: Sendable {
        public var pairs = 0
        public var agreeing = 0
    }

    /// Random views (2…12 members, random priorities, random names) and random opportunities; each view is
    /// ranked as held by two nodes (two independent shuffles, duplicated entries) and the answers compared.
    public static func agreement(pairs: Int, seed: UInt64) -> Agreement {
        var rng = SplitMix64(seed: seed)
        var result = Agreement()
        var view: [Ownership.Candidate] = []
        for i in 0..<pairs {
            if i % 16 == 0 {
                let n = 2 + Int(rng.next() % 11)
                view = (0..<n).map { j in
                    Ownership.Candidate(
                        id: NodeID(unchecked: "n\(j)-\(rng.next() % 1_000_000)"),
                        priority: UInt32(1 + rng.next() % 1_000))
                }
            }
            let key = Ownership.opportunityKey((0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            var a = view
            a.shuffle(using: &rng)
            var b = view
            b.shuffle(using: &rng)
            let ownersA = Ownership.owners(ofKey: key, among: a)
            let ownersB = Ownership.owners(ofKey: key, among: b)
            result.pairs += 1
            if ownersA == ownersB, ownersA.count == view.count { result.agreeing += 1 }
        }
        return result
    }

    public struct Removal: Sendable {
        /// Opportunities whose first owner changed.
        public var moved = 0
        /// Of those, how many were not owned by the removed member (must be 0).
        public var movedOther = 0
    }

    /// Equal-priority members; remove member 0 and count how many primary owners change.
    public static func removal(members: Int, opportunities: Int, seed: UInt64) -> Removal {
        var rng = SplitMix64(seed: seed)
        let all = (0..<members).map { Ownership.Candidate(id: NodeID(unchecked: "node-\($0)"), priority: 100) }
        let remaining = Array(all.dropFirst())
        var r = Removal()
        for _ in 0..<opportunities {
            let key = rng.next()
            let before = Ownership.owners(ofKey: key, among: all)[0]
            let after = Ownership.owners(ofKey: key, among: remaining)[0]
            if before != after {
                r.moved += 1
                if before != all[0].id { r.movedOther += 1 }
            }
        }
        return r
    }
}
