import ArbFeatures
import Foundation
import Testing

@testable import ArbInference

/// Loads hand-built bytes without the schema check and evaluates one row.
func score(_ bytes: [UInt8], _ row: [Float]) throws -> (label: Int64?, scores: [Float]) {
    let m = try InferenceModel(bytes: bytes, expectedSchemaVersion: nil)
    let e = m.makeEvaluator()
    _ = row.withUnsafeBufferPointer { e.evaluate($0) }
    return (e.label, Array(e.scores))
}

func logistic(_ v: Double) -> Double { 1 / (1 + exp(-v)) }

func close(_ a: [Float], _ b: [Double], tol: Double = 1e-6) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs(Double($0) - $1) <= tol }
}

@Suite struct OperatorTests {
    @Test func scaler() throws {
        let m = makeModel(
            width: 3,
            nodes: [
                Node(
                    op: "Scaler", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["y"],
                    attrs: [.floats("offset", [1, 2, 3]), .floats("scale", [2, 0.5, 1])])
            ], outputs: [Output(name: "y", dims: [nil, 3])])
        let r = try score(m, [3, 4, -1])
        #expect(r.scores == [4, 1, -4])
    }

    @Test func linearClassifierTwoTargetsLogistic() throws {
        // skl2onnx's binary logistic regression: coefficients [-w, w], intercepts [-b, b], LOGISTIC.
        let m = makeModel(
            width: 3,
            nodes: [
                Node(
                    op: "LinearClassifier", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["label", "p"],
                    attrs: [
                        .floats("coefficients", [-1, -2, -3, 1, 2, 3]), .floats("intercepts", [-0.5, 0.5]),
                        .ints("classlabels_ints", [0, 1]), .string("post_transform", "LOGISTIC"),
                        .int("multi_class", 0),
                    ])
            ], outputs: [Output(name: "label", elem: 7), Output(name: "p", dims: [nil, 2])])
        let r = try score(m, [1, 0, 0])
        #expect(r.label == 1)
        #expect(close(r.scores, [logistic(-1.5), logistic(1.5)]))
        let r2 = try score(m, [-1, 0, 0.1])  // raw = [0.2, -0.2]: class 0 wins
        #expect(r2.label == 0)
        #expect(close(r2.scores, [logistic(0.2), logistic(-0.2)]))
    }

    @Test func linearClassifierOneTargetFollowsOnnxruntime() throws {
        // One target + two labels: label from the raw sign, scores [1 − s, s] with no transform (onnxruntime).
        let m = makeModel(
            width: 3,
            nodes: [
                Node(
                    op: "LinearClassifier", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["label", "p"],
                    attrs: [
                        .floats("coefficients", [1, 2, 3]), .floats("intercepts", [0.5]),
                        .ints("classlabels_ints", [7, 9]), .string("post_transform", "LOGISTIC"),
                    ])
            ], outputs: [Output(name: "label", elem: 7), Output(name: "p", dims: [nil, 2])])
        let r = try score(m, [1, 0, 0])
        #expect(r.label == 9)
        #expect(r.scores == [-0.5, 1.5])
        #expect(try score(m, [-1, 0, 0]).label == 7)
    }

    @Test func linearClassifierMulticlassSoftmax() throws {
        let m = makeModel(
            width: 2,
            nodes: [
                Node(
                    op: "LinearClassifier", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["label", "p"],
                    attrs: [
                        .floats("coefficients", [1, 0, 0, 1, -1, -1]), .floats("intercepts", [0, 0, 0]),
                        .ints("classlabels_ints", [10, 20, 30]), .string("post_transform", "SOFTMAX"),
                    ])
            ], outputs: [Output(name: "label", elem: 7), Output(name: "p", dims: [nil, 3])])
        let r = try score(m, [1, 2])
        #expect(r.label == 20)
        let e = [exp(1.0 - 2), exp(2.0 - 2), exp(-3.0 - 2)]
        let s = e.reduce(0, +)
        #expect(close(r.scores, e.map { $0 / s }))
    }

    @Test func linearRegressor() throws {
        let m = makeModel(
            width: 3,
            nodes: [
                Node(
                    op: "LinearRegressor", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["y"],
                    attrs: [.floats("coefficients", [1, 2, 3]), .floats("intercepts", [0.5])])
            ], outputs: [Output(name: "y", dims: [nil, 1])])
        #expect(try score(m, [1, 1, 1]).scores == [6.5])
    }

