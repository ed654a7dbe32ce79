import ArbCoordination
import Foundation
import Testing

/// Simulator proofs (docs/gossip.md). The fast default runs a few hundred trials; SOLARB_STRESS=1 runs thousands.
@Suite struct SimulationTests {
    static let stress = ProcessInfo.processInfo.environment["SOLARB_STRESS"] == "1"

    @Test func clusterJoinsThroughOneSeedAndConverges() {
        for seed in UInt64(1)...20 {
            let sim = GossipSimulator(.init(nodeCount: 8, seed: seed))
            let t = sim.run(until: 20_000) { $0.isConverged }
            #expect(t != nil, "seed \(seed) did not converge")
        }
    }

    @Test func crashedMemberIsDetectedByEveryone() {
        let trials = Self.stress ? 2_000 : 150
        var first: [Double] = []
        var all: [Double] = []
        var failures = 0
        for seed in 0..<UInt64(trials) {
            guard let r = GossipExperiments.detection(nodes: 5, seed: seed &* 7919 &+ 1) else {
                failures += 1
                continue
            }
            first.append(Double(r.firstSuspectMillis) / 200)
            all.append(Double(r.allDeadMillis))
        }
        let firstSummary = GossipExperiments.Summary(first)
        let allSummary = GossipExperiments.Summary(all)
        print("detection n=5: first suspicion (periods) \(firstSummary); all survivors dead (ms) \(allSummary)")
        #expect(failures == 0)
        // SWIM: expected first detection e/(e−1) ≈ 1.58 periods plus the probe period in which the probe fails.
        #expect(firstSummary.mean < 3.5)
        // Issue target on loopback: every survivor marks it dead within 3 s at p99.
        #expect(allSummary.p99 <= 3_000)
    }

    @Test func noHealthyMemberDeclaredDeadUnderTenPercentLoss() {
        let trials = Self.stress ? 200 : 10
        var dead = 0
        var suspicions = 0
        for seed in 0..<UInt64(trials) {
            let r = GossipExperiments.falsePositives(
                nodes: 5, lossRate: 0.10, durationMillis: 60_000, seed: seed &+ 100)
            guard let r else {
                Issue.record("no convergence, seed \(seed)")
                continue
            }
            dead += r.deadDeclarations
            suspicions += r.suspicions
        }
        print("10% loss, n=5, \(trials)×60 s: \(dead) false dead declarations, \(suspicions) suspicions")
        #expect(dead == 0)
    }

    @Test func pausedMemberIsNotDeclaredDead() {
        let trials = Self.stress ? 200 : 10
        var dead = 0
        for seed in 0..<UInt64(trials) {
            let r = GossipExperiments.falsePositives(
                nodes: 5, lossRate: 0.01, durationMillis: 60_000, seed: seed &+ 5_000, pauseMillis: 300)
            dead += r?.deadDeclarations ?? 1
        }
        #expect(dead == 0)
    }

    @Test func changeReachesEveryoneInLogarithmicPeriods() {
        for n in [8, 32] {
            let trials = Self.stress ? 1_000 : (n <= 8 ? 40 : 10)
            var periods: [Double] = []
            for seed in 0..<UInt64(trials) {
                if let p = GossipExperiments.dissemination(nodes: n, seed: seed &+ 77) { periods.append(p) }
            }
            let s = GossipExperiments.Summary(periods)
            print("dissemination n=\(n): periods \(s)")
            #expect(periods.count == trials)
            // Epidemic spread: O(log n); bounded by a small multiple of log2(n).
            #expect(s.p99 <= 3 * log2(Double(n)) + 3)
        }
    }
}

@Suite struct SimulationFaultTests {
    /// A 2|3 partition: each side declares the other dead; after healing every view is all-alive within 5 s.
    @Test func partitionHealsAndViewsReconverge() {
        var worst: Int64 = 0
        for seed in UInt64(1)...(SimulationTests.stress ? 200 : 10) {
            let sim = GossipSimulator(.init(nodeCount: 5, seed: seed))
            guard sim.run(until: 20_000, stopWhen: { $0.isConverged }) != nil else {
                Issue.record("seed \(seed): no convergence")
                continue
            }
            sim.blocked = { a, b in (a < 2) != (b < 2) }
            let split = sim.run(until: sim.now + 30_000) { s in
                (0..<5).allSatisfy { i in
                    (0..<5).allSatisfy { j in
                        (i < 2) == (j < 2) || s.nodes[i].member(GossipSimulator.id(j))?.status == .dead
                    }
                }
            }
            #expect(split != nil, "seed \(seed): partition not detected")
            sim.blocked = nil
            let healAt = sim.now
            let healed = sim.run(until: healAt + 30_000) { $0.isConverged }
            guard let healed else {
                Issue.record("seed \(seed): did not reconverge")
                continue
            }
            worst = max(worst, healed - healAt)
        }
        print("partition heal: worst reconvergence \(worst) ms")
        #expect(worst <= 5_000)
    }

    /// A crashed member restarted from scratch (incarnation 0) is told it is dead and comes back above that.
    @Test func restartedMemberRejoinsWithHigherIncarnation() {
        for seed in UInt64(1)...10 {
            let sim = GossipSimulator(.init(nodeCount: 5, seed: seed))
            _ = sim.run(until: 20_000) { $0.isConverged }
            sim.crash(3)
            let id3 = GossipSimulator.id(3)
            _ = sim.run(until: sim.now + 30_000) { s in
                [0, 1, 2, 4].allSatisfy { s.nodes[$0].member(id3)?.status == .dead }
            }
            let deadInc = sim.nodes[0].member(id3)?.incarnation ?? 0
            sim.restart(3)
            let back = sim.run(until: sim.now + 30_000) { s in
                s.isConverged && s.nodes[0].member(id3).map { $0.incarnation > deadInc } == true
            }
            #expect(back != nil, "seed \(seed)")
            #expect(sim.nodes[3].incarnation > deadInc)
        }
    }
}

@Suite struct LifeguardEffectTests {
    /// Lifeguard's point: a slow member stops accusing healthy ones. Its local health multiplier stretches its
    /// probe timeouts, so healthy members are suspected far less often than with classic SWIM (same seeds).
    @Test func slowMemberAccusesLessWithLifeguard() {
        var classic = SWIMConfiguration()
        classic.lifeguard = false
        var withLifeguard = 0
        var without = 0
        for seed in UInt64(1)...(SimulationTests.stress ? 100 : 5) {
            withLifeguard +=
                GossipExperiments.slowMember(nodes: 5, extraDelayMillis: 300, durationMillis: 60_000, seed: seed)?
                .healthySuspicions ?? 1_000_000
            without +=
                GossipExperiments.slowMember(
                    nodes: 5, extraDelayMillis: 300, durationMillis: 60_000, seed: seed, swim: classic)?
                .healthySuspicions ?? 0
        }
        print("slow member: healthy suspected \(withLifeguard)× with Lifeguard, \(without)× classic SWIM")
        #expect(withLifeguard * 2 < without)
    }
}
