import ArbRuntime
import ArbSimCluster
import Foundation
import Logging
import SolanaKeys
import SolanaPrimitives

/// The market inside the in-process simulated cluster for `solarb run`: the scenario's pools and agents
/// (ArbSimCluster `installMarket`), the profit guard registered at a run-specific id, and the ground truth.
struct SimulatedMarket: Sendable {
    var pools: [Address]
    var lookupTables: [Address: AddressLookupTableAccount]
    var guardProgram: Address
    var description: String

    /// The guard's program id inside the simulated cluster (fixed: the cluster is private to the run).
    static let guardProgram: Address = (try? Keypair(seed: Array(repeating: 0x67, count: 32)).address)!

    static func programs() -> ProgramRegistry {
        var r = ProgramRegistry.standard
        r.register(guardProgram, GuardProgramHandler())
        return r
    }

    /// Installs the scenario (default: the built-in default scenario) in `cluster`.
    static func install(
        cluster: SimCluster, configuration c: RuntimeConfiguration, uncontested: Bool
    ) async throws -> SimulatedMarket {
        var scenario = try c.scenarioPath.map { try Scenario.load(path: $0) } ?? Scenario.builtInDefault()
        scenario.slotMilliseconds = c.slotMilliseconds
        if uncontested { scenario.searchers = nil }
        let m = try await cluster.installMarket(scenario)
        let tables = await cluster.market?.pools.reduce(into: [Address: AddressLookupTableAccount]()) {
            $0[$1.address] = $1.table
        }
        let pairs = Set(m.pools.map { $0.pair.joined(separator: "/") }).sorted().joined(separator: ", ")
        let text =
            "\(scenario.name ?? "scenario") (\(c.scenarioPath ?? "built-in default")): \(m.tokens.count) tokens, "
            + "\(m.pools.count) pools (\(pairs)), \(m.noiseTraders.count) noise traders, "
            + "\(m.searchers.count) competing searchers\(uncontested ? " (uncontested run)" : "")"
        return SimulatedMarket(
            pools: m.pools.map(\.address), lookupTables: tables ?? [:], guardProgram: guardProgram, description: text)
    }

    /// Profit available (counted once: new opportunities on disjoint pools after each block, see
    /// `AvailableProfitTracker`) over the run's slots, and captured by `wallet` (its landed transactions valued at
    /// fair prices, net of fees), in micro-USD. Waits up to `waitUpTo` for the worker to reach the run's last slot;
    /// a run it did not cover is reported with its coverage, not as a share.
    static func groundTruth(
        _ cluster: SimCluster, ledger: AvailableProfitLedger, slots: ClosedRange<UInt64>, wallet: Address,
        waitUpTo: Duration
    ) async -> GroundTruth {
        // Only slots whose block exists (the slot being built has no state yet).
        let building = await cluster.slot
        let upper = building > slots.lowerBound ? min(slots.upperBound, building - 1) : slots.lowerBound
        let slots = slots.lowerBound...upper
        let clock = ContinuousClock()
        let deadline = clock.now + waitUpTo
        while ledger.newestSlot < slots.upperBound, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let records = ledger.slots(slots)
        let available = records.reduce(Int64(0)) { $0 + Int64(clamping: $1.microUsd) }
        let captured = await cluster.capturedProfit()[wallet]?.microUsd ?? 0
        return GroundTruth(
            slots: UInt64(records.count), runSlots: UInt64(slots.count), availableMicroUsd: available,
            capturedMicroUsd: captured)
    }
}
