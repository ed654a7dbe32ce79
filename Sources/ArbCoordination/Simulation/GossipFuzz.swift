/// Datagram fuzzing shared by the tests and `solarb bench gossip-sim`: random bytes, and valid datagrams with
/// random tampering. A correct authenticator rejects all of them.
public enum GossipFuzz {
    public struct Result: Sendable, CustomStringConvertible {
        public var accepted = 0
        public var rejected = 0
        public var byReason: [CoordinationError.Code: Int] = [:]
        public init() {}

        public var description: String {
            let reasons = byReason.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "accepted=\(accepted) rejected=\(rejected) [\(reasons)]"
        }
    }

    public static func run(count: Int, seed: UInt64) -> Result {
        var rng = SplitMix64(seed: seed)
        var keyBytes: [UInt8] = []
        for _ in 0..<32 { keyBytes.append(UInt8.random(in: 0...255, using: &rng)) }
        // Force-unwrap is fine: 32 bytes always make a valid key.
        let key = try! ClusterKey(bytes: keyBytes)
        var auth = DatagramAuthenticator(key: key)
        let now: Int64 = 1_764_000_000_000
        let sender = NodeID(unchecked: "fuzz-sender")
        var result = Result()
        // A pool of genuine datagrams to tamper with and replay.
        var genuine: [[UInt8]] = []
        for i in 0..<64 {
            let member = Member(
                id: NodeID(unchecked: "m\(i)"), endpoint: Endpoint(host: "10.0.0.\(i)", port: 7000), incarnation: 1,
                status: .alive, priority: 100)
            let message = GossipMessage(
                i % 2 == 0 ? .ping(sequence: UInt32(i)) : .ack(sequence: UInt32(i)),
                gossip: Array(repeating: MemberUpdate(member: member, origin: sender), count: i % 5))
            genuine.append(
                auth.seal(
                    message,
                    header: GossipHeader(
                        sender: sender, incarnation: 1, priority: 1, sequence: UInt64(i), timestampMillis: now)))
        }
        // Each genuine datagram is delivered once (accepted); from then on, sending it again is a replay.
        for g in genuine { _ = try? auth.open(g, nowMillis: now) }
        for i in 0..<count {
            var d: [UInt8]
            switch i % 5 {
            case 0:  // random bytes, random length
                let n = Int(rng.next() % 1_500)
                d = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            case 1:  // random body with the right magic and version
                let n = 36 + Int(rng.next() % 400)
                d = [0x53, 0x47, 1] + (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            case 2:  // genuine with 1–4 bit flips
                let original = genuine[Int(rng.next() % 64)]
                d = original
                for _ in 0...(rng.next() % 4) {
                    let at = Int(rng.next() % UInt64(d.count))
                    d[at] ^= 1 << UInt8(rng.next() % 8)
                }
                if d == original { d[0] ^= 1 }  // two flips cancelled out
            case 3:  // genuine truncated or extended
                d = genuine[Int(rng.next() % 64)]
                if rng.next() % 2 == 0 {
                    d.removeLast(1 + Int(rng.next() % UInt64(d.count)))
                } else {
                    d += (0...(rng.next() % 8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                }
            default:  // a genuine datagram replayed verbatim, or a splice of two genuine datagrams
                let a = genuine[Int(rng.next() % 64)]
                let b = genuine[Int(rng.next() % 64)]
                if rng.next() % 2 == 0 {
                    d = a
                } else {
                    let cut = Int(rng.next() % UInt64(min(a.count, b.count)))
                    d = Array(a.prefix(cut) + b.suffix(b.count - cut))
                }
            }
            do {
                _ = try auth.open(d, nowMillis: now)
                result.accepted += 1
            } catch {
                result.rejected += 1
                result.byReason[error.code, default: 0] += 1
            }
        }
        return result
    }
}

extension GossipFuzz {
    /// `count` genuine datagrams (a ping with 4 piggybacked updates, fresh sequence numbers) for throughput
    /// measurements.
    public static func sealedBatch(count: Int, key: ClusterKey, nowMillis: Int64) -> [[UInt8]] {
        let auth = DatagramAuthenticator(key: key)
        let sender = NodeID(unchecked: "bench-sender")
        let updates = (0..<4).map { i in
            MemberUpdate(
                member: Member(
                    id: NodeID(unchecked: "node-\(i)"), endpoint: Endpoint(host: "10.0.0.\(i)", port: 7946),
                    incarnation: 3, status: .alive, priority: 100),
                origin: sender)
        }
        return (0..<count).map { i in
            auth.seal(
                GossipMessage(.ping(sequence: UInt32(truncatingIfNeeded: i)), gossip: updates),
                header: GossipHeader(
                    sender: sender, incarnation: 1, priority: 100, sequence: UInt64(i) + 1, timestampMillis: nowMillis))
        }
    }

    /// The reference for the bench ratio: bare HMAC-SHA256 verification of each datagram (the least any
    /// authenticated codec must do). Returns how many verified.
    public static func verifyOnly(_ batch: [[UInt8]], key: ClusterKey) -> Int {
        var ok = 0
        for d in batch where key.verify(mac: d[(d.count - 32)...], body: d[..<(d.count - 32)]) { ok += 1 }
        return ok
    }
}
