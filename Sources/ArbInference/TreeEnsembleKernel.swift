import Foundation

/// TreeEnsembleClassifier / TreeEnsembleRegressor (ai.onnx.ml v1/v3), compiled at load time.
///
/// Two layouts:
/// - **Perfect** (the fast path): when every branch uses the same comparison (BRANCH_LEQ or BRANCH_LT) with the
///   same missing-value rule, and every leaf adds exactly one weight to target 0, each tree is padded to a
///   complete binary tree of the ensemble's maximum depth D (a leaf above depth D becomes a branch whose two
///   subtrees carry the same leaf value). The nodes of all trees are stored *level-major*: level d of tree k,
///   position j, sits at `T·(2^d − 1) + k·2^d + j` (T trees), so a step from any node is
///   `g = 2g + T + goRight`, whatever the tree and level, and the walk ends on `T·(2^D − 1) + k·2^D + leaf`.
///   Comparisons are integer: thresholds are stored as order-preserving Int32 keys at load time and the row's
///   features are keyed once per call (NaN gets a key outside every threshold's range, on the side the
///   missing-value rule sends it), so `goRight` is the sign bit of `key(t) − key(x)`: no float compare, no
///   select the compiler could turn into a branch. Eight trees are walked at once (their chains of dependent
///   loads overlap); the depth is a compile-time constant for depths 1–8.
/// - **Generic**: a node array walked by pointer chasing, any mode, leaves with any number of (target, weight).
///
/// Aggregation follows onnxruntime (tree_ensemble_aggregator.h): leaf weights are summed in float, tree by tree
/// in tree order; base values are added after the sum (AVERAGE divides the sum by the tree count first); then the
/// classifier's binary/multiclass label and post-transform rules. onnxruntime may split a single row's trees
/// across threads and add the partial sums, so its float sum can differ from ours in the last bits.
final class TreeEnsembleKernel: @unchecked Sendable {
    enum Mode: UInt8 {
        case leq = 0
        case lt, gte, gt, eq, neq, leaf
        init?(_ s: String) {
            switch s {
            case "BRANCH_LEQ": self = .leq
            case "BRANCH_LT": self = .lt
            case "BRANCH_GTE": self = .gte
            case "BRANCH_GT": self = .gt
            case "BRANCH_EQ": self = .eq
            case "BRANCH_NEQ": self = .neq
            case "LEAF": self = .leaf
            default: return nil
            }
        }
    }

    struct Node {
        var feature: Int32
        var threshold: Float
        var trueChild: Int32
        var falseChild: Int32
        var mode: Mode
        var missingTrue: Bool
        /// Leaves: range in `leafTargets` / `leafWeights`.
        var weightStart: Int32
        var weightCount: Int32
    }

    enum Aggregate: String {
        case sum = "SUM"
        case average = "AVERAGE"
    }

    let treeCount: Int
    let targets: Int
    let baseValues: [Float]
    let aggregate: Aggregate
    let post: PostTransform
    let inputWidth: Int

    // Classifier only.
    let isClassifier: Bool
    let classLabels: [Int64]
    let binaryCase: Bool
    let weightsAllPositive: Bool

    // Generic layout.
    let nodes: UnsafeMutablePointer<Node>
    let nodeCount: Int
    let roots: [Int32]
    let leafTargets: UnsafeMutablePointer<Int32>
    let leafWeights: UnsafeMutablePointer<Float>

    // Perfect layout (nil when not applicable).
    let perfectDepth: Int
    /// Levels 0 … D−2, level-major: threshold key and feature side by side (one 8-byte load per step).
    let perfectNodes: UnsafeMutablePointer<KeyNode>?
    /// Level D−1, tree by tree (tree k's node j at `k·2^(D−1) + j`), each with its two leaf values.
    let perfectLast: UnsafeMutablePointer<LastNode>?
    /// The key a NaN feature gets: above every threshold key (goes right, the false branch) or below all of them
    /// (missing values track true: goes left).
    let perfectMissingKey: Int32

