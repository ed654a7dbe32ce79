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

    func run() async throws {
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
