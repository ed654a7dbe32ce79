/// A SWIM membership instance with the Lifeguard refinements, as a pure state machine: events in (a datagram was
/// authenticated, a timer fired), directives out (send this, wake me at, a member changed). No IO, no clock, no
/// global randomness: time is passed in as monotonic milliseconds, randomness comes from a seed.
///
/// Protocol (Das, Gupta, Motivala, "SWIM", DSN 2002; Lifeguard, arXiv:1707.00788):
/// - Every period T·(LHM+1) probe the next member of a shuffled round-robin list with `ping`. No `ack` within the
///   probe timeout → ask k members to `pingRequest` it; they relay the `ack`, or answer `nack` when they could not
///   reach it either. No ack by the end of the period → the member becomes `suspect`.
/// - A suspect becomes `dead` after the suspicion timeout, which starts at β·min and shrinks towards min as
///   independent confirmations (suspicions from other members) arrive. A member refutes a suspicion about itself by
///   raising its incarnation.
/// - Local health multiplier (LHM, 0…S−1): +1 per failed probe (or per missing nack), +1 when we had to refute a
///   suspicion of ourselves, −1 per successful probe; it stretches our own period and timeouts, so a slow or
///   overloaded node accuses others less.
/// - Changes are piggybacked on every message, each λ·⌈log10(n+1)⌉ times; joiners and, periodically, a random
///   member get the full table (`sync`); dead members and seeds are pinged now and then so partitions heal.
public struct SWIMInstance: Sendable {
    public enum Event: Sendable {
        /// An authenticated datagram from `from` (the UDP source address).
        case received(GossipEnvelope, from: Endpoint)
        /// A wake-up requested by `.wake(atMillis:)` (or any other; extra ticks are harmless).
        case tick
    }

    public enum Directive: Sendable, Hashable {
        /// Seal (with `incarnation` and `priority` as they are now) and send.
        case send(GossipMessage, to: Endpoint)
        /// Deliver `.tick` at this monotonic time (replaces any earlier request).
        case wake(atMillis: Int64)
        /// A member appeared or changed status, incarnation or priority.
        case memberChanged(MemberChange)
    }

    public struct MemberChange: Sendable, Hashable {
        public var member: Member
        public var previous: MemberStatus?
    }

    struct Record: Sendable {
        var member: Member
        var changedAt: Int64
        // Suspicion (when member.status == .suspect)
        var suspicionStart: Int64 = 0
        var confirmers: [NodeID] = []
        var suspicionDeadline: Int64 = 0
    }

    struct Probe: Sendable {
        var target: NodeID
        var endpoint: Endpoint
        var incarnation: UInt64
        var sequence: UInt32
        var indirectAt: Int64
        var acked = false
        var indirectSent = false
        var expectedNacks = 0
        var nacks = 0
    }

    struct Relay: Sendable {
        var origin: Endpoint
        var originSequence: UInt32
        var deadline: Int64
    }

    struct Broadcast: Sendable {
        var update: MemberUpdate
        var transmits: Int
    }

    public let id: NodeID
    public let endpoint: Endpoint
    public let configuration: SWIMConfiguration
    public private(set) var incarnation: UInt64
    public private(set) var priority: UInt32
    /// Lifeguard local health multiplier, 0…S−1.
    public private(set) var localHealth = 0

    var records: [NodeID: Record] = [:]
    var seeds: [Endpoint]
    var probeOrder: [NodeID] = []
    var probeIndex = 0
    var probe: Probe?
    var nextProbeAt: Int64
    var probesStarted = 0
    var relays: [UInt32: Relay] = [:]
    var broadcasts: [NodeID: Broadcast] = [:]
    var sequence: UInt32 = 0
    var rng: SplitMix64
    var out: [Directive] = []
    var refuted = false

    public init(
        id: NodeID, endpoint: Endpoint, incarnation: UInt64 = 0, priority: UInt32 = 100, seeds: [Endpoint] = [],
        configuration: SWIMConfiguration = .init(), seed: UInt64, nowMillis: Int64
    ) {
        self.id = id
        self.endpoint = endpoint
        self.incarnation = incarnation
        self.priority = priority
        self.seeds = seeds.filter { $0 != endpoint }
        self.configuration = configuration
        self.rng = SplitMix64(seed: seed)
        // Desynchronise probe rounds of nodes started together.
        self.nextProbeAt = nowMillis + Int64(rng.next() % UInt64(max(1, configuration.probeIntervalMillis)))
    }