    /// Number of score columns the kernel writes.
    var scoreWidth: Int { isClassifier ? classLabels.count : targets }
    var usesFastPath: Bool { perfectLast != nil }
    /// Int32 scratch the evaluator passes to `classify`/`regress` (the row's feature keys); 0 when not needed.
    var keyScratchWidth: Int { usesFastPath ? inputWidth : 0 }
    var maxDepth: Int

    deinit {
        nodes.deallocate()
        leafTargets.deallocate()
        leafWeights.deallocate()
        perfectNodes?.deallocate()
        perfectLast?.deallocate()
    }

    struct Spec {
        var treeIds: [Int64]
        var nodeIds: [Int64]
        var featureIds: [Int64]
        var modes: [String]
        var values: [Float]
        var trueIds: [Int64]
        var falseIds: [Int64]
        var missingTrue: [Int64]
        var weightTreeIds: [Int64]
        var weightNodeIds: [Int64]
        var weightTargets: [Int64]
        var weights: [Float]
        var baseValues: [Float]
        var targets: Int
        var classLabels: [Int64]
        var isClassifier: Bool
        var post: PostTransform
        var aggregate: Aggregate
        var inputWidth: Int
        var opName: String
    }

    // swiftlint:disable:next function_body_length
    init(_ s: Spec) throws(InferenceError) {
        let op = s.opName
        func invalid(_ d: String) -> InferenceError { InferenceError(.invalidModel, "\(op): \(d)") }
        let n = s.nodeIds.count
        guard n > 0 else { throw invalid("no nodes") }
        for (name, c) in [
            ("nodes_treeids", s.treeIds.count), ("nodes_featureids", s.featureIds.count),
            ("nodes_modes", s.modes.count), ("nodes_values", s.values.count),
            ("nodes_truenodeids", s.trueIds.count), ("nodes_falsenodeids", s.falseIds.count),
        ] where c != n {
            throw invalid("\(name) has \(c) entries, nodes_nodeids has \(n)")
        }
        guard s.missingTrue.isEmpty || s.missingTrue.count == n else {
            throw invalid("nodes_missing_value_tracks_true has \(s.missingTrue.count) entries, expected \(n)")
        }
        let w = s.weights.count
        guard s.weightTreeIds.count == w, s.weightNodeIds.count == w, s.weightTargets.count == w else {
            throw invalid("leaf weight attributes have different lengths")
        }
        guard n <= 10_000_000, w <= 10_000_000 else { throw invalid("too many nodes") }

        // Map (tree, node) → local index; group by tree in order of first appearance of each tree id.
        var index: [Int64: [Int64: Int]] = [:]
        var treeOrder: [Int64] = []
        for i in 0..<n {
            let t = s.treeIds[i]
            if index[t] == nil {
                index[t] = [:]
                treeOrder.append(t)
            }
            guard index[t]![s.nodeIds[i]] == nil else { throw invalid("duplicate node \(s.nodeIds[i]) in tree \(t)") }
            index[t]![s.nodeIds[i]] = i
        }
        // ORT visits trees in ascending tree id order; so do we.
        treeOrder.sort()

        var modes: [Mode] = []
        modes.reserveCapacity(n)
        for m in s.modes {
            guard let mode = Mode(m) else {
                throw InferenceError(.unsupportedAttribute, "\(op): nodes_modes value '\(m)'")
            }
            modes.append(mode)
        }

        // Leaf weights per source node.
        var leafWeightsBySource: [Int: [(Int32, Float)]] = [:]
        var targetsSeen = Set<Int64>()
        var allPositive = true
        for j in 0..<w {
            guard let tree = index[s.weightTreeIds[j]], let src = tree[s.weightNodeIds[j]] else {
                throw invalid("leaf weight for unknown node \(s.weightNodeIds[j]) of tree \(s.weightTreeIds[j])")
            }
            let target = s.weightTargets[j]
            let limit = s.isClassifier ? s.classLabels.count : s.targets
            guard target >= 0, target < Int64(limit) else {
                throw invalid("leaf weight target \(target) outside 0..<\(limit)")
            }
            targetsSeen.insert(target)
            if s.weights[j] < 0 { allPositive = false }
            leafWeightsBySource[src, default: []].append((Int32(target), s.weights[j]))
        }

        // Lay out nodes tree by tree in depth-first order, validating structure (each node reached once).
        var out: [Node] = []
        out.reserveCapacity(n)
        var lt: [Int32] = []
        var lw: [Float] = []
        var rootList: [Int32] = []
        var depthMax = 0
        var uniform = true
        var firstBranch: (Mode, Bool)?
        for t in treeOrder {
            let local = index[t]!
            var isChild = Set<Int>()
            for (_, src) in local where modes[src] != .leaf {
                for c in [s.trueIds[src], s.falseIds[src]] {
                    guard let ci = local[c] else { throw invalid("tree \(t) node refers to missing child \(c)") }
                    isChild.insert(ci)
                }
            }
            let rootsHere = local.values.filter { !isChild.contains($0) }
            guard rootsHere.count == 1, let root = rootsHere.first else {
                throw invalid("tree \(t) has \(rootsHere.count) roots")
            }
            rootList.append(Int32(out.count))
            // Iterative DFS; children are patched once placed.
            var visited = Set<Int>()
            var stack: [(src: Int, parent: Int, isTrue: Bool, depth: Int)] = [(root, -1, false, 0)]
            while let (src, parent, isTrue, depth) = stack.popLast() {
                guard visited.insert(src).inserted else {
                    throw invalid("tree \(t) is not a tree (node reached twice)")
                }
                guard depth <= 4096 else { throw invalid("tree \(t) deeper than 4096") }
                let me = out.count
                if parent >= 0 {
                    if isTrue { out[parent].trueChild = Int32(me) } else { out[parent].falseChild = Int32(me) }
                }
                let mode = modes[src]
                let missing = s.missingTrue.isEmpty ? false : s.missingTrue[src] != 0
                if mode == .leaf {
                    let ws = leafWeightsBySource[src] ?? []
                    out.append(
                        Node(
                            feature: 0, threshold: 0, trueChild: -1, falseChild: -1, mode: .leaf, missingTrue: false,
                            weightStart: Int32(lt.count), weightCount: Int32(ws.count)))
                    for (tg, wv) in ws {
                        lt.append(tg)
                        lw.append(wv)
                    }
                    if ws.count != 1 || ws[0].0 != 0 { uniform = false }
                    depthMax = max(depthMax, depth)
                } else {
                    let f = s.featureIds[src]
                    guard f >= 0, f < Int64(s.inputWidth) else {
                        throw invalid("tree \(t) splits on feature \(f), input has \(s.inputWidth)")
                    }
                    out.append(
                        Node(
                            feature: Int32(f), threshold: s.values[src], trueChild: -1, falseChild: -1, mode: mode,
                            missingTrue: missing, weightStart: 0, weightCount: 0))
                    if let fb = firstBranch {
                        if fb.0 != mode || fb.1 != missing { uniform = false }
                    } else {
                        firstBranch = (mode, missing)
                    }
                    // Push false first so the true subtree is laid out right after its parent.
                    stack.append((local[s.falseIds[src]]!, me, false, depth + 1))
                    stack.append((local[s.trueIds[src]]!, me, true, depth + 1))
                }
            }
            guard visited.count == local.count else {
                throw invalid("tree \(t) has \(local.count - visited.count) unreachable nodes")
            }
        }

        self.treeCount = treeOrder.count
        self.targets = s.targets
        self.baseValues = s.baseValues
        self.aggregate = s.aggregate
        self.post = s.post
        self.inputWidth = s.inputWidth
        self.isClassifier = s.isClassifier
        self.classLabels = s.classLabels
        self.binaryCase = s.isClassifier && s.classLabels.count == 2 && targetsSeen.count == 1
        self.weightsAllPositive = allPositive
        self.maxDepth = depthMax
        self.nodeCount = out.count
        self.nodes = .allocate(capacity: max(1, out.count))
        self.nodes.initialize(from: out, count: out.count)
        self.roots = rootList
        self.leafTargets = .allocate(capacity: max(1, lt.count))
        self.leafTargets.initialize(from: lt, count: lt.count)
        self.leafWeights = .allocate(capacity: max(1, lw.count))
        self.leafWeights.initialize(from: lw, count: lw.count)

        // The perfect layout: uniform LEQ/LT branches, one weight to target 0 per leaf, bounded padded size.
        let mode = firstBranch?.0 ?? .leq
        let padded = treeOrder.count << depthMax
        if uniform, mode == .leq || mode == .lt, depthMax >= 1, depthMax <= 12, padded <= 1 << 22 {
            let innerCount = (1 << depthMax) - 1
            let leaves = 1 << depthMax
            let pf = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, treeCount * innerCount))
            let pt = UnsafeMutablePointer<Float>.allocate(capacity: max(1, treeCount * innerCount))
            let pl = UnsafeMutablePointer<Float>.allocate(capacity: treeCount * leaves)
            pf.initialize(repeating: 0, count: max(1, treeCount * innerCount))
            pt.initialize(repeating: 0, count: max(1, treeCount * innerCount))
            pl.initialize(repeating: 0, count: treeCount * leaves)
            for (ti, root) in rootList.enumerated() {
                // (node, perfect index at its depth, depth)
                var stack: [(Int, Int, Int)] = [(Int(root), 0, 0)]
                while let (ni, pi, d) = stack.popLast() {
                    let node = out[ni]
                    if node.mode == .leaf {
                        // Fill every perfect leaf under position pi (at depth d) with this leaf's value.
                        let span = 1 << (depthMax - d)
                        let firstLeaf = ((pi + 1) << (depthMax - d)) - 1 - innerCount
                        let value = lw[Int(node.weightStart)]
                        for k in 0..<span { pl[ti * leaves + firstLeaf + k] = value }
                        // Internal pseudo-nodes below keep feature 0 / threshold 0: both sides lead to `value`.
                    } else {
                        pf[ti * innerCount + pi] = node.feature
                        pt[ti * innerCount + pi] = node.threshold
                        stack.append((Int(node.trueChild), 2 * pi + 1, d + 1))
                        stack.append((Int(node.falseChild), 2 * pi + 2, d + 1))
                    }
                }
            }
            // Level-major, with thresholds as order keys (see the type's documentation).
            let missingTrue = firstBranch?.1 ?? false
            let upper = treeCount * ((1 << (depthMax - 1)) - 1)
            let packed = UnsafeMutablePointer<KeyNode>.allocate(capacity: max(1, upper))
            packed.initialize(repeating: KeyNode(key: 0, feature: 0), count: max(1, upper))
            let lastWidth = 1 << (depthMax - 1)
            let last = UnsafeMutablePointer<LastNode>.allocate(capacity: treeCount * lastWidth)
            for ti in 0..<treeCount {
                for d in 0..<depthMax {
                    for j in 0..<(1 << d) {
                        let src = ti * innerCount + (1 << d) - 1 + j
                        let key = perfectThresholdKey(pt[src], lessThan: mode == .lt)
                        if d < depthMax - 1 {
                            packed[treeCount * ((1 << d) - 1) + ti * (1 << d) + j] = KeyNode(
                                key: key, feature: UInt32(pf[src]))
                        } else {
                            // Its children are leaves 2j (true, left) and 2j + 1 (false, right).
                            (last + ti * lastWidth + j).initialize(
                                to: LastNode(
                                    key: key, feature: UInt32(pf[src]),
                                    leaves: (
                                        pl[ti * leaves + 2 * j], pl[ti * leaves + 2 * j + 1]
                                    )))
                        }
                    }
                }
            }
            pf.deallocate()
            pt.deallocate()
            pl.deallocate()
            self.perfectDepth = depthMax
            self.perfectNodes = packed
            self.perfectLast = last
            self.perfectMissingKey = missingTrue ? Int32.min : Int32.max
        } else {
            self.perfectDepth = 0
            self.perfectNodes = nil
            self.perfectLast = nil
            self.perfectMissingKey = 0
        }
    }

    // MARK: Evaluation

    @inline(__always)
    static func goesTrue(_ v: Float, _ t: Float, _ mode: Mode, _ missingTrue: Bool) -> Bool {
        if missingTrue && v.isNaN { return true }
        switch mode {
        case .leq: return v <= t
        case .lt: return v < t
        case .gte: return v >= t
        case .gt: return v > t
        case .eq: return v == t
        case .neq: return v != t
        case .leaf: return false
        }
    }

    /// Sum over trees with the perfect layout (single target). `x` has `inputWidth` floats; `keys` is scratch for
    /// `inputWidth` Int32 values.
    @inline(__always)
    func perfectSum(_ x: UnsafePointer<Float>, _ keys: UnsafeMutablePointer<Int32>) -> Float {
        let missing = perfectMissingKey
        for f in 0..<inputWidth {
            let v = x[f]
            keys[f] = v.isNaN ? missing : orderKey(v)
        }
        switch perfectDepth {
        case 1: return perfectSum(keys, Depth1.self)
        case 2: return perfectSum(keys, Depth2.self)
        case 3: return perfectSum(keys, Depth3.self)
        case 4: return perfectSum(keys, Depth4.self)
        case 5: return perfectSum(keys, Depth5.self)
        case 6: return perfectSum(keys, Depth6.self)
        case 7: return perfectSum(keys, Depth7.self)
        case 8: return perfectSum(keys, Depth8.self)
        default: return perfectSum(keys, RuntimeDepth.self)
        }
    }

    /// Eight trees at a time, each walked to its leaf with the depth unrolled (a compile-time constant for the
    /// specialized depths): eight independent chains of dependent loads (node, then the feature's key) overlap.
    /// One step is a node load, a key load, a compare and an add: the branch direction is the sign bit of
    /// `key(t) − key(x)` computed in 64 bits, which never overflows and never becomes a branch. The last level's
    /// nodes carry their two leaf values, so the last step reads the leaf from the node's own cache line.
    /// The leaves are added in tree order, so the float sum is the sequential tree-order sum onnxruntime
    /// computes for one row.
    @inline(__always)
    func perfectSum<D: TreeDepth>(_ keys: UnsafeMutablePointer<Int32>, _: D.Type) -> Float {
        let nodes = UnsafePointer(perfectNodes.unsafelyUnwrapped)
        let keys = UnsafePointer(keys)
        let depth = D.value(perfectDepth)
        let trees = treeCount
        // After D − 1 steps tree k is at T·(2^(D−1) − 1) + k·2^(D−1) + j; its last-level node j is stored at
        // k·2^(D−1) + j.
        // (Address arithmetic only: the shifted base is never dereferenced below the allocation.)
        let last =
            UnsafeRawPointer(perfectLast.unsafelyUnwrapped)
            - trees &* ((1 &<< (depth &- 1)) &- 1) &* MemoryLayout<LastNode>.stride
        @inline(__always) func goRight(_ n: KeyNode) -> Int {
            let d = Int64(n.key) &- Int64(keys[Int(n.feature)])
            return Int(truncatingIfNeeded: UInt64(bitPattern: d) &>> 63)
        }
        @inline(__always) func step(_ g: Int) -> Int { 2 &* g &+ trees &+ goRight(nodes[g]) }
        @inline(__always) func leaf(_ g: Int) -> Float {
            let p = last + g &* MemoryLayout<LastNode>.stride
            let c = goRight(p.load(as: KeyNode.self))
            return p.load(fromByteOffset: MemoryLayout<KeyNode>.stride &+ c &* 4, as: Float.self)
        }
        var sum: Float = 0
        var k = 0
        while k &+ 8 <= trees {
            var g0 = k
            var g1 = k &+ 1
            var g2 = k &+ 2
            var g3 = k &+ 3
            var g4 = k &+ 4
            var g5 = k &+ 5
            var g6 = k &+ 6
            var g7 = k &+ 7
            for _ in 1..<depth {
                g0 = step(g0)
                g1 = step(g1)
                g2 = step(g2)
                g3 = step(g3)
                g4 = step(g4)
                g5 = step(g5)
                g6 = step(g6)
                g7 = step(g7)
            }
            sum += leaf(g0)
            sum += leaf(g1)
            sum += leaf(g2)
            sum += leaf(g3)
            sum += leaf(g4)
            sum += leaf(g5)
            sum += leaf(g6)
            sum += leaf(g7)
            k &+= 8
        }
        while k < trees {
            var g = k
            for _ in 1..<depth { g = step(g) }
            sum += leaf(g)
            k &+= 1
        }
        return sum
    }

    /// Generic walk: adds each tree's leaf weights into `scores[0..<width]`, marking `has` per target.
    @inline(__always)
    func genericSum(_ x: UnsafePointer<Float>, _ scores: UnsafeMutablePointer<Float>, _ has: UnsafeMutablePointer<Bool>)
    {
        for r in roots {
            var node = nodes + Int(r)
            while node.pointee.mode != .leaf {
                let nd = node.pointee
                let go = Self.goesTrue(x[Int(nd.feature)], nd.threshold, nd.mode, nd.missingTrue)
                node = nodes + Int(go ? nd.trueChild : nd.falseChild)
            }
            let start = Int(node.pointee.weightStart)
            for k in start..<(start + Int(node.pointee.weightCount)) {
                let tg = Int(leafTargets[k])
                scores[tg] += leafWeights[k]
                has[tg] = true
            }
        }
    }

    /// Raw sums into `scores` (width = scoreWidth); `has` (same width) tells which targets received a weight.
    @inline(__always)
    func accumulate(
        _ x: UnsafePointer<Float>, _ scores: UnsafeMutablePointer<Float>, _ has: UnsafeMutablePointer<Bool>,
        _ keys: UnsafeMutablePointer<Int32>
    ) {
        let width = scoreWidth
        for k in 0..<width {
            scores[k] = 0
            has[k] = false
        }
        if perfectLast != nil {
            scores[0] = perfectSum(x, keys)
            has[0] = treeCount > 0
        } else {
            genericSum(x, scores, has)
        }
    }

    func regress(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ has: UnsafeMutablePointer<Bool>,
        _ keys: UnsafeMutablePointer<Int32>
    ) {
        accumulate(x, y, has, keys)
        for k in 0..<targets {
            var v = y[k]
            if aggregate == .average { v /= Float(treeCount) }
            if k < baseValues.count { v += baseValues[k] }
            y[k] = v
        }
        // Only NONE is accepted for regressors at load time.
    }

    /// Classifier finalization, mirroring onnxruntime's TreeAggregatorClassifier::FinalizeScores.
    func classify(
        _ x: UnsafePointer<Float>, label: UnsafeMutablePointer<Int64>, scores: UnsafeMutablePointer<Float>,
        has: UnsafeMutablePointer<Bool>, keys: UnsafeMutablePointer<Int32>
    ) {
        accumulate(x, scores, has, keys)
        let k = classLabels.count
        if k > 2 {
            for c in 0..<min(baseValues.count, k) {
                if has[c] {
                    scores[c] += baseValues[c]
                } else {
                    scores[c] = baseValues[c]
                    has[c] = true
                }
            }
            var best = -1
            var bestValue: Float = 0
            for c in 0..<k where has[c] && (best == -1 || scores[c] > bestValue) {
                best = c
                bestValue = scores[c]
            }
            label.pointee = classLabels[max(0, best)]
            applyPost(scores, k)
            return
        }
        // Binary (k == 2).
        var size = 2
        var additional = -1
        if baseValues.count == 2 {
            if has[1] {
                scores[1] = baseValues[1] + scores[0]
                scores[0] = -scores[1]
            } else {
                scores[1] += baseValues[1]
                scores[0] += baseValues[0]
            }
        } else if baseValues.count == 1 {
            scores[0] += baseValues[0]
            if !has[1] { size = 1 }
        } else if baseValues.isEmpty {
            additional = 3
            if !has[1] { size = 1 }
        }
        let posWeight: Float = (size == 2 && has[1]) ? scores[1] : (has[0] ? scores[0] : 0)
        if binaryCase {
            if weightsAllPositive {
                if posWeight > 0.5 {
                    additional = 0
                    label.pointee = classLabels[1]
                } else {
                    additional = 1
                    label.pointee = classLabels[0]
                }
            } else {
                if posWeight > 0 {
                    additional = 2
                    label.pointee = classLabels[1]
                } else {
                    additional = 3
                    label.pointee = classLabels[0]
                }
            }
        } else {
            label.pointee = posWeight > 0 ? 1 : 0
        }
        if size == 2 {
            applyPost(scores, 2)
            return
        }
        let s = scores[0]
        switch additional {
        case 0, 1:
            scores[0] = 1 - s
            scores[1] = s
        case 2, 3:
            if post == .logistic {
                // mlLogistic(−s) and mlLogistic(s) share exp(−|s|): one exp, the same two results bit for bit.
                let e = 1 / (1 + Foundation.exp(-Swift.abs(s)))
                scores[0] = -s < 0 ? 1 - e : e
                scores[1] = s < 0 ? 1 - e : e
            } else {
                scores[0] = -s
                scores[1] = s
            }
        default:
            scores[1] = 0
        }
    }

    @inline(__always)
    func applyPost(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        switch post {
        case .none: break
        case .logistic: for i in 0..<n { p[i] = mlLogistic(p[i]) }
        case .softmax: mlSoftmax(p, n)
        case .softmaxZero: mlSoftmaxZero(p, n)
        case .probit: for i in 0..<n { p[i] = probit(p[i]) }
        }
    }
}

