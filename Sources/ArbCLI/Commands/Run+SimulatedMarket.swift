import ArbRuntime
import ArbSimCluster
import Logging
import SolanaPrimitives

/// The market inside the in-process simulated cluster for `solarb run`: pools, agents, ground truth.
struct SimulatedMarket: Sendable {
    var pools: [Address]
    var description: String

    /// Creates the scenario's pools and agents in `cluster`.
    static func prepare(
        cluster: SimCluster, configuration: RuntimeConfiguration, logger: Logger
    ) async throws -> SimulatedMarket {
        throw RuntimeError(
            .noPools,
            "this build's simulated cluster has no DEX programs or market scenario yet: nothing to trade. "
                + "Run against a cluster that has pools with --rpc/--ws/--keypair (dry run unless --live).")
    }

    /// Lets the market act before each block (noise traders, competing searchers).
    func beforeSlot(_ cluster: SimCluster) async {}

    /// Profit available (ground truth) and captured by `wallet` since `fromSlot`, when the cluster records it.
    func groundTruth(_ cluster: SimCluster, fromSlot: UInt64, wallet: Address) async -> GroundTruth? { nil }
}
