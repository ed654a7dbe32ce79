import ArbCoordination
import ArbGossip
import Testing

/// The NIO shell on loopback, in-process: join through a seed, converge, answer view requests, reject a foreign
/// key, detect a stopped member. (Timing proofs with real processes live in scripts/test.d/50-gossip.sh.)
@Suite struct GossipNodeTests {
    static let key = try! ClusterKey(bytes: (0..<32).map { UInt8($0) })

    /// Polls `condition` every 50 ms; gives up after `attempts` (a hang guard, not a timing assertion).
    static func eventually(attempts: Int = 400, _ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<attempts {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    static func allAlive(_ nodes: [GossipNode], count: Int) async throws -> Bool {
        for n in nodes {
            let view = try await n.view()
            if view.count != count || view.contains(where: { $0.status != .alive }) { return false }
        }
        return true
    }

    @Test func joinsConvergesAnswersViewsAndDetectsAStoppedMember() async throws {
        func config(_ id: String, peers: [Endpoint]) throws -> GossipNodeConfiguration {
            var c = GossipNodeConfiguration(id: try NodeID(id))
            c.bind = Endpoint(host: "127.0.0.1", port: 0)
            c.peers = peers
            return c
        }
        let a = try await GossipNode.start(configuration: try config("a", peers: []), key: Self.key)
        let seed = try #require(a.localEndpoint)
        let b = try await GossipNode.start(configuration: try config("b", peers: [seed]), key: Self.key)
        let c = try await GossipNode.start(configuration: try config("c", peers: [seed]), key: Self.key)
        let nodes = [a, b, c]
        #expect(try await Self.eventually { try await Self.allAlive(nodes, count: 3) })

        let view = try await GossipViewClient.query(target: seed, key: Self.key)
        #expect(view.responder.rawValue == "a")
        #expect(view.members.map(\.id.rawValue) == ["a", "b", "c"])

        // A request sealed with another key is dropped and counted.
        let other = try ClusterKey(bytes: [UInt8](repeating: 9, count: 32))
        await #expect(throws: (any Error).self) {
            _ = try await GossipViewClient.query(target: seed, key: other, timeoutMillis: 300)
        }
        #expect(try await a.rejects()[.badMAC, default: 0] >= 1)

        // Stop c: a and b agree it is dead.
        try await c.stop()
        #expect(
            try await Self.eventually {
                for n in [a, b] where try await n.view().first(where: { $0.id.rawValue == "c" })?.status != .dead {
                    return false
                }
                return true
            })
        try await a.stop()
        try await b.stop()
    }
}
