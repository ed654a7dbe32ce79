/// The measurements behind docs/gossip.md, each one trial of a seeded simulation. `swift test` runs a few hundred
/// trials; `SOLARB_STRESS=1` and `solarb bench gossip-sim` run thousands.
public enum GossipExperiments {
    /// Distribution summary of a sample.
    public struct Summary: Sendable, CustomStringConvertible {
        public var count: Int
        public var mean: Double
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var max: Double

        public init(_ values: [Double]) {
            let s = values.sorted()
            count = s.count
            func q(_ p: Double) -> Double {  // nearest-rank percentile
                guard !s.isEmpty else { return .nan }
                let rank = Int((p * Double(s.count)).rounded(.up))
                return s[Swift.min(s.count - 1, Swift.max(0, rank - 1))]
            }
            mean = s.isEmpty ? .nan : s.reduce(0, +) / Double(s.count)
            p50 = q(0.5)
            p90 = q(0.9)
            p99 = q(0.99)
            max = s.last ?? .nan
        }

        public var description: String {
            func f(_ x: Double) -> String {
                let r = (x * 100).rounded() / 100
                return "\(r)"
            }
            return "n=\(count) mean=\(f(mean)) p50=\(f(p50)) p90=\(f(p90)) p99=\(f(p99)) max=\(f(max))"
        }
    }

    public struct DetectionResult: Sendable {
        /// Crash → first survivor suspects it (SWIM's "first detection").
        public var firstSuspectMillis: Int64
        /// Crash → every survivor holds it dead.
        public var allDeadMillis: Int64
    }

    /// Warms a cluster up to convergence. Returns nil if it never converged (reported as a failure by callers).
    static func warmedUp(_ config: GossipSimulator.Configuration) -> GossipSimulator? {
        let sim = GossipSimulator(config)
        guard sim.run(until: 60_000, checkEveryMillis: 50, stopWhen: { $0.isConverged }) != nil else { return nil }
        sim.run(until: sim.now + 1_000)
        return sim
    }

    /// Crash one random member of a converged cluster; time until first suspicion and until all survivors agree
    /// it is dead. Nil when it did not happen within 60 s (counted as a failure).
    public static func detection(
        nodes: Int, lossRate: Double = 0, seed: UInt64, swim: SWIMConfiguration = .init()
    ) -> DetectionResult? {
        var config = GossipSimulator.Configuration(nodeCount: nodes, seed: seed)
        config.swim = swim
        guard let sim = warmedUp(config) else { return nil }
        sim.lossRate = lossRate
        var rng = SplitMix64(seed: seed ^ 0xD1B5_4A32_D192_ED03)
        sim.run(until: sim.now + Int64(rng.next() % UInt64(swim.probeIntervalMillis)))
        let victim = Int(rng.next() % UInt64(nodes))
        let victimID = GossipSimulator.id(victim)
        let crashAt = sim.now
        sim.crash(victim)
        var firstSuspect: Int64?
        sim.observer = { obs in
            if firstSuspect == nil, obs.change.member.id == victimID, obs.change.member.status != .alive {
                firstSuspect = obs.time
            }
        }
        let done = sim.run(until: crashAt + 60_000) { s in
            (0..<nodes).allSatisfy { i in
                i == victim || s.nodes[i].member(victimID).map { $0.status == .dead } ?? true
            }
        }
        guard let done, let firstSuspect else { return nil }
        return DetectionResult(firstSuspectMillis: firstSuspect - crashAt, allDeadMillis: done - crashAt)
    }

    public struct FalsePositiveResult: Sendable {
        /// Healthy members declared dead (by anyone) during the run.
        public var deadDeclarations: Int
        /// Healthy members suspected (by anyone) during the run.
        public var suspicions: Int
        public var simulatedMillis: Int64
    }

    /// No crash, `lossRate` datagram loss, optional periodic pauses of node 1 (`pauseMillis` every
    /// `pauseEveryMillis`): count suspicions and dead declarations of healthy members.
    public static func falsePositives(
        nodes: Int, lossRate: Double, durationMillis: Int64, seed: UInt64, swim: SWIMConfiguration = .init(),
        pauseMillis: Int64 = 0, pauseEveryMillis: Int64 = 5_000
    ) -> FalsePositiveResult? {
        var config = GossipSimulator.Configuration(nodeCount: nodes, seed: seed)
        config.swim = swim
        guard let sim = warmedUp(config) else { return nil }
        // Loss starts after the join (a lossy join is a different experiment).
        let lossSim = sim
        lossSim.lossRate = lossRate
        var dead = 0
        var suspect = 0
        lossSim.observer = { obs in
            switch obs.change.member.status {
            case .dead: dead += 1
            case .suspect: suspect += 1
            case .alive: break
            }
        }
        let start = lossSim.now
        var t = start
        while t < start + durationMillis {
            let next = min(start + durationMillis, t + pauseEveryMillis)
            if pauseMillis > 0, nodes > 1 { lossSim.pause(1, forMillis: pauseMillis) }
            lossSim.run(until: next)
            t = next
        }
        return FalsePositiveResult(deadDeclarations: dead, suspicions: suspect, simulatedMillis: durationMillis)
    }

    /// Node 0 changes its advertised priority in a converged cluster; how many probe periods until every member
    /// has the change (SWIM: O(log n) periods).
    public static func dissemination(nodes: Int, lossRate: Double = 0, seed: UInt64, swim: SWIMConfiguration = .init())
        -> Double?
    {
        var config = GossipSimulator.Configuration(nodeCount: nodes, seed: seed)
        config.swim = swim
        guard let sim = warmedUp(config) else { return nil }
        let lossSim = sim
        lossSim.lossRate = lossRate
        let newPriority: UInt32 = 7
        let origin = GossipSimulator.id(0)
        let start = lossSim.now
        lossSim.act(on: 0) { node, now in node.setPriority(newPriority, nowMillis: now) }
        let done = lossSim.run(until: start + 60_000) { s in
            s.nodes.allSatisfy { $0.member(origin)?.priority == newPriority }
        }
        guard let done else { return nil }
        return Double(done - start) / Double(swim.probeIntervalMillis)
    }

    public struct SlowMemberResult: Sendable {
        /// Suspicions of *healthy* members (not the slow one) raised by anyone.
        public var healthySuspicions: Int
        /// Healthy members declared dead.
        public var healthyDead: Int
    }

    /// Lifeguard's motivating case: node 1 is slow (everything it receives arrives `extraDelayMillis` late), so its
    /// probes of healthy members time out. Count how often healthy members get suspected or declared dead.
    public static func slowMember(
        nodes: Int, extraDelayMillis: Int64, durationMillis: Int64, seed: UInt64, swim: SWIMConfiguration = .init()
    ) -> SlowMemberResult? {
        var config = GossipSimulator.Configuration(nodeCount: nodes, seed: seed)
        config.swim = swim
        guard let sim = warmedUp(config) else { return nil }
        sim.inboundExtraDelay[1] = extraDelayMillis
        var result = SlowMemberResult(healthySuspicions: 0, healthyDead: 0)
        let slow = GossipSimulator.id(1)
        sim.observer = { obs in
            guard obs.change.member.id != slow else { return }
            if obs.change.member.status == .suspect { result.healthySuspicions += 1 }
            if obs.change.member.status == .dead { result.healthyDead += 1 }
        }
        sim.run(until: sim.now + durationMillis)
        return result
    }
}
