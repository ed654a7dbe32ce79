import ArbSimCluster
import ArgumentParser
import Foundation
import SolanaKeys
import SolanaPrimitives

/// `solarb bench simcluster`: how many slots per second the simulated cluster sustains with a market scenario
/// (default scenarios/throughput.json: 50 pools, 20 noise traders, 1 ms slots), against references measured in
/// the same run: the same number of empty slots (no agents) and Ed25519 verifications per second.
struct BenchSimClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simcluster",
        abstract: "Slots per second of the simulated cluster with a market scenario (50 pools, 20 noise traders).",
        discussion: """
            Build with -c release for meaningful numbers. Three measurements: (1) capacity: slots produced back to \
            back with the market (agents sign and submit real transactions, blocks execute them, touched pools are \
            re-decoded), with ground truth deferred and with ground truth computed inline after every block; \
            (2) sustained: the cluster's own slot loop on a real clock at the scenario's slot time for --seconds, \
            counting the slots it actually produced; (3) references: empty slots, Ed25519 verifies per second.
            """
    )

    @Option(help: "Scenario file (default: scenarios/throughput.json).") var scenario = "scenarios/throughput.json"
    @Option(help: "Slots measured back to back.") var slots = 2_000
    @Option(help: "Seconds of the real-time sustained run (0 = skip).") var seconds = 3
    @Option(help: "Scenario for the ground-truth timing (old vs new search on the same snapshots).")
    var groundTruthScenario = "scenarios/default.json"
    @Option(help: "Slots (snapshots) timed with the new ground-truth search (0 = skip).") var groundTruthSlots = 40
    @Option(help: "Of those, how many are also timed with the old search (slow).") var legacySlots = 10
    @Flag(help: "Only the ground-truth timing.") var groundTruthOnly = false

    func run() async throws {
        if groundTruthSlots > 0 {
            try await Self.groundTruthTiming(
                scenario: groundTruthScenario, slots: groundTruthSlots, legacy: legacySlots)
        }
        if groundTruthOnly { return }
        let sc: Scenario
        do { sc = try Scenario.load(path: scenario) } catch { throw ValidationError("\(error)") }
        let clock = ContinuousClock()
        print(
            "simcluster bench: \(scenario): \(sc.pools.count) pools, \(sc.noiseTraders?.count ?? 0) noise traders × "
                + "\(sc.noiseTraders?.swapsPerSlot ?? 0) swaps/slot, \(sc.searchers?.count ?? 0) searchers, "
                + "slot time \(sc.slotMilliseconds) ms")

        // Reference 1: empty slots.
        let bare = SimCluster(configuration: .init(seed: sc.seed, slotMilliseconds: sc.slotMilliseconds))
        let t0 = clock.now
        await bare.advance(slots: slots)
        let bareRate = Double(slots) / Self.seconds(clock.now - t0)

        // Reference 2: Ed25519 verifications per second (the dominant per-transaction cost).
        let key = try Keypair(seed: [UInt8](repeating: 7, count: 32))
        let message = [UInt8](repeating: 0xAB, count: 400)
        let sig = try key.sign(message: message[...])
        let verifies = 5_000
        let t1 = clock.now
        var ok = 0
        for _ in 0..<verifies where Ed25519.verify(sig, message: message, publicKey: key.address) { ok += 1 }
        let verifyRate = Double(verifies) / Self.seconds(clock.now - t1)
        guard ok == verifies else { throw ValidationError("Ed25519 reference failed") }

        // Capacity with the market, ground truth deferred (as `solarb localnet` runs it) and inline.
        let (deferredRate, landed, txs) = try await Self.capacity(sc, slots: slots, inlineGroundTruth: false)
        let gtSlots = max(50, slots / 10)
        let (inlineRate, _, _) = try await Self.capacity(sc, slots: gtSlots, inlineGroundTruth: true)

        print(String(format: "reference: empty slots          %10.0f slots/s", bareRate))
        print(String(format: "reference: Ed25519 verify       %10.0f /s", verifyRate))
        print(
            String(
                format:
                    "market, ground truth deferred  %10.0f slots/s  (%.3f × empty slots; %d slots, %d tx, %.1f%% landed ok)",
                deferredRate, deferredRate / bareRate, slots, txs, txs == 0 ? 0 : 100 * Double(landed) / Double(txs)))
        print(String(format: "market + inline ground truth   %10.0f slots/s  (%d slots)", inlineRate, gtSlots))
        let needed = 1_000.0 / Double(sc.slotMilliseconds)
        print(
            String(
                format: "capacity vs the %d ms slot time: %.2f× (≥ 1 keeps up)", Int(sc.slotMilliseconds),
                deferredRate / needed))

        if seconds > 0 {
            let cluster = SimCluster(configuration: .init(seed: sc.seed, slotMilliseconds: sc.slotMilliseconds))
            try await cluster.installMarket(sc)
            let start = await cluster.slot
            let t2 = clock.now
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    try? await cluster.run(slotDuration: .milliseconds(Int64(sc.slotMilliseconds)), clock: clock)
                }
                group.addTask {
                    try? await cluster.runGroundTruthWorker(clock: clock, idle: .milliseconds(5))
                }
                try? await Task.sleep(for: .seconds(seconds))
                group.cancelAll()
            }
            let produced = await cluster.slot - start
            let elapsed = Self.seconds(clock.now - t2)
            print(
                String(
                    format: "sustained (real clock, %d ms slots, %d s): %d slots = %.0f slots/s (target %.0f)",
                    Int(sc.slotMilliseconds), seconds, produced, Double(produced) / elapsed, needed))
        }
    }

    /// Ground truth per slot, old (`GroundTruth.Legacy`) and new search, on the same snapshots of one run: the
    /// market runs `slots` slots with ground truth deferred, then every queued snapshot is computed with both.
    static func groundTruthTiming(scenario path: String, slots: Int, legacy: Int) async throws {
        let sc: Scenario
        do { sc = try Scenario.load(path: path) } catch { throw ValidationError("\(error)") }
        let cluster = SimCluster(configuration: .init(seed: sc.seed, slotMilliseconds: sc.slotMilliseconds))
        try await cluster.installMarket(sc)
        await cluster.setGroundTruthInline(false)
        await cluster.advance(slots: min(slots, 256))
        let work = await cluster.takeGroundTruthWork()
        let clock = ContinuousClock()
        var newTimes: [Double] = []
        var oldTimes: [Double] = []
        var newBest: UInt64 = 0
        var oldBest: UInt64 = 0
        var available: UInt64 = 0
        var quotes = 0
        var screened = 0
        var profitable = 0
        var oldProfitable = 0
        var worseSlots = 0
        var countMismatch = 0
        for snap in work.snapshots {
            var fast = work.options
            fast.algorithm = .fast
            let t0 = clock.now
            let (n, stats) = Market.computeWithStats(snap, cycles: work.cycles, options: fast)
            newTimes.append(seconds(clock.now - t0))
            available += n.availableMicroUsd
            quotes += stats.quotes
            screened += stats.screenedOut
            profitable += n.profitableCycles
            guard oldTimes.count < legacy else { continue }
            let t1 = clock.now
            let o = Market.compute(snap, cycles: work.cycles, options: .init(algorithm: .legacy))
            oldTimes.append(seconds(clock.now - t1))
            newBest += n.best?.profitMicroUsd ?? 0
            oldBest += o.best?.profitMicroUsd ?? 0
            oldProfitable += o.profitableCycles
            if (n.best?.profitMicroUsd ?? 0) < (o.best?.profitMicroUsd ?? 0) { worseSlots += 1 }
            if n.profitableCycles != o.profitableCycles { countMismatch += 1 }
        }
        let k = max(1, work.snapshots.count)
        func ms(_ v: [Double]) -> String {
            let sorted = v.sorted()
            let mean = v.reduce(0, +) / Double(max(1, v.count)) * 1e3
            let p50 = sorted.isEmpty ? 0 : sorted[sorted.count / 2] * 1e3
            let mx = (sorted.last ?? 0) * 1e3
            return String(format: "mean %8.2f ms  median %8.2f ms  max %8.2f ms", mean, p50, mx)
        }
        print(
            "ground truth: \(path): \(sc.pools.count) pools, \(work.cycles.count) cycles, \(work.snapshots.count) "
                + "snapshots (slot time \(sc.slotMilliseconds) ms)")
        print("  old search (Legacy)  per slot: \(ms(oldTimes))")
        print("  new search           per slot: \(ms(newTimes))")
        let oldMean = oldTimes.reduce(0, +) / Double(max(1, oldTimes.count))
        let newMean = newTimes.reduce(0, +) / Double(k)
        let l = max(1, oldTimes.count)
        print(
            String(
                format: "  speed-up (mean, old on the first %d snapshots, new on all %d): %.1f×", oldTimes.count, k,
                oldMean / max(newMean, 1e-12)))
        print(
            "  per slot (new): \(screened / k) cycles screened out unquoted, \(profitable / k) profitable at $1, "
                + "\(quotes / k) pool quotes, available (disjoint set) $\(USD(micro: available / UInt64(k)).description)"
        )
        print(
            "  on the \(oldTimes.count) compared slots: Σ best single cycle new $\(USD(micro: newBest).description), "
                + "old $\(USD(micro: oldBest).description); slots where new < old: \(worseSlots); "
                + "profitable-cycle counts differ in \(countMismatch) (old mean \(oldProfitable / l))")
        let slotSeconds = Double(sc.slotMilliseconds) / 1_000
        print(
            String(
                format: "  new search: %.1f%% of the %d ms slot time (mean); old: %.1f%%", 100 * newMean / slotSeconds,
                Int(sc.slotMilliseconds), 100 * oldMean / slotSeconds))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Slots per second back to back; also (landed successfully, transactions) over the run.
    static func capacity(_ sc: Scenario, slots: Int, inlineGroundTruth: Bool) async throws -> (Double, Int, Int) {
        let cluster = SimCluster(configuration: .init(seed: sc.seed, slotMilliseconds: sc.slotMilliseconds))
        try await cluster.installMarket(sc)
        await cluster.setGroundTruthInline(inlineGroundTruth)
        var landed = 0
        var txs = 0
        let clock = ContinuousClock()
        let t = clock.now
        for _ in 0..<slots {
            let block = await cluster.advanceSlot()
            txs += block.transactions.count
            landed += block.transactions.filter { $0.included && $0.error == nil }.count
        }
        return (Double(slots) / seconds(clock.now - t), landed, txs)
    }
}