/// The depth of the perfect layout as a type, so the traversal can be specialized for it.
protocol TreeDepth {
    /// The depth: a constant for the specialized depths, the runtime value otherwise.
    static func value(_ runtime: Int) -> Int
}
enum Depth1: TreeDepth { @inline(__always) static func value(_: Int) -> Int { 1 } }
enum Depth2: TreeDepth { @inline(__always) static func value(_: Int) -> Int { 2 } }
enum Depth3: TreeDepth { @inline(__always) static func value(_: Int) -> Int { 3 } }
enum Depth4: TreeDepth { @inline(__always) static func value(_: Int) -> Int { 4 } }
enum Depth5: TreeDepth { @inline(__always) static func value(_: Int) -> Int { 5 } }
enum Depth6: TreeDepth { @inline(__always) static func value(_: Int) -> Int { 6 } }
enum Depth7: TreeDepth { @inline(__always) static func value(_: Int) -> Int { 7 } }
enum Depth8: TreeDepth { @inline(__always) static func value(_: Int) -> Int { 8 } }
enum RuntimeDepth: TreeDepth { @inline(__always) static func value(_ runtime: Int) -> Int { runtime } }

/// A node of the perfect layout: the threshold's order key and the feature it splits on.
struct KeyNode {
    var key: Int32
    var feature: UInt32
}

