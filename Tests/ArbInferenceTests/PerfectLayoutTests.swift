import Foundation
import Testing

@testable import ArbInference

/// The perfect layout walks eight trees at once over level-major nodes with integer threshold keys, the depth a
/// compile-time constant for depths 1–8 and a runtime depth above. Random ensembles of every depth 1–10 (early
/// leaves included, tree counts that leave a partial last group of eight) must give, bit for bit, what a naive
/// walk by node ids with float comparisons gives when it sums leaf values in float, tree by tree in order
/// (onnxruntime's single-row order) — for both comparison modes, both missing-value rules, and rows full of
/// NaN, ±0, ±∞, denormals and values exactly at (and one ulp either side of) the thresholds.
@Suite struct PerfectLayoutTests {
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }
    }

    struct Tree {
        // Per node id: feature, threshold, true/false child ids (-1 for leaves), leaf value.
        var feature: [Int64] = []
        var threshold: [Float] = []
        var trueId: [Int64] = []
        var falseId: [Int64] = []
        var value: [Float] = []
    }

    static func randomTree(_ rng: inout SplitMix64, depth: Int, width: Int) -> Tree {
        var t = Tree()
        func grow(_ d: Int) -> Int64 {
            let id = Int64(t.feature.count)
            t.feature.append(0)
            t.threshold.append(0)
            t.trueId.append(-1)
            t.falseId.append(-1)
            t.value.append(0)
            // Stop early now and then, so the layout pads short branches.
            if d == depth || (d > 0 && rng.next() % 5 == 0) {
                t.value[Int(id)] = rng.unit() - 0.5
                return id
            }
            t.feature[Int(id)] = Int64(rng.next() % UInt64(width))
            t.threshold[Int(id)] = rng.unit()
            let l = grow(d + 1)
            let r = grow(d + 1)
            t.trueId[Int(id)] = l
            t.falseId[Int(id)] = r
            return id
        }
        _ = grow(0)
        return t
    }

    static func naive(_ trees: [Tree], _ x: [Float], lessThan: Bool = false, missingTrue: Bool = false) -> Float {
        var sum: Float = 0
        for t in trees {
            var n = 0
            while t.trueId[n] >= 0 {
                let v = x[Int(t.feature[n])]
                let th = t.threshold[n]
                let goesTrue = (missingTrue && v.isNaN) || (lessThan ? v < th : v <= th)
                n = Int(goesTrue ? t.trueId[n] : t.falseId[n])
            }
            sum += t.value[n]
        }
        return sum
    }

    @Test(arguments: Array(1...10))
    func lockstepWalkMatchesNaiveWalk(depth: Int) throws {
        var rng = SplitMix64(state: UInt64(depth) &* 1_000_003)
        let width = 7
        let treeCount = 3 + Int(rng.next() % 80)  // usually a partial last group of eight
        let trees = (0..<treeCount).map { _ in Self.randomTree(&rng, depth: depth, width: width) }
        let model = try InferenceModel(bytes: Self.encode(trees, width: width), expectedSchemaVersion: nil)
        #expect(model.info.treeLayouts.first?.contains("perfect") == true)
        let e = model.makeEvaluator()
        var mismatches = 0
        for _ in 0..<500 {
            // Thresholds themselves hit the ≤ boundary now and then.
            let row = (0..<width).map { f in
                rng.next() % 7 == 0 ? trees[0].threshold[f % trees[0].threshold.count] : rng.unit()
            }
            _ = row.withUnsafeBufferPointer { e.evaluate($0) }
            if e.scores[0].bitPattern != Self.naive(trees, row).bitPattern { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    /// BRANCH_LEQ and BRANCH_LT, with and without missing values tracking true, on special values: the integer
    /// keys must order exactly as the float comparisons do (−0 = +0, NaN per the missing-value rule, a NaN
    /// threshold sends every non-missing row to the false branch).
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func comparisonRulesMatchFloatComparisons(lessThan: Bool, missingTrue: Bool) throws {
        var rng = SplitMix64(state: (lessThan ? 7 : 3) &+ (missingTrue ? 100 : 0))
        let width = 5
        let specials: [Float] = [
            0, -0.0, .infinity, -.infinity, .nan, -Float.nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1, 0.5,
        ]
        var trees = (0..<37).map { _ in Self.randomTree(&rng, depth: 6, width: width) }
        // Special thresholds (NaN, ±0, ±∞, denormals) on some nodes.
        for t in trees.indices {
            for n in trees[t].threshold.indices where trees[t].trueId[n] >= 0 && rng.next() % 4 == 0 {
                trees[t].threshold[n] = specials[Int(rng.next() % UInt64(specials.count))]
            }
        }
        let thresholds = trees.flatMap { t in t.threshold.indices.filter { t.trueId[$0] >= 0 }.map { t.threshold[$0] } }
        let model = try InferenceModel(
            bytes: Self.encode(
                trees, width: width, mode: lessThan ? "BRANCH_LT" : "BRANCH_LEQ", missingTrue: missingTrue),
            expectedSchemaVersion: nil)
        #expect(model.info.treeLayouts.first?.contains("perfect") == true)
        let e = model.makeEvaluator()
        var mismatches = 0
        for _ in 0..<3000 {
            let row = (0..<width).map { _ -> Float in
                switch rng.next() % 4 {
                case 0: return specials[Int(rng.next() % UInt64(specials.count))]
                case 1:
                    let t = thresholds[Int(rng.next() % UInt64(thresholds.count))]
                    switch rng.next() % 3 {
                    case 0: return t
                    case 1: return t.nextUp
                    default: return t.nextDown
                    }
                default: return rng.unit() * 4 - 2
                }
            }
            _ = row.withUnsafeBufferPointer { e.evaluate($0) }
            let want = Self.naive(trees, row, lessThan: lessThan, missingTrue: missingTrue)
            if e.scores[0].bitPattern != want.bitPattern { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    /// orderKey orders non-NaN floats exactly as `<` does and maps −0 and +0 to one key.
    @Test func orderKeyIsMonotone() {
        var rng = SplitMix64(state: 99)
        let specials: [Float] = [
            0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
            .leastNormalMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1,
        ]
        var bad = 0
        for i in 0..<100_000 {
            let a = i < 144 ? specials[i % 12] : Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            let b =
                i < 144
                ? specials[i / 12]
                : (rng.next() % 2 == 0 ? a.nextUp : Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())))
            if a.isNaN || b.isNaN { continue }
            if (a < b) != (orderKey(a) < orderKey(b)) || (a == b) != (orderKey(a) == orderKey(b)) { bad += 1 }
            if orderKey(a) == Int32.min || orderKey(a) == Int32.max { bad += 1 }
        }
        #expect(bad == 0)
    }

    static func encode(_ trees: [Tree], width: Int, mode: String = "BRANCH_LEQ", missingTrue: Bool = false) -> [UInt8] {
        var attrs = (tree: [Int64](), node: [Int64](), feature: [Int64](), mode: [String](), value: [Float]())
        var links = (t: [Int64](), f: [Int64]())
        var leaves = (tree: [Int64](), node: [Int64](), weight: [Float]())
        for (ti, t) in trees.enumerated() {
            for n in 0..<t.feature.count {
                let leaf = t.trueId[n] < 0
                attrs.tree.append(Int64(ti))
                attrs.node.append(Int64(n))
                attrs.feature.append(t.feature[n])
                attrs.mode.append(leaf ? "LEAF" : mode)
                attrs.value.append(t.threshold[n])
                links.t.append(leaf ? 0 : t.trueId[n])
                links.f.append(leaf ? 0 : t.falseId[n])
                if leaf {
                    leaves.tree.append(Int64(ti))
                    leaves.node.append(Int64(n))
                    leaves.weight.append(t.value[n])
                }
            }
        }
        return makeModel(
            width: width,
            nodes: [
                Node(
                    op: "TreeEnsembleRegressor", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["y"],
                    attrs: [
                        .ints("nodes_treeids", attrs.tree), .ints("nodes_nodeids", attrs.node),
                        .ints("nodes_featureids", attrs.feature), .strings("nodes_modes", attrs.mode),
                        .floats("nodes_values", attrs.value), .ints("nodes_truenodeids", links.t),
                        .ints("nodes_falsenodeids", links.f), .ints("target_treeids", leaves.tree),
                        .ints("target_nodeids", leaves.node), .ints("target_ids", leaves.node.map { _ in 0 }),
                        .floats("target_weights", leaves.weight), .int("n_targets", 1),
                        .ints("nodes_missing_value_tracks_true", attrs.node.map { _ in missingTrue ? 1 : 0 }),
                    ])
            ], outputs: [Output(name: "y", dims: [nil, 1])])
    }
}
