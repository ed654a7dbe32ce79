import ArbVenues
import SolanaPrimitives

extension SimCluster {
    /// Creates one pool through the DEX pool factory (`Bank.createPool`, Sources/ArbSimCluster/DEX) and returns
    /// its address. Fee tiers map to the tick spacing / bin step mainnet pools of that fee use.
    func createMarketPool(_ r: MarketPoolRequest) throws -> Address {
        let feeRate = UInt32(r.feeBps * 100)  // millionths
        var tickSpacing: UInt16? = nil
        var rangeWidth: Int32? = nil
        switch r.kind {
        case .raydiumClmm:
            // Raydium CLMM AmmConfig tiers: 0.01 % → 1, 0.05 % → 10, 0.25 % → 60, 1 % → 120.
            let s: UInt16 = r.feeBps <= 1 ? 1 : r.feeBps <= 5 ? 10 : r.feeBps <= 25 ? 60 : 120
            tickSpacing = s
            rangeWidth = Int32(max(UInt64(s), r.rangeBps / UInt64(s) * UInt64(s)))
        case .orcaWhirlpool:
            // Orca fee tiers: 0.01 % → 1, 0.04 % → 4, 0.05 % → 8, 0.3 % → 64, 1 % → 128.
            let s: UInt16 = r.feeBps <= 1 ? 1 : r.feeBps <= 4 ? 4 : r.feeBps <= 5 ? 8 : r.feeBps <= 30 ? 64 : 128
            tickSpacing = s
            rangeWidth = Int32(max(UInt64(s), r.rangeBps / UInt64(s) * UInt64(s)))
        case .meteoraDlmm:
            // Bin step (bps) = the base fee in bps (base factor 10,000), as on common mainnet pairs.
            let step = UInt16(max(1, min(r.feeBps, 100)))
            tickSpacing = step
            rangeWidth = Int32(max(1, min(r.rangeBps / UInt64(step), 200)))
        case .raydiumAmmV4, .raydiumCpmm:
            break
        }
        let spec = PoolSpec(
            kind: r.kind, mintA: MintSpec(r.mintA, decimals: r.decimalsA),
            mintB: MintSpec(r.mintB, decimals: r.decimalsB),
            feeRate: feeRate, reserveA: r.reserveA, reserveB: r.reserveB, tickSpacing: tickSpacing,
            rangeWidth: rangeWidth, seed: r.seed &* 1_000 &+ UInt64(r.index))
        do { return try bank.createPool(spec).address } catch {
            throw MarketSetupError("pool \(r.index) (\(r.kind)): \(error.description)")
        }
    }
}
