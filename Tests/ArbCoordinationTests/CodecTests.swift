import ArbCoordination
import Foundation
import Testing

@Suite struct CodecTests {
    static let stress = ProcessInfo.processInfo.environment["SOLARB_STRESS"] == "1"
    static let keyBytes: [UInt8] = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    static let key = try! ClusterKey(bytes: keyBytes)
    static let now: Int64 = 1_764_000_000_000

    static func header(seq: UInt64, ts: Int64 = now, sender: String = "n1") -> GossipHeader {
        GossipHeader(sender: try! NodeID(sender), incarnation: 3, priority: 100, sequence: seq, timestampMillis: ts)
    }

    static let sample = GossipMessage(
        .pingRequest(sequence: 9, target: try! NodeID("n3"), targetEndpoint: Endpoint(host: "127.0.0.1", port: 7003)),
        gossip: [
            MemberUpdate(
                member: Member(
                    id: try! NodeID("n2"), endpoint: Endpoint(host: "::1", port: 7002), incarnation: 5,
                    status: .suspect, priority: 42),
                origin: try! NodeID("n4"))
        ])

    static let allPayloads: [GossipPayload] = [
        .ping(sequence: 1), .ack(sequence: .max), .nack(sequence: 0), .sync, .viewRequest(nonce: 77),
        .viewResponse(nonce: .max), sample.payload,
    ]

    @Test func roundTripsEveryKind() throws {
        var auth = DatagramAuthenticator(key: Self.key)
        for (i, payload) in Self.allPayloads.enumerated() {
            let message = GossipMessage(payload, gossip: Self.sample.gossip)
            let h = Self.header(seq: UInt64(i + 1))
            let bytes = auth.seal(message, header: h)
            let opened = try auth.open(bytes, nowMillis: Self.now)
            #expect(opened == GossipEnvelope(header: h, message: message))
        }
        #expect(auth.totalRejected == 0)
    }

    /// Pins the wire layout: a literal datagram body, byte for byte (MAC excluded; it is checked by round trip).
    @Test func wireLayoutIsStable() {
        let auth = DatagramAuthenticator(key: Self.key)
        let bytes = auth.seal(GossipMessage(.ping(sequence: 0x0102_0304)), header: Self.header(seq: 5, ts: 6))
        let expected: [UInt8] =
            [0x53, 0x47, 1, 1, 2, 0x6E, 0x31]  // magic, version, kind ping, sender "n1"
            + [0, 0, 0, 0, 0, 0, 0, 3] + [0, 0, 0, 100]  // incarnation 3, priority 100
            + [0, 0, 0, 0, 0, 0, 0, 5] + [0, 0, 0, 0, 0, 0, 0, 6]  // sequence 5, timestamp 6
            + [1, 2, 3, 4] + [0, 0]  // ping seq, no gossip
        #expect(Array(bytes.prefix(bytes.count - 32)) == expected)
        #expect(bytes.count == expected.count + 32)
    }

    @Test func everySingleBitFlipIsRejected() {
        var auth = DatagramAuthenticator(key: Self.key)
        let bytes = auth.seal(Self.sample, header: Self.header(seq: 1))
        for i in 0..<bytes.count {
            for bit in 0..<8 {
                var t = bytes
                t[i] ^= 1 << bit
                #expect(throws: CoordinationError.self) { try auth.open(t, nowMillis: Self.now) }
            }
        }
        #expect(auth.rejects[.badMAC] == bytes.count * 8)
        #expect(auth.accepted == 0)
    }

