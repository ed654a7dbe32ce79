import Crypto

/// Who acts on an opportunity: weighted rendezvous hashing (highest random weight; Thaler & Ravishankar 1996,
/// weighted form score = w / −ln(u) from Schindelhauer & Schomaker 2005 / Resch's "logarithmic method").
///
/// Pure and order-independent: the answer depends only on the *set* of (member, priority) pairs and the
/// opportunity bytes, so every node with the same view names the same owners in the same order. Removing a member
/// only moves the opportunities it owned (≈ its weight share); the rest keep their owner. Priority 0 never owns
/// while any member with a positive priority exists.
///
/// Arithmetic uses only IEEE basic operations (`lnApprox`), so different platforms agree bit for bit.
public enum Ownership {
    public struct Candidate: Hashable, Sendable {
        public let id: NodeID
        public var priority: UInt32
        /// `nodeKey(id)`, computed once.
        public let key: UInt64
        public init(id: NodeID, priority: UInt32) {
            self.id = id
            self.priority = priority
            self.key = Ownership.nodeKey(id)
        }
    }

    /// 64-bit key of an opportunity (hash it once, rank against many views).
    public static func opportunityKey(_ opportunity: some Collection<UInt8>) -> UInt64 {
        var h = SHA256()
        h.update(data: Array("solarb-hrw-opportunity".utf8))
        h.update(data: Array(opportunity))
        return prefix64(h.finalize())
    }

    public static func nodeKey(_ id: NodeID) -> UInt64 {
        var h = SHA256()
        h.update(data: Array("solarb-hrw-node".utf8))
        h.update(data: Array(id.rawValue.utf8))
        return prefix64(h.finalize())
    }

    /// Owners of `opportunity`, best first, among live (alive or suspect) `members`.
    public static func owners(of opportunity: some Collection<UInt8>, among members: [Member]) -> [NodeID] {
        owners(
            ofKey: opportunityKey(opportunity),
            among: members.filter { $0.status != .dead }.map { Candidate(id: $0.id, priority: $0.priority) })
    }

    /// Owners of an opportunity key, best first. Duplicate ids keep their first occurrence's priority.
    public static func owners(ofKey key: UInt64, among candidates: [Candidate]) -> [NodeID] {
        var seen = Set<NodeID>()
        var scored: [(score: Double, id: NodeID)] = []
        scored.reserveCapacity(candidates.count)
        for c in candidates where seen.insert(c.id).inserted {
            scored.append((score(key: key, node: c.key, priority: c.priority), c.id))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        return scored.map(\.id)
    }

    /// w / −ln(u) with u uniform in (0, 1) from a 64-bit mix of the two keys.
    static func score(key: UInt64, node: UInt64, priority: UInt32) -> Double {
        guard priority > 0 else { return 0 }
        let h = fmix64(key ^ fmix64(node))
        let u = (Double(h >> 11) + 0.5) * 0x1.0p-53
        return Double(priority) / -lnApprox(u)
    }

    /// MurmurHash3's 64-bit finalizer (Appleby; constants from the reference smhasher source).
    static func fmix64(_ x: UInt64) -> UInt64 {
        var k = x
        k ^= k >> 33
        k &*= 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k &*= 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }

    private static func prefix64(_ digest: SHA256.Digest) -> UInt64 {
        digest.withUnsafeBytes { raw in raw.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
    }
}