/// A last-level node of the perfect layout: the split, then the leaf values of its true (left) and false
/// (right) children. 16 bytes; `perfectSum` reads the split as a `KeyNode` at offset 0 and leaf c at 8 + 4c.
struct LastNode {
    var key: Int32
    var feature: UInt32
    var leaves: (Float, Float)
}

/// An order-preserving map of a non-NaN float to Int32: `a < b ⇔ orderKey(a) < orderKey(b)` and
/// `a == b ⇔ orderKey(a) == orderKey(b)` (−0 and +0 share the key 0: `v + 0` turns −0 into +0 and leaves every
/// other value alone). Keys lie in −2,139,095,041 (−∞) … 2,139,095,040 (+∞), so Int32.min and Int32.max are
/// free for NaN. Positive floats keep their bit pattern; negative ones have their magnitude bits flipped.
@inline(__always)
func orderKey(_ v: Float) -> Int32 {
    let b = Int32(bitPattern: (v + 0).bitPattern)
    return b ^ ((b &>> 31) & 0x7FFF_FFFF)
}

/// The stored key of a perfect-layout threshold, for the rule `goRight ⇔ key(x) > stored`:
/// BRANCH_LEQ goes right iff ¬(x ≤ t) ⇔ x > t; BRANCH_LT goes right iff ¬(x < t) ⇔ x ≥ t
/// ⇔ key(x) > key(t) − 1.
/// A NaN threshold makes every comparison false, so every non-NaN row goes right: Int32.min. (A NaN feature
/// gets `perfectMissingKey`: Int32.max goes right past every stored key, Int32.min goes left of all.)
func perfectThresholdKey(_ t: Float, lessThan: Bool) -> Int32 {
    if t.isNaN { return Int32.min }
    return lessThan ? orderKey(t) - 1 : orderKey(t)
}
