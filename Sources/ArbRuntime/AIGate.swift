import ArbEngine
import ArbFeatures
import ArbInference
import ArbVenues
import Foundation

/// The optional AI gate: scores each opportunity's features with an ONNX model (ArbInference) and lets it
/// through when the score reaches the threshold. Used only by the decision loop (one evaluator session).
struct AIGate {
    let session: ModelHandle.Session
    let threshold: Float

    init(modelPath: String, threshold: Double) throws(RuntimeError) {
        let handle: ModelHandle
        do { handle = try ModelHandle(contentsOf: URL(fileURLWithPath: modelPath)) } catch {
            throw RuntimeError(.invalidConfiguration, "model \(modelPath): \(error)")
        }
        session = handle.makeSession()
        self.threshold = Float(threshold)
    }

    func score(_ features: OpportunityFeatures) -> Float { session.evaluate(features).score }

    func allows(_ score: Float) -> Bool { score >= threshold }
}

extension OpportunityFeatures {
    /// The schema's features for an opportunity, from what the engine computed. Features the runtime does not
    /// measure yet (leg depths, depth ratio, tip) are 0.
    static func of(
        _ o: Opportunity, computeUnitPrice: UInt64, recentLandRate: Double
    ) -> OpportunityFeatures {
        var f = OpportunityFeatures()
        let e = o.features
        func set(_ name: String, _ v: Double) {
            if let i = FeatureSchema.index(of: name) { f[i] = Float(v) }
        }
        func code(_ k: VenueKind) -> Double {
            switch k {
            case .raydiumAmmV4, .raydiumCpmm: Double(FeatureSchema.VenueKindCode.constantProduct.rawValue)
            case .raydiumClmm, .orcaWhirlpool: Double(FeatureSchema.VenueKindCode.concentratedLiquidity.rawValue)
            case .meteoraDlmm: Double(FeatureSchema.VenueKindCode.liquidityBook.rawValue)
            }
        }
        // Lamports per base unit, from the engine's own valuation of the net profit.
        let lamportsPerUnit = o.netProfit == 0 ? 1 : Double(o.netProfitLamports) / Double(o.netProfit)
        set("spread_bps", e.spreadBps)
        set("cycle_length", Double(o.legs.count))
        for (i, name) in ["leg0_venue_kind", "leg1_venue_kind", "leg2_venue_kind"].enumerated() {
            set(name, i < o.legs.count ? code(o.legs[i].kind) : 0)
        }
        set("input_size_sol", Double(o.amountIn) * lamportsPerUnit / 1e9)
        set("expected_profit_bps", e.profitBps)
        set("expected_profit_lamports", Double(o.netProfitLamports))
        set("max_pool_age_slots", e.maxPoolAgeSlots)
        set("mean_pool_age_slots", (e.maxPoolAgeSlots + e.minPoolAgeSlots) / 2)
        set("volatility_bps", e.volatilityBps)
        set("priority_fee_level", Double(computeUnitPrice))
        set("compute_units", e.computeUnits)
        set("leader_slot_phase", Double(o.slot % 4))
        set("recent_land_rate", recentLandRate)
        return f
    }
}