    // MARK: Public view

    /// This node as the cluster should see it.
    public var selfMember: Member {
        Member(id: id, endpoint: endpoint, incarnation: incarnation, status: .alive, priority: priority)
    }

    /// The full table including ourselves, sorted by id.
    public var members: [Member] {
        (records.values.map(\.member) + [selfMember]).sorted { $0.id < $1.id }
    }

    /// Members that count for ownership: alive or suspect (a suspect may still act until declared dead).
    public var liveMembers: [Member] { members.filter { $0.status != .dead } }

    public func member(_ id: NodeID) -> Member? { id == self.id ? selfMember : records[id]?.member }

    /// Pending piggyback updates (for tests and the simulator's dissemination metric).
    public var pendingBroadcasts: Int { broadcasts.count }

    // MARK: Driving

    /// First call: join through the seeds and request the first wake-up.
    public mutating func start(nowMillis: Int64) -> [Directive] {
        for s in seeds { send(.ping(sequence: nextSequence()), to: s, about: nil) }
        return finish(nowMillis)
    }

    public mutating func handle(_ event: Event, nowMillis now: Int64) -> [Directive] {
        switch event {
        case .received(let envelope, let from): receive(envelope, from: from, now: now)
        case .tick: tick(now)
        }
        return finish(now)
    }

    /// Advertise a new ownership priority (bumps the incarnation so it wins everywhere).
    public mutating func setPriority(_ newPriority: UInt32, nowMillis now: Int64) -> [Directive] {
        priority = newPriority
        incarnation += 1
        enqueue(MemberUpdate(member: selfMember, origin: id))
        return finish(now)
    }

    // MARK: Receive

    private mutating func receive(_ envelope: GossipEnvelope, from: Endpoint, now: Int64) {
        let header = envelope.header
        guard header.sender != id else { return }  // our own datagram looped back through a seed list
        var isNew = false
        if let rec = records[header.sender] {
            if header.incarnation > rec.member.incarnation {
                apply(aliveUpdate(header, from: from), now: now)
            }
        } else {
            isNew = true
            apply(aliveUpdate(header, from: from), now: now)
        }
        refuted = false
        for update in envelope.message.gossip { apply(update, now: now) }

        switch envelope.message.payload {
        case .ping(let seq):
            send(.ack(sequence: seq), to: from, about: header.sender)
        case .pingRequest(let seq, let target, let targetEndpoint):
            let relaySeq = nextSequence()
            relays[relaySeq] = Relay(
                origin: from, originSequence: seq, deadline: now + scaled(configuration.probeTimeoutMillis))
            send(.ping(sequence: relaySeq), to: targetEndpoint, about: target)
        case .ack(let seq):
            if let relay = relays.removeValue(forKey: seq) {
                send(.ack(sequence: relay.originSequence), to: relay.origin, about: nil)
            } else if var p = probe, p.sequence == seq, !p.acked {
                p.acked = true
                probe = p
                adjustHealth(-1)
            }
        case .nack(let seq):
            if var p = probe, p.sequence == seq {
                p.nacks += 1
                probe = p
            }
        case .sync, .viewRequest, .viewResponse:
            break
        }
        if isNew { sendSync(to: from) }
        // We were suspected or declared dead and just refuted: tell everyone now rather than waiting for the
        // piggyback to spread (a paused process resumes with a whole cluster counting down on it). Each ping
        // carries the new incarnation in its header, which is itself the refutation; the sender also gets one
        // (unless it pinged us: our ack answers it), and if we hold it dead, that record rides along so it
        // refutes in its ack — one exchange heals both directions after a partition.
        if refuted {
            var targets = records.values.filter { $0.member.status != .dead && $0.member.id != header.sender }
                .map(\.member)
            targets = pickRandom(configuration.refutationFanout, from: targets)
            for t in targets { send(.ping(sequence: nextSequence()), to: t.endpoint, about: t.id) }
            if !isPing(envelope.message.payload) {
                send(.ping(sequence: nextSequence()), to: from, about: header.sender)
            }
        }
    }

    private func isPing(_ payload: GossipPayload) -> Bool {
        if case .ping = payload { true } else { false }
    }

    private func aliveUpdate(_ header: GossipHeader, from: Endpoint) -> MemberUpdate {
        MemberUpdate(
            member: Member(
                id: header.sender, endpoint: from, incarnation: header.incarnation, status: .alive,
                priority: header.priority),
            origin: header.sender)
    }