    /// Two trees: tree 0 splits x0 ≤ 0.5 (leaves 1 | 2); tree 1 splits x1 < 10 (LT) into x2 ≤ 0 (10 | 20) | 30.
    func twoTrees(
        _ op: String, mixedModes: Bool = true, missingTrue: [Int64]? = nil, extra: [Attr] = []
    ) -> [Attr] {
        let prefix = op == "TreeEnsembleRegressor" ? "target" : "class"
        var attrs: [Attr] = [
            .ints("nodes_treeids", [0, 0, 0, 1, 1, 1, 1, 1]),
            .ints("nodes_nodeids", [0, 1, 2, 0, 1, 2, 3, 4]),
            .ints("nodes_featureids", [0, 0, 0, 1, 2, 0, 0, 0]),
            .strings(
                "nodes_modes",
                [
                    "BRANCH_LEQ", "LEAF", "LEAF", mixedModes ? "BRANCH_LT" : "BRANCH_LEQ", "BRANCH_LEQ", "LEAF", "LEAF",
                    "LEAF",
                ]),
            .floats("nodes_values", [0.5, 0, 0, 10, 0, 0, 0, 0]),
            .ints("nodes_truenodeids", [1, 0, 0, 1, 3, 0, 0, 0]),
            .ints("nodes_falsenodeids", [2, 0, 0, 2, 4, 0, 0, 0]),
            .ints("\(prefix)_treeids", [0, 0, 1, 1, 1]),
            .ints("\(prefix)_nodeids", [1, 2, 2, 3, 4]),
            .ints("\(prefix)_ids", [0, 0, 0, 0, 0]),
            .floats("\(prefix)_weights", [1, 2, 30, 10, 20]),
        ]
        if let missingTrue { attrs.append(.ints("nodes_missing_value_tracks_true", missingTrue)) }
        return attrs + extra
    }

    @Test(arguments: [true, false])
    func treeRegressor(mixedModes: Bool) throws {
        let m = makeModel(
            width: 3,
            nodes: [
                Node(
                    op: "TreeEnsembleRegressor", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["y"],
                    attrs: twoTrees(
                        "TreeEnsembleRegressor", mixedModes: mixedModes,
                        extra: [.floats("base_values", [100]), .int("n_targets", 1)]))
            ], outputs: [Output(name: "y", dims: [nil, 1])])
        let model = try InferenceModel(bytes: m, expectedSchemaVersion: nil)
        #expect(model.info.treeLayouts.first?.contains(mixedModes ? "generic" : "perfect") == true)
        #expect(try score(m, [0.5, 9, 0]).scores == [111])
        #expect(try score(m, [0.6, 10.5, 0]).scores == [132])
        // x1 == 10: LT sends it false (30); LEQ sends it true then x2 > 0 → 20.
        #expect(try score(m, [0, 10, 1]).scores == [mixedModes ? 131 : 121])
        // NaN without missing-tracks-true goes false everywhere.
        #expect(try score(m, [.nan, .nan, .nan]).scores == [132])
    }

    @Test func treeRegressorAverageAndMissingTracksTrue() throws {
        let m = makeModel(
            width: 3,
            nodes: [
                Node(
                    op: "TreeEnsembleRegressor", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["y"],
                    attrs: twoTrees(
                        "TreeEnsembleRegressor", missingTrue: [1, 0, 0, 1, 1, 0, 0, 0],
                        extra: [.floats("base_values", [100]), .string("aggregate_function", "AVERAGE")]))
            ], outputs: [Output(name: "y", dims: [nil, 1])])
        #expect(try score(m, [.nan, .nan, .nan]).scores == [105.5])  // (1 + 10) / 2 + 100
        #expect(try score(m, [0.6, 10.5, 0]).scores == [116])  // (2 + 30) / 2 + 100
    }

    @Test func treeClassifierBinaryMixedWeights() throws {
        // GradientBoostingClassifier style: one class id, mixed-sign weights, base value, LOGISTIC.
        let m = makeModel(
            width: 3,
            nodes: [
                Node(
                    op: "TreeEnsembleClassifier", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["label", "p"],
                    attrs: twoTrees("TreeEnsembleClassifier", mixedModes: false).map { a in
                        if case .floats("class_weights", _) = a {
                            return .floats("class_weights", [-1, 2, 0.5, -3, 1])
                        }
                        return a
                    } + [
                        .floats("base_values", [0.25]), .ints("classlabels_int64s", [0, 1]),
                        .string("post_transform", "LOGISTIC"),
                    ])
            ], outputs: [Output(name: "label", elem: 7), Output(name: "p", dims: [nil, 2])])
        // x = [0, 0, 0]: tree0 → −1, tree1 (x1 ≤ 10, x2 ≤ 0) → −3; s = −4 + 0.25.
        let r = try score(m, [0, 0, 0])
        #expect(r.label == 0)
        #expect(close(r.scores, [logistic(3.75), logistic(-3.75)]))
        // x = [1, 11, 0]: 2 + 0.5 + 0.25 = 2.75.
        let r2 = try score(m, [1, 11, 0])
        #expect(r2.label == 1)
        #expect(close(r2.scores, [logistic(-2.75), logistic(2.75)]))
    }

