import Foundation
import Testing

@testable import ArbInference

/// The perfect-layout traversal walks up to 25 trees in lockstep with the depth as a compile-time constant for
/// depths 1–8 and a runtime depth above. Random ensembles of every depth 1–10 (early leaves included, tree counts
/// that leave a partial last group) must give, bit for bit, what a naive walk by node ids gives when it sums leaf
/// values in float, tree by tree in order (onnxruntime's single-row order).
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

    static func naive(_ trees: [Tree], _ x: [Float]) -> Float {
        var sum: Float = 0
        for t in trees {
            var n = 0
            while t.trueId[n] >= 0 { n = Int(x[Int(t.feature[n])] <= t.threshold[n] ? t.trueId[n] : t.falseId[n]) }
            sum += t.value[n]
        }
        return sum
    }

    @Test(arguments: Array(1...10))
    func lockstepWalkMatchesNaiveWalk(depth: Int) throws {
        var rng = SplitMix64(state: UInt64(depth) &* 1_000_003)
        let width = 7
        let treeCount = 3 + Int(rng.next() % 80)  // usually a partial last group of 25
        let trees = (0..<treeCount).map { _ in Self.randomTree(&rng, depth: depth, width: width) }
        var attrs = (tree: [Int64](), node: [Int64](), feature: [Int64](), mode: [String](), value: [Float]())
        var links = (t: [Int64](), f: [Int64]())
        var leaves = (tree: [Int64](), node: [Int64](), weight: [Float]())
        for (ti, t) in trees.enumerated() {
            for n in 0..<t.feature.count {
                let leaf = t.trueId[n] < 0
                attrs.tree.append(Int64(ti))
                attrs.node.append(Int64(n))
                attrs.feature.append(t.feature[n])
                attrs.mode.append(leaf ? "LEAF" : "BRANCH_LEQ")
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
        let bytes = makeModel(
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
                    ])
            ], outputs: [Output(name: "y", dims: [nil, 1])])
        let model = try InferenceModel(bytes: bytes, expectedSchemaVersion: nil)
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
}
