import ArbFeatures
import ArbVenues
import SolanaPrimitives

/// What the AI gate's schema asks for that the engine cannot know: the execution layer keeps it.
public struct GateContext: Sendable, Hashable {
    /// Fraction of our last 100 submitted trades that landed (`recent_land_rate`).
    public var recentLandRate: Double

    public init(recentLandRate: Double = 1) {
        self.recentLandRate = recentLandRate
    }
}

extension FeatureSchema.VenueKindCode {
    /// The schema's code for a venue kind: constant product (AMM v4, CPMM), concentrated liquidity (Whirlpool,
    /// Raydium CLMM), liquidity book (DLMM).
    public init(_ kind: VenueKind) {
        switch kind {
        case .raydiumAmmV4, .raydiumCpmm: self = .constantProduct
        case .orcaWhirlpool, .raydiumClmm: self = .concentratedLiquidity
        case .meteoraDlmm: self = .liquidityBook
        }
    }
}

extension ArbEngine {
    /// The AI gate's feature vector (`ArbFeatures.OpportunityFeatures`, in `FeatureSchema` order) for a ranked
    /// decision of the last update. Computed only here — for decisions about to be acted on — never on the
    /// update path: the leg depths cost ~30–60 exact quotes per leg, everything else is read from values the
    /// sizing already produced. Call it before the next `update` (it reads the current pool states).
    ///
    /// Mapping (schema name ← engine value):
    /// - `spread_bps` ← cycle return at the probe size (after the pools' fees, before transaction costs), bps
    /// - `cycle_length` ← legs; `leg0…2_venue_kind` ← `VenueKindCode` of legs 0–2 (0 = no such leg)
    /// - `input_size_sol` ← chosen input in SOL (the base's wSOL pool price, as for costs)
    /// - `expected_profit_bps` ← net profit / input; `expected_profit_lamports` ← net profit valued in lamports
    /// - `leg0…2_depth_sol` ← the input (in SOL, valued along the cycle's own amounts) at which the leg's average
    ///   fill rate falls 0.5 % below its marginal rate — for a constant-product pool the trade that moves the
    ///   price by ~1 %; `min_depth_ratio` ← input / the smallest depth over all legs
    /// - `max_pool_age_slots`, `mean_pool_age_slots` ← newest slot seen − the leg pools' last update slots
    /// - `volatility_bps` ← the largest leg-pool EWMA (1/8) of |Δ probe price| per update, bps
    /// - `priority_fee_level`, `tip_lamports` ← `CostModel`; `compute_units` ← the cycle's estimate
    /// - `leader_slot_phase` ← newest slot mod 4 (leader windows are 4 slots, aligned since epochs are multiples
    ///   of 4 slots); `recent_land_rate` ← `context`
    public func gateFeatures(_ r: RankedCandidate, context: GateContext = GateContext()) -> OpportunityFeatures {
        let c = Int(r.cycle)
        let base = Int(cycleBase[c])
        let legRange = Int(cycleLegStart[c])..<Int(cycleLegStart[c + 1])
        // Base units per SOL (1e9 when the base is wSOL).
        let perSol: Double
        if tokens[base] == EngineConfig.wrappedSol {
            perSol = 1e9
        } else {
            var best: UInt64 = 0
            for (p, dir) in tokenSolPools[base] {
                if let out = pools[Int(p)].quote(amountIn: 1_000_000_000, direction: dir), out > best { best = out }
            }
            perSol = best == 0 ? .nan : Double(best)
        }
        let inputSol = Double(r.amountIn) / perSol
        var f = OpportunityFeatures()
        func set(_ name: String, _ v: Double) {
            guard let i = FeatureSchema.index(of: name) else {
                preconditionFailure("feature \(name) is not in the schema")
            }
            f[i] = Float(v)
        }
        set("spread_bps", (Double(r.probeOut) - Double(r.probeIn)) / Double(r.probeIn) * 10_000)
        set("cycle_length", Double(legRange.count))
        set("input_size_sol", inputSol)
        set("expected_profit_bps", Double(r.netProfit) / Double(r.amountIn) * 10_000)
        set("expected_profit_lamports", Double(r.netProfitLamports))
        var amount = r.amountIn
        var maxAge: UInt64 = 0
        var ageSum = 0.0
        var vol = 0.0
        var minDepth = Double.infinity
        for (k, l) in legRange.enumerated() {
            let p = Int(legPool[l])
            let dir = legDirection[l]
            if k < 3 {
                set("leg\(k)_venue_kind", Double(FeatureSchema.VenueKindCode(pools[p].kind).rawValue))
            }
            // Depth in the leg's input token, valued in base units by the cycle's own exchange (amountIn ↔ amount).
            let depthIn = depth(pool: p, direction: dir, from: amount)
            let depthSol = depthIn * Double(r.amountIn) / Double(max(amount, 1)) / perSol
            if k < 3 { set("leg\(k)_depth_sol", depthSol) }
            minDepth = min(minDepth, depthSol)
            let age = currentSlot &- poolSlot[p]
            maxAge = max(maxAge, age)
            ageSum += Double(age)
            vol = max(vol, poolVolatilityBps[p])
            amount = pools[p].quote(amountIn: amount, direction: dir) ?? 0
        }
        set("min_depth_ratio", minDepth > 0 && minDepth.isFinite ? inputSol / minDepth : 1)
        set("max_pool_age_slots", Double(maxAge))
        set("mean_pool_age_slots", ageSum / Double(max(legRange.count, 1)))
        set("volatility_bps", vol)
        set("priority_fee_level", Double(config.costs.computeUnitPriceMicroLamports))
        set("compute_units", Double(cycleComputeUnits[c]))
        set("tip_lamports", Double(config.costs.tipLamports))
        set("leader_slot_phase", Double(currentSlot % 4))
        set("recent_land_rate", context.recentLandRate)
        return f
    }

    /// The input (in the leg's input token) at which the pool's average fill rate falls 0.5 % below its
    /// marginal rate: doubling from `start`, then bisection to 1/256. 0 without liquidity.
    func depth(pool p: Int, direction: SwapDirection, from start: UInt64) -> Double {
        let rate = direction == .aToB ? poolRate[p].0 : poolRate[p].1
        guard rate > 0 else { return 0 }
        let target = rate * 0.995
        func deep(_ x: UInt64) -> Bool {
            guard let out = pools[p].quote(amountIn: x, direction: direction) else { return false }
            return Double(out) / Double(x) > target
        }
        var lo = max(start / 1_024, 1)
        if !deep(lo) { return Double(lo) }
        var hi = lo
        while deep(hi) {
            lo = hi
            guard hi < UInt64.max / 4 else { return Double(hi) }
            hi *= 4
        }
        while hi - lo > max(1, hi / 256) {
            let mid = lo + (hi - lo) / 2
            if deep(mid) { lo = mid } else { hi = mid }
        }
        return Double(lo)
    }
}