    @Test func otherKeyIsRejected() throws {
        let other = try ClusterKey(bytes: [UInt8](repeating: 7, count: 32))
        let forged = DatagramAuthenticator(key: other).seal(Self.sample, header: Self.header(seq: 1))
        var auth = DatagramAuthenticator(key: Self.key)
        #expect(throws: CoordinationError(.badMAC, "authentication failed")) {
            try auth.open(forged, nowMillis: Self.now)
        }
    }

    @Test func replayWindow() throws {
        var auth = DatagramAuthenticator(key: Self.key)
        let seal = { (seq: UInt64) in auth.seal(Self.sample, header: Self.header(seq: seq)) }
        _ = try auth.open(seal(100), nowMillis: Self.now)
        // Exact replay.
        #expect(throws: CoordinationError(.replayed, "sequence already seen")) {
            try auth.open(seal(100), nowMillis: Self.now)
        }
        // Reordered within the window: accepted once, then a replay.
        _ = try auth.open(seal(60), nowMillis: Self.now)
        #expect(throws: CoordinationError.self) { try auth.open(seal(60), nowMillis: Self.now) }
        // Older than the window (64).
        #expect(throws: CoordinationError(.tooOld, "sequence older than the window")) {
            try auth.open(seal(36), nowMillis: Self.now)
        }
        // Jump forward, then the old highest is still remembered as seen.
        _ = try auth.open(seal(130), nowMillis: Self.now)
        #expect(throws: CoordinationError.self) { try auth.open(seal(100), nowMillis: Self.now) }
        // Per sender: another sender may use the same numbers.
        _ = try auth.open(auth.seal(Self.sample, header: Self.header(seq: 100, sender: "n2")), nowMillis: Self.now)
        #expect(auth.rejects == [.replayed: 3, .tooOld: 1])
    }

    @Test func clockSkewIsRejected() throws {
        var auth = DatagramAuthenticator(key: Self.key)
        let ok = auth.seal(Self.sample, header: Self.header(seq: 1, ts: Self.now - 5_000))
        _ = try auth.open(ok, nowMillis: Self.now)
        for (seq, ts) in [(2, Self.now - 5_001), (3, Self.now + 5_001), (4, Int64.min), (5, Int64.max)] {
            let bytes = auth.seal(Self.sample, header: Self.header(seq: UInt64(seq), ts: ts))
            #expect(throws: CoordinationError(.clockSkew, "sender clock outside the allowed skew")) {
                try auth.open(bytes, nowMillis: Self.now)
            }
        }
        #expect(auth.rejects == [.clockSkew: 4])
    }

    @Test func keyNeverAppearsInDescriptions() throws {
        let hex = Self.keyBytes.map { String(format: "%02x", $0) }.joined()
        let key = try ClusterKey(fileContents: Array((hex + "\n").utf8))
        var dumped = ""
        dump(key, to: &dumped)
        var dumpedAuth = ""
        dump(DatagramAuthenticator(key: key), to: &dumpedAuth)
        for text in [
            "\(key)", String(reflecting: key), dumped, dumpedAuth, "\(DatagramAuthenticator(key: key))",
        ] {
            #expect(!text.lowercased().contains(hex.prefix(16)))
            #expect(!text.contains("\(Self.keyBytes.prefix(4))"))
        }
        // Hex and raw forms of one key authenticate each other; the fingerprint is not the key.
        let raw = try ClusterKey(bytes: Self.keyBytes)
        #expect(key.fingerprint == raw.fingerprint)
        #expect(!hex.contains(key.fingerprint))
        var auth = DatagramAuthenticator(key: raw)
        _ = try auth.open(
            DatagramAuthenticator(key: key).seal(Self.sample, header: Self.header(seq: 1)), nowMillis: Self.now)
        #expect(throws: CoordinationError.self) { try ClusterKey(bytes: [1, 2, 3]) }
    }

    /// Random datagrams, and valid datagrams with random tampering (bit flips, truncation, extension, splices
    /// of two datagrams): every one rejected, none crashes. 10^6 with SOLARB_STRESS=1 (also `solarb bench gossip-sim`).
    @Test func fuzzedAndTamperedDatagramsAreAllRejected() {
        let count = Self.stress ? 1_000_000 : 20_000
        let result = GossipFuzz.run(count: count, seed: 0xF00D)
        print("fuzz: \(result)")
        #expect(result.accepted == 0)
        #expect(result.rejected == count)
    }
}
