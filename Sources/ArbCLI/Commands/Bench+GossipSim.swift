import ArbCoordination
import ArgumentParser
import Foundation

/// `solarb bench gossip-sim`: the simulator, fuzz and ownership proofs at full size (thousands of trials, 10^6
/// datagrams, 10^6 ownership pairs), printed next to what SWIM/Lifeguard promise. Build with `-c release`.
struct BenchGossipSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gossip-sim",
        abstract: "Gossip membership: detection, false positives, dissemination (simulated), fuzz and ownership.",
        discussion:
            "Numbers are recorded in docs/gossip.md. Every part is seeded; the same flags print the same numbers.")

    @Option(help: "Crash-detection trials (n = 5).") var trials = 2_000
    @Option(help: "False-positive trials under 10 % loss, 60 simulated seconds each.") var lossTrials = 200
    @Option(help: "Dissemination trials per cluster size.") var disseminationTrials = 500
    @Option(help: "Fuzzed/tampered datagrams.") var datagrams = 1_000_000
    @Option(help: "Random (view, opportunity) pairs for ownership agreement.") var pairs = 1_000_000
    @Option(help: "Base seed.") var seed: UInt64 = 1

    /// Runs `lossTrials` seeded trials with Lifeguard on, then off, printing one row each under `header`:
    /// `trial(i, swim)` gives trial i's (healthy members declared dead, suspicions), nil when it did not run;
    /// `row` formats their sums.
    func compareDetectors(
        _ header: String, trial: (UInt64, SWIMConfiguration) -> (dead: Int, suspicions: Int)?,
        row: (_ dead: Int, _ suspicions: Int) -> String
    ) {
        print(header)
        for lifeguard in [true, false] {
            var swim = SWIMConfiguration()
            swim.lifeguard = lifeguard
            var dead = 0
            var suspicions = 0
            for i in 0..<UInt64(lossTrials) {
                if let r = trial(i, swim) {
                    dead += r.dead
                    suspicions += r.suspicions
                }
            }
            print("  \(lifeguard ? "Lifeguard   " : "classic SWIM"): " + row(dead, suspicions))
        }
    }

    func run() throws {
        let clock = ContinuousClock()
        func ms(_ d: Duration) -> Int64 {
            d.components.seconds * 1_000 + d.components.attoseconds / 1_000_000_000_000_000
        }
        let period = Double(SWIMConfiguration().probeIntervalMillis)

        if trials > 0 {
            print("== crash detection, n = 5, T = \(Int(period)) ms, 1–10 ms delay, \(trials) trials ==")
            for (label, loss) in [("no loss", 0.0), ("10% loss", 0.10)] {
                var first: [Double] = []
                var all: [Double] = []
                var failed = 0
                let t = clock.measure {
                    for i in 0..<UInt64(trials) {
                        guard let r = GossipExperiments.detection(nodes: 5, lossRate: loss, seed: seed &+ i &* 7919)
                        else {
                            failed += 1
                            continue
                        }
                        first.append(Double(r.firstSuspectMillis) / period)
                        all.append(Double(r.allDeadMillis))
                    }
                }
                print("  \(label): first suspicion (periods) \(GossipExperiments.Summary(first))")
                print(
                    "  \(label): all survivors dead (ms)   \(GossipExperiments.Summary(all))  failed=\(failed)  [\(ms(t)) ms]"
                )
            }
            print("  SWIM expects first detection after e/(e−1) ≈ 1.58 periods on average (random probe targets).")
        }

        if lossTrials > 0 {
            let nodeHours = Double(lossTrials * 5) / 60
            compareDetectors("== false positives: 10% loss, n = 5, \(lossTrials) × 60 simulated s ==") { i, swim in
                GossipExperiments.falsePositives(
                    nodes: 5, lossRate: 0.10, durationMillis: 60_000, seed: seed &+ 50_000 &+ i, swim: swim
                ).map { ($0.deadDeclarations, $0.suspicions) }
            } row: { dead, suspect in
                "\(dead) healthy members declared dead, "
                    + "\(suspect) suspicions (\(Int(Double(suspect) / nodeHours)) per node-hour, all refuted unless dead)"
            }
            compareDetectors(
                "== false positives: 1% loss + one member paused 300 ms every 5 s, n = 5, \(lossTrials) × 60 s =="
            ) { i, swim in
                GossipExperiments.falsePositives(
                    nodes: 5, lossRate: 0.01, durationMillis: 60_000, seed: seed &+ 70_000 &+ i, swim: swim,
                    pauseMillis: 300
                ).map { ($0.deadDeclarations, $0.suspicions) }
            } row: { dead, suspect in
                "\(dead) healthy members declared dead, \(suspect) suspicions"
            }
            compareDetectors(
                "== slow member (everything it receives arrives 300 ms late), n = 5, \(lossTrials) × 60 s =="
            ) { i, swim in
                GossipExperiments.slowMember(
                    nodes: 5, extraDelayMillis: 300, durationMillis: 60_000, seed: seed &+ 80_000 &+ i, swim: swim
                ).map { ($0.healthyDead, $0.healthySuspicions) }
            } row: { dead, suspicions in
                "healthy members suspected \(suspicions) times, declared dead \(dead) times"
            }
        }

        if disseminationTrials > 0 {
            print(
                "== dissemination: probe periods until a change reaches every member, \(disseminationTrials) trials ==")
            for n in [8, 32, 128] {
                let count = n >= 128 ? max(1, disseminationTrials / 5) : disseminationTrials
                var periods: [Double] = []
                for i in 0..<UInt64(count) {
                    if let p = GossipExperiments.dissemination(nodes: n, seed: seed &+ 90_000 &+ i) {
                        periods.append(p)
                    }
                }
                let lg = (log2(Double(n)) * 100).rounded() / 100
                print("  n=\(n): \(GossipExperiments.Summary(periods))  (log2 n = \(lg))")
            }
        }

        if datagrams > 0 {
            print("== \(datagrams) fuzzed/tampered datagrams ==")
            var result = GossipFuzz.Result()
            let tFuzz = clock.measure { result = GossipFuzz.run(count: datagrams, seed: seed) }
            print("  \(result)  [\(ms(tFuzz)) ms]")
            // Throughput of open() (MAC + decode + skew + replay) against bare HMAC verification, same bytes.
            let key = try ClusterKey(bytes: [UInt8](repeating: 0x5A, count: 32))
            let now: Int64 = 1_764_000_000_000
            let batch = GossipFuzz.sealedBatch(count: min(datagrams, 200_000), key: key, nowMillis: now)
            var auth = DatagramAuthenticator(key: key)
            var opened = 0
            let tOpen = clock.measure {
                for d in batch where (try? auth.open(d, nowMillis: now)) != nil { opened += 1 }
            }
            var verified = 0
            let tRef = clock.measure { verified = GossipFuzz.verifyOnly(batch, key: key) }
            let ratio = Double(ms(tOpen)) / Double(max(1, ms(tRef)))
            print(
                "  \(batch.count) genuine \(batch[0].count)-byte datagrams: open() \(ms(tOpen)) ms (\(opened) accepted) vs "
                    + "bare HMAC-SHA256 verify \(ms(tRef)) ms (\(verified)): ratio \(String(format: "%.2f", ratio))")
        }

        if pairs > 0 {
            print("== ownership (rendezvous hashing) ==")
            let a = OwnershipCheck.agreement(pairs: pairs, seed: seed)
            print("  identical views, shuffled: \(a.agreeing)/\(a.pairs) agree")
            let r = OwnershipCheck.removal(members: 5, opportunities: pairs, seed: seed)
            let share = (Double(r.moved) / Double(pairs) * 10_000).rounded() / 100
            print("  remove 1 of 5: \(share)% moved (ideal 20%), moved from other members: \(r.movedOther)")
        }
    }
}
