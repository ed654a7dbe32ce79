import ArbEngine
import ArbVenues
import SolanaPrimitives

/// Compute-unit limit and price for an arbitrage transaction. Pure: the fee samples are fetched by the caller
/// (`PriorityFees.fetch`) and passed in.
///
/// - Limit: (base + Σ per-venue leg estimate + account creation + wrap) × margin, or, once simulated,
///   unitsConsumed × margin; never above 1,400,000.
/// - Price: the configured percentile of `getRecentPrioritizationFees` over the transaction's writable accounts,
///   CAPPED so that the priority fee (limit × price / 10⁶ lamports) is at most `maxPriorityFeeShareBps` of the
///   expected profit in lamports (and at most `maxComputeUnitPriceMicroLamports`).
public struct ComputeBudgetPolicy: Sendable, Hashable {
    /// Compute outside the swaps: compute-budget instructions, guard, tip transfer.
    public var baseComputeUnits: UInt32 = 5_000
    /// Estimated compute per swap leg by venue kind (the engine's table by default).
    public var computeUnitsPerLeg: [VenueKind: UInt32] = CostModel().computeUnitsPerLeg
    /// For a venue kind missing from the table.
    public var defaultComputeUnitsPerLeg: UInt32 = 100_000
    /// An idempotent ATA create that really creates the account (ATA program + System + Token CPIs).
    public var computeUnitsPerCreatedAccount: UInt32 = 25_000
    /// Transfer + SyncNative (+ CloseAccount) for wrapping SOL.
    public var computeUnitsForWrap: UInt32 = 6_500
    /// Margin applied to estimates and to simulated consumption, in bps (12,000 = ×1.2).
    public var marginBps: UInt32 = 12_000
    /// Percentile (0…100) of recent prioritization fees to pay.
    public var priorityFeePercentile: Int = 75
    /// Largest share of the expected profit (lamports) the priority fee may take, in bps.
    public var maxPriorityFeeShareBps: UInt64 = 2_000
    /// Absolute cap on the compute-unit price, micro-lamports.
    public var maxComputeUnitPriceMicroLamports: UInt64 = 5_000_000
    /// Floor on the price (e.g. 1 so that a transaction is never at price 0 on a busy cluster).
    public var minComputeUnitPriceMicroLamports: UInt64 = 0

    public init() {}

    /// Estimated limit before any simulation.
    public func estimatedLimit(legs: [VenueKind], createdAccounts: Int, wraps: Bool) -> UInt32 {
        var units = UInt64(baseComputeUnits)
        for k in legs { units += UInt64(computeUnitsPerLeg[k] ?? defaultComputeUnitsPerLeg) }
        units += UInt64(createdAccounts) * UInt64(computeUnitsPerCreatedAccount)
        if wraps { units += UInt64(computeUnitsForWrap) }
        return withMargin(units)
    }

    /// The limit after simulating: what the transaction consumed × margin.
    public func refinedLimit(unitsConsumed: UInt64) -> UInt32 { withMargin(max(unitsConsumed, 1)) }

    func withMargin(_ units: UInt64) -> UInt32 {
        let (m, o) = units.multipliedReportingOverflow(by: UInt64(marginBps))
        let scaled = o ? UInt64.max : (m + 9_999) / 10_000
        return UInt32(min(scaled, UInt64(ComputeBudgetProgram.maxComputeUnitLimit)))
    }

    /// Nearest-rank percentile of `values` (0 for none).
    public static func percentile(_ values: [UInt64], _ p: Int) -> UInt64 {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let pc = min(max(p, 0), 100)
        // Nearest rank: ceil(p/100 × n), at least 1.
        let rank = max(1, (pc * sorted.count + 99) / 100)
        return sorted[rank - 1]
    }

    /// The price to pay and whether the profit cap lowered it.
    public struct Price: Sendable, Hashable {
        public var microLamports: UInt64
        /// The percentile of the samples before capping.
        public var market: UInt64
        public var capped: Bool
        /// ceil(limit × price / 10⁶).
        public var priorityFeeLamports: UInt64
    }

    /// The highest price whose priority fee stays within `maxPriorityFeeShareBps` of `expectedProfitLamports`.
    public func priceCap(limit: UInt32, expectedProfitLamports: UInt64) -> UInt64 {
        guard limit > 0 else { return 0 }
        let budgetMicro =
            UInt128(expectedProfitLamports) * UInt128(maxPriorityFeeShareBps) * 1_000_000 / 10_000
        let cap = budgetMicro / UInt128(limit)
        return UInt64(min(cap, UInt128(maxComputeUnitPriceMicroLamports)))
    }

    public func price(recentFees: [UInt64], limit: UInt32, expectedProfitLamports: UInt64) -> Price {
        let market = max(Self.percentile(recentFees, priorityFeePercentile), minComputeUnitPriceMicroLamports)
        let cap = priceCap(limit: limit, expectedProfitLamports: expectedProfitLamports)
        let chosen = min(market, cap)
        return Price(
            microLamports: chosen, market: market, capped: chosen < market,
            priorityFeeLamports: ComputeBudgetProgram.priorityFee(units: limit, microLamports: chosen))
    }
}