    /// SWIM's update ordering: higher incarnation wins; at equal incarnation dead > suspect > alive.
    mutating func apply(_ update: MemberUpdate, now: Int64) {
        let m = update.member
        if m.id == id {
            refuteIfNeeded(m)
            return
        }
        guard var rec = records[m.id] else {
            guard m.status != .dead else { return }  // never learn a stranger as dead
            guard records.count < configuration.maxMembers else { return }
            var rec = Record(member: m, changedAt: now)
            if m.status == .suspect { startSuspicion(&rec, origin: update.origin, now: now) }
            records[m.id] = rec
            enqueue(update)
            out.append(.memberChanged(MemberChange(member: m, previous: nil)))
            return
        }
        let old = rec.member
        switch m.status {
        case .alive:
            guard m.incarnation > old.incarnation else { return }
            rec.member = m
            rec.confirmers = []
        case .suspect:
            guard m.incarnation >= old.incarnation else { return }
            if old.status == .dead && m.incarnation == old.incarnation { return }
            if old.status == .suspect && m.incarnation == old.incarnation {
                // Lifeguard: an independent confirmation shortens the timeout.
                guard !rec.confirmers.contains(update.origin) else { return }
                rec.confirmers.append(update.origin)
                rec.suspicionDeadline = rec.suspicionStart + suspicionTimeout(confirmations: rec.confirmers.count - 1)
                records[m.id] = rec
                enqueue(update)
                return
            }
            rec.member = Member(
                id: m.id, endpoint: old.endpoint, incarnation: m.incarnation, status: .suspect,
                priority: m.incarnation > old.incarnation ? m.priority : old.priority)
            startSuspicion(&rec, origin: update.origin, now: now)
        case .dead:
            guard m.incarnation >= old.incarnation, old.status != .dead || m.incarnation > old.incarnation else {
                return
            }
            rec.member = Member(
                id: m.id, endpoint: old.endpoint, incarnation: m.incarnation, status: .dead, priority: old.priority)
            rec.confirmers = []
        }
        rec.changedAt = now
        records[m.id] = rec
        enqueue(MemberUpdate(member: rec.member, origin: update.origin))
        if rec.member != old {
            out.append(.memberChanged(MemberChange(member: rec.member, previous: old.status)))
        }
        if rec.member.status == .dead, probe?.target == m.id { probe = nil }
    }

    private mutating func refuteIfNeeded(_ m: Member) {
        let needs: Bool
        switch m.status {
        case .alive: needs = m.incarnation > incarnation
        case .suspect, .dead: needs = m.incarnation >= incarnation
        }
        guard needs else { return }
        refuted = true
        incarnation = m.incarnation + 1
        if m.status != .alive { adjustHealth(+1) }  // Lifeguard: being suspected hints at our own slowness
        enqueue(MemberUpdate(member: selfMember, origin: id))
    }

    private mutating func startSuspicion(_ rec: inout Record, origin: NodeID, now: Int64) {
        rec.suspicionStart = now
        rec.confirmers = [origin]
        rec.suspicionDeadline = now + suspicionTimeout(confirmations: 0)
    }

    /// Lifeguard dynamic suspicion timeout: max(min, max − (max − min)·log(c+1)/log(k+1)).
    func suspicionTimeout(confirmations c: Int) -> Int64 {
        let n = records.values.reduce(1) { $0 + ($1.member.status == .dead ? 0 : 1) }
        let nodeScale = max(1.0, log10Approx(Double(n)))
        let minimum = Int64(
            (Double(configuration.suspicionMultiplier * configuration.probeIntervalMillis)
                * nodeScale).rounded())
        guard configuration.lifeguard else { return minimum }
        let maximum = configuration.suspicionMaxMultiplier * minimum
        var k = Int(configuration.suspicionMultiplier) - 2
        if n - 2 < k { k = 0 }
        guard k > 0, c > 0 else { return k == 0 ? minimum : maximum }
        let frac = lnApprox(Double(c + 1)) / lnApprox(Double(k + 1))
        let t = Double(maximum) - Double(maximum - minimum) * frac
        return max(minimum, Int64(t.rounded(.down)))
    }

    // MARK: Timers

