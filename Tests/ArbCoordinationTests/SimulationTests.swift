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
