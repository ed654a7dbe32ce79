import ArbEngine
import ArbFeatures
import ArbVenues
import SolanaPrimitives
import Testing

@Suite("ArbEngine → ArbFeatures schema mapping")
struct GateFeaturesTests {
    /// The schema order this mapping was written against; a schema change must revisit `gateFeatures`.
    static let expectedOrder = [
        "spread_bps", "cycle_length", "leg0_venue_kind", "leg1_venue_kind", "leg2_venue_kind", "input_size_sol",
        "expected_profit_bps", "expected_profit_lamports", "leg0_depth_sol", "leg1_depth_sol", "leg2_depth_sol",
        "min_depth_ratio", "max_pool_age_slots", "mean_pool_age_slots", "volatility_bps", "priority_fee_level",
        "compute_units", "tip_lamports", "leader_slot_phase", "recent_land_rate",
    ]

    @Test("schema order is the one the mapping fills")
    func schemaOrder() {
        #expect(FeatureSchema.features.map(\.name) == Self.expectedOrder)
        #expect(FeatureSchema.version == 1)
        #expect(OpportunityFeatures.count == Self.expectedOrder.count)
    }

    @Test("feature vector values, position by position, against values computed independently")
    func values() throws {
        // wSOL–X (CPMM) twice, 2 % apart: the round trip buys X in pool 1 and sells it in pool 2.
        let x = T.addr(10)
        let p1 = T.pool(1, T.sol, x, 1_000_000_000_000, 2_040_000_000_000, fee: 25)
        let p2 = T.pool(2, T.sol, x, 1_000_000_000_000, 2_000_000_000_000, fee: 25, kind: .orcaWhirlpool)
        var config = T.config()
        config.costs.computeUnitPriceMicroLamports = 2_000
        config.costs.tipLamports = 7_000
        config.risk.maxStaleSlots = 100
        var e = ArbEngine<ConstantProductQuoter>(config: config)
        e.insert(p1, slot: 1_001)
        e.insert(p2, slot: 1_003)
        e.rebuildIndex()
        e.update(poolAt: try #require(e.poolHandle(p1.address)), p1, slot: 1_001)
        e.update(poolAt: try #require(e.poolHandle(p2.address)), p2, slot: 1_006)
        let r = try #require(e.ranked.first)
        let o = e.opportunity(r)
        #expect(o.legs.map(\.pool) == [p1.address, p2.address])
        let f = e.gateFeatures(r, context: GateContext(recentLandRate: 0.75))

        // Depth of a constant-product leg (input reserve R, fee φ): average rate R'·γ/(R + γd) = 0.995 · marginal
        // ⇔ d = R (1/0.995 − 1) / γ, γ = 1 − φ.
        let gamma = 1 - 25.0 / 10_000
        let depth0 = 1e12 * (1 / 0.995 - 1) / gamma / 1e9  // SOL in
        let depth1X = 2e12 * (1 / 0.995 - 1) / gamma  // X in (pool 2 sells X for SOL)
        let depth1 = depth1X * Double(o.amountIn) / Double(o.legs[1].amountIn) / 1e9
        let inputSol = Double(o.amountIn) / 1e9
        let expected: [String: Double] = [
            "spread_bps": (Double(r.probeOut) - Double(r.probeIn)) / Double(r.probeIn) * 10_000,
            "cycle_length": 2,
            "leg0_venue_kind": 1,  // CPMM: constant product
            "leg1_venue_kind": 2,  // Whirlpool: concentrated liquidity
            "leg2_venue_kind": 0,
            "input_size_sol": inputSol,
            "expected_profit_bps": Double(o.netProfit) / Double(o.amountIn) * 10_000,
            "expected_profit_lamports": Double(o.netProfitLamports),
            "leg0_depth_sol": depth0,
            "leg1_depth_sol": depth1,
            "leg2_depth_sol": 0,
            "min_depth_ratio": inputSol / min(depth0, depth1),
            "max_pool_age_slots": 5,  // newest slot 1,006; pool 1 last updated at 1,001
            "mean_pool_age_slots": 2.5,
            "volatility_bps": 0,  // first observation of each pool
            "priority_fee_level": 2_000,
            "compute_units": Double(15_000 + 50_000 + 80_000),
            "tip_lamports": 7_000,
            "leader_slot_phase": Double(1_006 % 4),
            "recent_land_rate": 0.75,
        ]
        #expect(expected.count == OpportunityFeatures.count)
        for (i, name) in Self.expectedOrder.enumerated() {
            let want = try #require(expected[name])
            let got = Double(f[i])
            // Depths come from a bisection to 1/256; everything else is exact up to Float rounding.
            let tolerance = name.contains("depth") ? 0.01 : 1e-6
            #expect(
                abs(got - want) <= tolerance * max(abs(want), 1e-9), "\(i) \(name): got \(got), expected \(want)")
        }
        #expect(o.computeUnits == 145_000)
        #expect(o.netProfit > 0)
    }
}