    private mutating func tick(_ now: Int64) {
        // Relays whose target never answered: tell the requester (Lifeguard nack).
        for (seq, relay) in relays where relay.deadline <= now {
            relays.removeValue(forKey: seq)
            send(.nack(sequence: relay.originSequence), to: relay.origin, about: nil)
        }
        // Suspicions that ran out.
        for rec in records.values where rec.member.status == .suspect && rec.suspicionDeadline <= now {
            var dead = rec.member
            dead.status = .dead
            apply(MemberUpdate(member: dead, origin: id), now: now)
        }
        // Indirect probes.
        if var p = probe, !p.acked, !p.indirectSent, now >= p.indirectAt {
            p.indirectSent = true
            let helpers = pickRandom(
                configuration.indirectProbeCount,
                from: records.values.filter { $0.member.status == .alive && $0.member.id != p.target }.map(\.member))
            for h in helpers {
                send(
                    .pingRequest(sequence: p.sequence, target: p.target, targetEndpoint: p.endpoint),
                    to: h.endpoint, about: h.id)
            }
            p.expectedNacks = configuration.lifeguard ? helpers.count : 0
            probe = p
        }
        if now >= nextProbeAt {
            finishProbe(now)
            startProbe(now)
            nextProbeAt = now + scaled(configuration.probeIntervalMillis)
        }
        // Forget long-dead members.
        for (nodeID, rec) in records
        where rec.member.status == .dead && now - rec.changedAt > configuration.deadRetentionMillis {
            records.removeValue(forKey: nodeID)
            broadcasts.removeValue(forKey: nodeID)
        }
    }

    private mutating func finishProbe(_ now: Int64) {
        guard let p = probe else { return }
        probe = nil
        guard !p.acked else { return }
        // Lifeguard: with helpers that should have nacked, only the missing nacks count against us (when all
        // nacked, the helpers are fine and so are we: the target is what failed).
        if p.expectedNacks > 0 {
            adjustHealth(max(0, p.expectedNacks - p.nacks))
        } else {
            adjustHealth(+1)
        }
        guard let rec = records[p.target], rec.member.status != .dead, rec.member.incarnation == p.incarnation
        else { return }
        var suspect = rec.member
        suspect.status = .suspect
        apply(MemberUpdate(member: suspect, origin: id), now: now)
    }

    private mutating func startProbe(_ now: Int64) {
        probesStarted += 1
        if probesStarted % max(1, configuration.reconnectEveryProbes) == 0 { reconnect() }
        if probesStarted % max(1, configuration.syncEveryProbes) == 0,
            let peer = pickRandom(1, from: records.values.filter { $0.member.status == .alive }.map(\.member)).first
        {
            sendSync(to: peer.endpoint)
        }
        guard let target = nextProbeTarget() else { return }
        let seq = nextSequence()
        probe = Probe(
            target: target.id, endpoint: target.endpoint, incarnation: target.incarnation, sequence: seq,
            indirectAt: now + scaled(configuration.probeTimeoutMillis))
        send(.ping(sequence: seq), to: target.endpoint, about: target.id)
    }

    private mutating func nextProbeTarget() -> Member? {
        for _ in 0..<2 {
            while probeIndex < probeOrder.count {
                let candidate = probeOrder[probeIndex]
                probeIndex += 1
                if let rec = records[candidate], rec.member.status != .dead { return rec.member }
            }
            probeOrder = records.values.filter { $0.member.status != .dead }.map(\.member.id).sorted()
            probeOrder.shuffle(using: &rng)
            probeIndex = 0
        }
        return nil
    }

    /// Ping one dead member or one seed that is not a known live endpoint: the answer (or its refutation of our
    /// "dead" record) merges partitions and readmits restarted nodes.
    private mutating func reconnect() {
        let live = Set(records.values.filter { $0.member.status != .dead }.map(\.member.endpoint))
        var candidates = records.values.filter { $0.member.status == .dead }.map(\.member.endpoint)
        candidates += seeds.filter { !live.contains($0) }
        guard !candidates.isEmpty else { return }
        candidates.sort()
        let pick = candidates[Int(rng.next() % UInt64(candidates.count))]
        send(.ping(sequence: nextSequence()), to: pick, about: nil)
    }

    private mutating func sendSync(to endpoint: Endpoint) {
        let all = members.map { m in
            MemberUpdate(member: m, origin: m.status == .suspect ? (records[m.id]?.confirmers.first ?? id) : id)
        }
        var start = 0
        repeat {
            let chunk = Array(all[start..<min(all.count, start + 16)])
            out.append(.send(GossipMessage(.sync, gossip: chunk), to: endpoint))
            start += 16
        } while start < all.count
    }

