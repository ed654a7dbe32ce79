import ArbCoordination
import Testing

/// The instance driven event by event with a virtual clock.
@Suite struct SWIMInstanceTests {
    static func id(_ s: String) -> NodeID { try! NodeID(s) }
    static func ep(_ s: String) -> Endpoint { Endpoint(host: "10.0.0.\(s.utf8.first! - 96)", port: 7000) }

    static func envelope(
        _ sender: String, inc: UInt64 = 0, _ payload: GossipPayload, gossip: [MemberUpdate] = []
    ) -> GossipEnvelope {
        GossipEnvelope(
            header: GossipHeader(sender: id(sender), incarnation: inc, priority: 100, sequence: 1, timestampMillis: 0),
            message: GossipMessage(payload, gossip: gossip))
    }

    static func update(_ s: String, _ status: MemberStatus, inc: UInt64, by origin: String) -> MemberUpdate {
        MemberUpdate(
            member: Member(id: id(s), endpoint: ep(s), incarnation: inc, status: status, priority: 100),
            origin: id(origin))
    }

    /// A test harness: the instance plus its requested wake-up.
    struct Harness {
        var node: SWIMInstance
        var now: Int64 = 0
        var wake: Int64 = .max
        var log: [SWIMInstance.Directive] = []
        /// Peers that answer our pings at once (the others stay silent).
        var autoAck: Set<String>

        init(peers: [String], configuration: SWIMConfiguration = .init(), autoAck: Bool = false) {
            self.autoAck = autoAck ? Set(peers) : []
            node = SWIMInstance(
                id: SWIMInstanceTests.id("a"), endpoint: SWIMInstanceTests.ep("a"), configuration: configuration,
                seed: 1, nowMillis: 0)
            record(node.start(nowMillis: 0))
            for p in peers { receive(SWIMInstanceTests.envelope(p, .sync), from: p) }
            log.removeAll()
        }

        mutating func record(_ ds: [SWIMInstance.Directive]) {
            var answers: [(UInt32, String)] = []
            for d in ds {
                if case .wake(let at) = d { wake = at } else { log.append(d) }
                if case .send(let m, let to) = d, case .ping(let seq) = m.payload,
                    let peer = autoAck.first(where: { SWIMInstanceTests.ep($0) == to })
                {
                    answers.append((seq, peer))
                }
            }
            for (seq, peer) in answers { receive(SWIMInstanceTests.envelope(peer, .ack(sequence: seq)), from: peer) }
        }

        mutating func receive(_ e: GossipEnvelope, from: String) {
            record(node.handle(.received(e, from: SWIMInstanceTests.ep(from)), nowMillis: now))
        }

        /// Delivers every tick due up to `t`.
        mutating func advance(to t: Int64) {
            while wake <= t {
                now = max(now, wake)
                wake = .max
                record(node.handle(.tick, nowMillis: now))
            }
            now = t
        }

        /// Takes the sends logged so far.
        mutating func sends() -> [(GossipMessage, Endpoint)] {
            defer { log.removeAll() }
            return log.compactMap { if case .send(let m, let to) = $0 { (m, to) } else { nil } }
        }

        var changes: [SWIMInstance.MemberChange] {
            log.compactMap { if case .memberChanged(let c) = $0 { c } else { nil } }
        }
    }

    @Test func answersPingWithAckAndLearnsTheSender() {
        var h = Harness(peers: [])
        h.receive(Self.envelope("b", inc: 4, .ping(sequence: 77)), from: "b")
        #expect(h.changes.map(\.member.id) == [Self.id("b")])
        let sends = h.sends()
        #expect(sends.contains { $0.0.payload == .ack(sequence: 77) && $0.1 == Self.ep("b") })
        // A joiner gets our full table.
        #expect(sends.contains { $0.0.payload == .sync && $0.1 == Self.ep("b") })
        #expect(h.node.member(Self.id("b"))?.incarnation == 4)
    }

    @Test func failedProbeGoesIndirectThenSuspectsAndRaisesLocalHealth() {
        var h = Harness(peers: ["b", "c", "d"])
        // Run until the first probe goes out.
        var ping: (UInt32, Endpoint)?
        while ping == nil {
            h.advance(to: h.wake)
            for (m, to) in h.sends() { if case .ping(let s) = m.payload { ping = (s, to) } }
        }
        let probeStart = h.now
        let (seq, target) = ping!
        // Probe timeout: k = 3 indirect requests, but only the two other members can help.
        h.advance(to: probeStart + 100)
        let requests = h.sends().filter { if case .pingRequest(let s, _, _) = $0.0.payload { s == seq } else { false } }
        #expect(requests.count == 2)
        #expect(!requests.contains { $0.1 == target })
        // Period end without ack or nack: suspect, and LHM += 2 (two missing nacks).
        h.advance(to: probeStart + 200)
        let suspected = h.changes.filter { $0.member.status == .suspect }
        #expect(suspected.count == 1)
        #expect(suspected.first?.member.endpoint == target)
        #expect(h.node.localHealth == 2)
    }