    @Test func treeClassifierBinaryPositiveWeights() throws {
        // All weights ≥ 0 (random-forest style): onnxruntime labels by s > 0.5 and writes [1 − s, s] untransformed.
        let m = makeModel(
            width: 3,
            nodes: [
                Node(
                    op: "TreeEnsembleClassifier", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["label", "p"],
                    attrs: twoTrees("TreeEnsembleClassifier").map { a in
                        if case .floats("class_weights", _) = a {
                            return .floats("class_weights", [0.1, 0.4, 0.2, 0.3, 0.05])
                        }
                        return a
                    } + [.ints("classlabels_int64s", [3, 4])])
            ], outputs: [Output(name: "label", elem: 7), Output(name: "p", dims: [nil, 2])])
        let r = try score(m, [0, 0, 0])  // 0.1 + 0.3 = 0.4
        #expect(r.label == 3)
        #expect(close(r.scores, [0.6, 0.4]))
        let r2 = try score(m, [1, 11, 0])  // 0.4 + 0.2 = 0.6
        #expect(r2.label == 4)
        #expect(close(r2.scores, [0.4, 0.6]))
    }

    @Test func treeClassifierMulticlassSoftmax() throws {
        let m = makeModel(
            width: 3,
            nodes: [
                Node(
                    op: "TreeEnsembleClassifier", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["label", "p"],
                    attrs: twoTrees("TreeEnsembleClassifier").map { a in
                        if case .ints("class_ids", _) = a { return .ints("class_ids", [0, 1, 2, 0, 1]) }
                        return a
                    } + [
                        .floats("base_values", [0, 0, 0]), .ints("classlabels_int64s", [5, 6, 7]),
                        .string("post_transform", "SOFTMAX"),
                    ])
            ], outputs: [Output(name: "label", elem: 7), Output(name: "p", dims: [nil, 3])])
        // x = [0, 0, 0]: tree0 leaf node1 → class 0 += 1; tree1 → node3 → class 0 += 10. Scores [11, 0, 0].
        let r = try score(m, [0, 0, 0])
        #expect(r.label == 5)
        let e = [1.0, exp(-11.0), exp(-11.0)]
        #expect(close(r.scores, e.map { $0 / e.reduce(0, +) }))
        // x = [1, 12, 0]: tree0 node2 → class 1 += 2; tree1 node2 → class 2 += 30.
        #expect(try score(m, [1, 12, 0]).label == 7)
    }