    // MARK: Helpers

    private mutating func adjustHealth(_ delta: Int) {
        guard configuration.lifeguard else { return }
        localHealth = min(max(0, localHealth + delta), configuration.maxLocalHealth - 1)
    }

    private func scaled(_ millis: Int64) -> Int64 { millis * Int64(localHealth + 1) }

    private mutating func nextSequence() -> UInt32 {
        sequence &+= 1
        return sequence
    }

    private mutating func pickRandom(_ k: Int, from pool: [Member]) -> [Member] {
        var pool = pool.sorted { $0.id < $1.id }
        pool.shuffle(using: &rng)
        return Array(pool.prefix(k))
    }

    private mutating func enqueue(_ update: MemberUpdate) {
        broadcasts[update.member.id] = Broadcast(update: update, transmits: 0)
    }

    /// Sends a message with piggybacked gossip. When `about` names a member we hold as suspect or dead at an
    /// incarnation it has not refuted, that record rides along first so the member learns it must refute.
    private mutating func send(_ payload: GossipPayload, to endpoint: Endpoint, about: NodeID?) {
        var gossip: [MemberUpdate] = []
        var budget = configuration.piggybackByteBudget
        if let about, let rec = records[about], rec.member.status != .alive {
            gossip.append(MemberUpdate(member: rec.member, origin: rec.confirmers.first ?? id))
            budget -= Self.estimatedSize(gossip[0])
        }
        if !broadcasts.isEmpty {
            let n = records.values.reduce(1) { $0 + ($1.member.status == .dead ? 0 : 1) }
            let limit = configuration.retransmitMultiplier * Int(log10Approx(Double(n + 1)).rounded(.up))
            let ordered = broadcasts.values.sorted {
                ($0.transmits, $0.update.member.id) < ($1.transmits, $1.update.member.id)
            }
            for b in ordered {
                guard gossip.count < configuration.maxPiggyback else { break }
                let size = Self.estimatedSize(b.update)
                guard size <= budget else { continue }
                if gossip.contains(where: { $0.member.id == b.update.member.id }) { continue }
                budget -= size
                gossip.append(b.update)
                let id = b.update.member.id
                let transmits = b.transmits + 1
                if transmits >= max(1, limit) {
                    broadcasts.removeValue(forKey: id)
                } else {
                    broadcasts[id]?.transmits = transmits
                }
            }
        }
        out.append(.send(GossipMessage(payload, gossip: gossip), to: endpoint))
    }

    static func estimatedSize(_ u: MemberUpdate) -> Int {
        17 + u.member.id.rawValue.utf8.count + u.member.endpoint.host.utf8.count + u.origin.rawValue.utf8.count
    }

    /// The earliest time something is due.
    public var nextDeadline: Int64 {
        var t = nextProbeAt
        if let p = probe, !p.acked, !p.indirectSent { t = min(t, p.indirectAt) }
        for r in relays.values { t = min(t, r.deadline) }
        for rec in records.values where rec.member.status == .suspect { t = min(t, rec.suspicionDeadline) }
        return t
    }

    private mutating func finish(_ now: Int64) -> [Directive] {
        let deadline = max(nextDeadline, now)
        out.append(.wake(atMillis: deadline))
        defer { out.removeAll(keepingCapacity: true) }
        return out
    }
}

/// Natural log using only IEEE basic operations (correctly rounded everywhere), so every platform computes the
/// same bits: x = m·2^e with m in [1/√2, √2), ln m = 2·atanh((m−1)/(m+1)) by its series.
func lnApprox(_ x: Double) -> Double {
    precondition(x > 0 && x.isFinite, "lnApprox needs a positive finite argument")
    var e = 0
    var m = x
    while m > 1.4142135623730951 {
        m /= 2
        e += 1
    }
    while m < 0.7071067811865476 {
        m *= 2
        e -= 1
    }
    let z = (m - 1) / (m + 1)
    let z2 = z * z
    var term = z
    var sum = 0.0
    var k = 1.0
    for _ in 0..<30 {
        sum += term / k
        term *= z2
        k += 2
    }
    return 2 * sum + Double(e) * 0.6931471805599453
}

func log10Approx(_ x: Double) -> Double { lnApprox(x) / 2.302585092994046 }