    @Test func nacksFromHelpersMeanTheTargetFailedNotUs() {
        var h = Harness(peers: ["b", "c", "d"])
        var seq: UInt32?
        while seq == nil {
            h.advance(to: h.wake)
            for (m, _) in h.sends() { if case .ping(let s) = m.payload { seq = s } }
        }
        let start = h.now
        h.advance(to: start + 100)
        let helpers = h.sends().compactMap { m, to -> Endpoint? in
            if case .pingRequest = m.payload { to } else { nil }
        }
        for helper in helpers {
            let name = String(UnicodeScalar(UInt8(helper.host.split(separator: ".").last.map { Int($0)! }! + 96)))
            h.receive(Self.envelope(name, .nack(sequence: seq!)), from: name)
        }
        h.advance(to: start + 200)
        #expect(h.node.localHealth == 0)
        #expect(h.changes.contains { $0.member.status == .suspect })
    }

    @Test func ackKeepsTargetAliveAndLowersLocalHealth() {
        var h = Harness(peers: ["b", "c"])
        h.autoAck = ["b", "c"]
        // Make LHM 1 by a refuted suspicion of ourselves.
        h.receive(
            Self.envelope("b", .ack(sequence: 0), gossip: [Self.update("a", .suspect, inc: 0, by: "b")]), from: "b")
        #expect(h.node.localHealth == 1)
        #expect(h.node.incarnation == 1)
        _ = h.sends()
        var probe: (UInt32, Endpoint)?
        while probe == nil {  // the first probe is answered at once by the auto-ack
            h.advance(to: h.wake)
            for (m, to) in h.sends() { if case .ping(let s) = m.payload { probe = (s, to) } }
        }
        #expect(h.node.localHealth == 0)
        h.advance(to: h.now + 1_000)
        #expect(!h.changes.contains { $0.member.status != .alive })
    }

    @Test func refutesSuspicionWithHigherIncarnationAndGossipsIt() {
        var h = Harness(peers: ["b"])
        h.receive(
            Self.envelope("b", .ping(sequence: 1), gossip: [Self.update("a", .suspect, inc: 0, by: "c")]), from: "b")
        #expect(h.node.incarnation == 1)
        // The ack already carries the refutation.
        let ack = h.sends().first { $0.0.payload == .ack(sequence: 1) }
        #expect(ack?.0.gossip.contains { $0.member.id == Self.id("a") && $0.member.incarnation == 1 } == true)
        // A stale suspicion (lower incarnation) is ignored; a dead rumour at our incarnation is refuted too.
        h.receive(
            Self.envelope("b", .ack(sequence: 9), gossip: [Self.update("a", .suspect, inc: 0, by: "c")]), from: "b")
        #expect(h.node.incarnation == 1)
        h.receive(Self.envelope("b", .ack(sequence: 9), gossip: [Self.update("a", .dead, inc: 1, by: "c")]), from: "b")
        #expect(h.node.incarnation == 2)
    }

    @Test func incarnationOrderingRules() {
        var h = Harness(peers: ["b", "c"])
        let b = Self.id("b")
        func apply(_ u: MemberUpdate) { h.receive(Self.envelope("c", .sync, gossip: [u]), from: "c") }
        apply(Self.update("b", .suspect, inc: 0, by: "c"))
        #expect(h.node.member(b)?.status == .suspect)
        apply(Self.update("b", .alive, inc: 0, by: "b"))  // same incarnation: does not refute
        #expect(h.node.member(b)?.status == .suspect)
        apply(Self.update("b", .alive, inc: 1, by: "b"))  // higher: refutes
        #expect(h.node.member(b)?.status == .alive)
        apply(Self.update("b", .dead, inc: 1, by: "c"))
        #expect(h.node.member(b)?.status == .dead)
        apply(Self.update("b", .suspect, inc: 1, by: "c"))  // dead beats suspect at equal incarnation
        #expect(h.node.member(b)?.status == .dead)
        apply(Self.update("b", .alive, inc: 1, by: "b"))
        #expect(h.node.member(b)?.status == .dead)
        h.receive(Self.envelope("b", inc: 2, .ping(sequence: 5)), from: "b")  // a live claim with a higher incarnation
        #expect(h.node.member(b)?.status == .alive)
        #expect(h.node.member(b)?.incarnation == 2)
        // Strangers are never learned as dead.
        apply(Self.update("z", .dead, inc: 0, by: "c"))
        #expect(h.node.member(Self.id("z")) == nil)
    }