    /// The graph skl2onnx emits for a binary MLPClassifier (one hidden layer), checked against hand arithmetic.
    @Test func mlpGraph() throws {
        let w1: [Float] = [1, -1, 0.5, 2, -0.25, 0]  // [3, 2]
        let b1: [Float] = [0.1, -0.2]
        let w2: [Float] = [1.5, -2]  // [2, 1]
        let b2: [Float] = [0.3]
        let m = makeModel(
            width: 3,
            nodes: [
                Node(op: "Cast", inputs: ["x"], outputs: ["xc"], attrs: [.int("to", 1)]),
                Node(op: "MatMul", inputs: ["xc", "w1"], outputs: ["h0"]),
                Node(op: "Add", inputs: ["h0", "b1"], outputs: ["h1"]),
                Node(op: "Relu", inputs: ["h1"], outputs: ["h"]),
                Node(op: "MatMul", inputs: ["h", "w2"], outputs: ["o0"]),
                Node(op: "Add", inputs: ["o0", "b2"], outputs: ["o1"]),
                Node(op: "Sigmoid", inputs: ["o1"], outputs: ["p1"]),
                Node(op: "Sub", inputs: ["unity", "p1"], outputs: ["p0"]),
                Node(op: "Concat", inputs: ["p0", "p1"], outputs: ["probs"], attrs: [.int("axis", 1)]),
                Node(op: "ArgMax", inputs: ["probs"], outputs: ["am"], attrs: [.int("axis", 1)]),
                Node(op: "ArrayFeatureExtractor", domain: "ai.onnx.ml", inputs: ["classes", "am"], outputs: ["afe"]),
                Node(op: "Reshape", inputs: ["afe", "shape"], outputs: ["rs"]),
                Node(op: "Cast", inputs: ["rs"], outputs: ["label"], attrs: [.int("to", 7)]),
                Node(
                    op: "ZipMap", domain: "ai.onnx.ml", inputs: ["probs"], outputs: ["zip"],
                    attrs: [.ints("classlabels_int64s", [0, 1])]),
            ],
            initializers: [
                .floats("w1", [3, 2], w1), .floats("b1", [2], b1), .floats("w2", [2, 1], w2), .floats("b2", [1], b2),
                .floats("unity", [1], [1]), .int64s("classes", [2], [0, 1]), .int64s("shape", [1], [-1]),
            ],
            outputs: [Output(name: "label", elem: 7), Output(name: "zip")])
        for x: [Double] in [[1, 2, 3], [-1, 0.5, 2], [0, 0, 0], [4, -3, 1]] {
            var h = [0.0, 0.0]
            for j in 0..<2 {
                var s = Double(b1[j])
                for k in 0..<3 { s += x[k] * Double(w1[k * 2 + j]) }
                h[j] = max(0, s)
            }
            let o = h[0] * 1.5 + h[1] * -2 + 0.3
            let p = logistic(o)
            let r = try score(m, x.map { Float($0) })
            #expect(close(r.scores, [1 - p, p], tol: 2e-6), "x=\(x)")
            #expect(r.label == (p > 0.5 ? 1 : 0), "x=\(x)")
        }
        let model = try InferenceModel(bytes: m, expectedSchemaVersion: nil)
        #expect(model.info.classLabels == [0, 1])
        #expect(model.info.operators.contains("ai.onnx.ml::ZipMap"))
    }

    @Test func gemmTanhSoftmaxMulDivIdentity() throws {
        // y = softmax(tanh(x · Wᵀ · 0.5 + 2·c) * m / d)
        let w: [Float] = [1, 2, 3, -1, 0, 1]  // [2, 3], used transposed
        let m = makeModel(
            width: 3,
            nodes: [
                Node(
                    op: "Gemm", inputs: ["x", "w", "c"], outputs: ["g"],
                    attrs: [.int("transB", 1), .float("alpha", 0.5), .float("beta", 2)]),
                Node(op: "Tanh", inputs: ["g"], outputs: ["t"]),
                Node(op: "Mul", inputs: ["t", "m"], outputs: ["tm"]),
                Node(op: "Div", inputs: ["tm", "d"], outputs: ["td"]),
                Node(op: "Identity", inputs: ["td"], outputs: ["ti"]),
                Node(op: "Softmax", inputs: ["ti"], outputs: ["y"], attrs: [.int("axis", -1)]),
            ],
            initializers: [
                .floats("w", [2, 3], w), .floats("c", [2], [0.1, -0.1]), .floats("m", [1, 2], [3, 1]),
                .floats("d", [], [2]),
            ],
            outputs: [Output(name: "y", dims: [nil, 2])])
        let x: [Double] = [0.2, -0.4, 0.3]
        let g0 = 0.5 * (x[0] * 1 + x[1] * 2 + x[2] * 3) + 2 * 0.1
        let g1 = 0.5 * (x[0] * -1 + x[1] * 0 + x[2] * 1) + 2 * -0.1
        let t = [tanh(g0) * 3 / 2, tanh(g1) * 1 / 2]
        let e = t.map { exp($0 - t.max()!) }
        let r = try score(m, x.map { Float($0) })
        #expect(close(r.scores, e.map { $0 / e.reduce(0, +) }))
    }

    @Test func castFloatToInt64TruncatesAndNeverTraps() throws {
        let m = makeModel(
            width: 4, nodes: [Node(op: "Cast", inputs: ["x"], outputs: ["y"], attrs: [.int("to", 7)])],
            outputs: [Output(name: "y", elem: 7, dims: [nil, 4])])
        let model = try InferenceModel(bytes: m, expectedSchemaVersion: nil)
        let e = model.makeEvaluator()
        _ = [Float(2.9), -2.9, .nan, 1e30].withUnsafeBufferPointer { e.evaluate($0) }
        #expect(e.label == 2)  // first int64 output element
    }
}