    /// Lifeguard: the suspicion timeout starts at β·min and falls to min after k independent confirmations.
    @Test func suspicionTimeoutShrinksWithConfirmations() {
        // n = 4 (a, b, c, d): min = α·T = 800 ms, max = β·min = 2400 ms, k = α − 2 = 2.
        for (confirmers, expected) in [([String](), Int64(2_400)), (["c"], 1_390), (["c", "d"], 800)] {
            var h = Harness(peers: ["b", "c", "d"], autoAck: true)
            h.advance(to: 1_000)
            _ = h.sends()
            let t0 = h.now
            h.receive(Self.envelope("c", .sync, gossip: [Self.update("b", .suspect, inc: 0, by: "x")]), from: "c")
            for c in confirmers {
                h.receive(Self.envelope(c, .sync, gossip: [Self.update("b", .suspect, inc: 0, by: c)]), from: c)
            }
            // b answers our probes, but an ack does not refute a suspicion; only a higher incarnation does.
            h.advance(to: t0 + expected - 1)
            #expect(h.node.member(Self.id("b"))?.status == .suspect, "confirmations \(confirmers)")
            h.advance(to: t0 + expected)
            #expect(h.node.member(Self.id("b"))?.status == .dead, "confirmations \(confirmers)")
        }
    }

    @Test func classicSWIMUsesAFixedTimeout() {
        var config = SWIMConfiguration()
        config.lifeguard = false
        var h = Harness(peers: ["b", "c", "d"], configuration: config, autoAck: true)
        h.advance(to: 1_000)
        h.receive(Self.envelope("c", .sync, gossip: [Self.update("b", .suspect, inc: 0, by: "x")]), from: "c")
        h.advance(to: 1_799)
        #expect(h.node.member(Self.id("b"))?.status == .suspect)
        h.advance(to: 1_800)
        #expect(h.node.member(Self.id("b"))?.status == .dead)
    }

    @Test func relaysIndirectProbeAndNacksOnTimeout() {
        var h = Harness(peers: ["b", "c"])
        h.receive(
            Self.envelope("b", .pingRequest(sequence: 50, target: Self.id("c"), targetEndpoint: Self.ep("c"))),
            from: "b")
        let relayed = h.sends().first { $0.1 == Self.ep("c") }
        guard case .ping(let relaySeq)? = relayed?.0.payload else {
            Issue.record("no relayed ping")
            return
        }
        // First request answered: ack forwarded with the requester's sequence.
        h.receive(Self.envelope("c", .ack(sequence: relaySeq)), from: "c")
        #expect(h.sends().contains { $0.0.payload == .ack(sequence: 50) && $0.1 == Self.ep("b") })
        // Second request unanswered: nack after the probe timeout.
        h.receive(
            Self.envelope("b", .pingRequest(sequence: 51, target: Self.id("c"), targetEndpoint: Self.ep("c"))),
            from: "b")
        h.advance(to: h.now + 100)
        #expect(h.sends().contains { $0.0.payload == .nack(sequence: 51) && $0.1 == Self.ep("b") })
    }

    @Test func messagesFromADeadMemberTellItToRefute() {
        var h = Harness(peers: ["b", "c"])
        h.receive(Self.envelope("c", .sync, gossip: [Self.update("b", .dead, inc: 0, by: "c")]), from: "c")
        _ = h.sends()
        h.receive(Self.envelope("b", .ping(sequence: 3)), from: "b")
        let ack = h.sends().first { $0.0.payload == .ack(sequence: 3) }
        #expect(ack?.0.gossip.first?.member.status == .dead)
        #expect(ack?.0.gossip.first?.member.id == Self.id("b"))
    }

    @Test func priorityChangeBumpsIncarnationAndIsGossiped() {
        var h = Harness(peers: ["b"])
        h.record(h.node.setPriority(5, nowMillis: h.now))
        #expect(h.node.incarnation == 1)
        h.receive(Self.envelope("b", .ping(sequence: 1)), from: "b")
        let ack = h.sends().first { $0.0.payload == .ack(sequence: 1) }
        #expect(ack?.0.gossip.contains { $0.member.id == Self.id("a") && $0.member.priority == 5 } == true)
    }
}
