import ArbFeatures
import CMallocCounter
import Foundation
import Testing

@testable import ArbInference

func loadError(_ bytes: [UInt8], expected: Int? = nil) -> InferenceError? {
    do {
        _ = try InferenceModel(bytes: bytes, expectedSchemaVersion: expected)
        return nil
    } catch {
        return error
    }
}

/// A schema-width (20 features) GB-style tree classifier, the shape of the gate's real models.
func schemaTreeModel(version: String? = "\(FeatureSchema.version)", bias: Float = 0) -> [UInt8] {
    makeModel(
        width: FeatureSchema.count,
        nodes: [
            Node(
                op: "TreeEnsembleClassifier", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["label", "p"],
                attrs: [
                    .ints("nodes_treeids", [0, 0, 0]), .ints("nodes_nodeids", [0, 1, 2]),
                    .ints("nodes_featureids", [0, 0, 0]), .strings("nodes_modes", ["BRANCH_LEQ", "LEAF", "LEAF"]),
                    .floats("nodes_values", [10, 0, 0]), .ints("nodes_truenodeids", [1, 0, 0]),
                    .ints("nodes_falsenodeids", [2, 0, 0]), .ints("class_treeids", [0, 0]),
                    .ints("class_nodeids", [1, 2]), .ints("class_ids", [0, 0]),
                    .floats("class_weights", [-1 + bias, 1 + bias]), .ints("classlabels_int64s", [0, 1]),
                    .floats("base_values", [0]), .string("post_transform", "LOGISTIC"),
                ])
        ], outputs: [Output(name: "label", elem: 7), Output(name: "p", dims: [nil, 2])], schemaVersion: version)
}

@Suite struct LoadErrorTests {
    @Test func unsupportedOperatorIsNamed() {
        let m = makeModel(
            width: 2, nodes: [Node(op: "Einsum", inputs: ["x"], outputs: ["y"])], outputs: [Output(name: "y")])
        let e = loadError(m)
        #expect(e?.code == .unsupportedOperator)
        #expect(e?.detail.contains("Einsum") == true)
        let m2 = makeModel(
            width: 2, nodes: [Node(op: "Relu", domain: "com.example", inputs: ["x"], outputs: ["y"])],
            outputs: [Output(name: "y")])
        #expect(loadError(m2)?.detail.contains("com.example::Relu") == true)
    }

    @Test func unsupportedAttributeIsNamed() {
        let m = makeModel(
            width: 2, nodes: [Node(op: "Relu", inputs: ["x"], outputs: ["y"], attrs: [.int("alpha_beta", 1)])],
            outputs: [Output(name: "y")])
        let e = loadError(m)
        #expect(e?.code == .unsupportedAttribute)
        #expect(e?.detail.contains("alpha_beta") == true)
        let cast = makeModel(
            width: 2, nodes: [Node(op: "Cast", inputs: ["x"], outputs: ["y"], attrs: [.int("to", 11)])],
            outputs: [Output(name: "y")])
        #expect(loadError(cast)?.code == .unsupportedAttribute)
        #expect(loadError(cast)?.detail.contains("to=11") == true)
        let probit = makeModel(
            width: 2,
            nodes: [
                Node(
                    op: "LinearRegressor", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["y"],
                    attrs: [.floats("coefficients", [1, 1]), .string("post_transform", "PROBIT")])
            ], outputs: [Output(name: "y")])
        #expect(loadError(probit)?.detail.contains("PROBIT") == true)
    }

    @Test func schemaVersionMismatchSaysBothVersions() {
        let e = loadError(schemaTreeModel(version: "99"), expected: FeatureSchema.version)
        #expect(e?.code == .schemaVersionMismatch)
        #expect(e?.detail.contains("99") == true)
        #expect(e?.detail.contains("version \(FeatureSchema.version)") == true)
        let missing = loadError(schemaTreeModel(version: nil), expected: FeatureSchema.version)
        #expect(missing?.code == .schemaVersionMismatch)
        #expect(loadError(schemaTreeModel(), expected: FeatureSchema.version) == nil)
    }

    @Test func inputWidthMustMatchSchema() {
        let m = makeModel(
            width: 3, nodes: [Node(op: "Relu", inputs: ["x"], outputs: ["y"])], outputs: [Output(name: "y")])
        #expect(loadError(m, expected: FeatureSchema.version)?.code == .inputShapeMismatch)
    }

    @Test func structuralDefectsAreTyped() {
        // Undefined input, duplicate definition, bad tree child, feature index past the input.
        let undefined = makeModel(
            width: 2, nodes: [Node(op: "Add", inputs: ["x", "nope"], outputs: ["y"])], outputs: [Output(name: "y")])
        #expect(loadError(undefined)?.code == .invalidModel)
        let badTree = makeModel(
            width: 2,
            nodes: [
                Node(
                    op: "TreeEnsembleRegressor", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["y"],
                    attrs: [
                        .ints("nodes_treeids", [0, 0, 0]), .ints("nodes_nodeids", [0, 1, 2]),
                        .ints("nodes_featureids", [5, 0, 0]), .strings("nodes_modes", ["BRANCH_LEQ", "LEAF", "LEAF"]),
                        .floats("nodes_values", [1, 0, 0]), .ints("nodes_truenodeids", [1, 0, 0]),
                        .ints("nodes_falsenodeids", [2, 0, 0]), .ints("target_treeids", [0]),
                        .ints("target_nodeids", [1]), .ints("target_ids", [0]), .floats("target_weights", [1]),
                    ])
            ], outputs: [Output(name: "y")])
        #expect(loadError(badTree)?.code == .invalidModel)
        let cyclic = makeModel(
            width: 2,
            nodes: [
                Node(
                    op: "TreeEnsembleRegressor", domain: "ai.onnx.ml", inputs: ["x"], outputs: ["y"],
                    attrs: [
                        .ints("nodes_treeids", [0, 0, 0]), .ints("nodes_nodeids", [0, 1, 2]),
                        .ints("nodes_featureids", [0, 0, 0]),
                        .strings("nodes_modes", ["BRANCH_LEQ", "BRANCH_LEQ", "LEAF"]),
                        .floats("nodes_values", [1, 0, 0]), .ints("nodes_truenodeids", [1, 0, 0]),
                        .ints("nodes_falsenodeids", [2, 2, 0]), .ints("target_treeids", [0]),
                        .ints("target_nodeids", [2]), .ints("target_ids", [0]), .floats("target_weights", [1]),
                    ])
            ], outputs: [Output(name: "y")])
        #expect(loadError(cyclic)?.code == .invalidModel)
    }

    @Test func malformedBytesAreTyped() {
        #expect(loadError([0x0A])?.code == .malformedProtobuf)  // graph field with no length
        #expect(loadError([0x3A, 0x05, 0x01])?.code == .malformedProtobuf)  // length past the end
        #expect(
            loadError([0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])?.code
                == .malformedProtobuf)
        #expect(loadError([0x0B])?.code == .malformedProtobuf)  // group wire type
        #expect(loadError([])?.code == .invalidModel)  // empty: valid protobuf, no graph
    }
}

@Suite struct FuzzTests {
    /// Thousands of random, truncated and mutated model files: loading may succeed or throw, never trap; a model
    /// that loads must evaluate without trapping. (SOLARB_STRESS=1 runs 20× more.)
    @Test func decoderAndCompilerNeverTrap() {
        let stress = ProcessInfo.processInfo.environment["SOLARB_STRESS"] == "1"
        let rounds = stress ? 100_000 : 5_000
        var rng = TestRNG(seed: 0xF022)
        let seeds: [[UInt8]] = [
            schemaTreeModel(),
            makeModel(
                width: 3,
                nodes: [
                    Node(op: "MatMul", inputs: ["x", "w"], outputs: ["h"]),
                    Node(op: "Relu", inputs: ["h"], outputs: ["r"]),
                    Node(op: "Concat", inputs: ["r", "r"], outputs: ["c"], attrs: [.int("axis", 1)]),
                    Node(op: "ArgMax", inputs: ["c"], outputs: ["a"], attrs: [.int("axis", 1)]),
                    Node(op: "ArrayFeatureExtractor", domain: "ai.onnx.ml", inputs: ["k", "a"], outputs: ["l"]),
                ], initializers: [.floats("w", [3, 2], [1, 2, 3, 4, 5, 6]), .int64s("k", [4], [5, 6, 7, 8])],
                outputs: [Output(name: "l", elem: 7), Output(name: "c")]),
        ]
        var loaded = 0
        var failures = 0
        for round in 0..<rounds {
            var bytes: [UInt8]
            switch round % 4 {
            case 0:
                bytes = (0..<Int(rng.next() % 256)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            case 1:
                let s = seeds[Int(rng.next() % UInt64(seeds.count))]
                bytes = Array(s.prefix(Int(rng.next() % UInt64(s.count))))
            default:
                bytes = seeds[Int(rng.next() % UInt64(seeds.count))]
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let at = Int(rng.next() % UInt64(bytes.count))
                    switch rng.next() % 3 {
                    case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: bytes[at] ^= UInt8(1 << (rng.next() % 8))
                    default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                    }
                }
            }
            do {
                let m = try InferenceModel(bytes: bytes, expectedSchemaVersion: nil)
                loaded += 1
                let e = m.makeEvaluator()
                let row = (0..<m.inputWidth).map { _ in Float(Int(rng.next() % 200) - 100) / 7 }
                _ = row.withUnsafeBufferPointer { e.evaluate($0) }
            } catch {
                failures += 1
            }
        }
        #expect(loaded + failures == rounds)
        #expect(failures > rounds / 2)  // most mutations must be caught
        #expect(loaded > 0)  // and some mutations (e.g. of float payloads) still load and evaluate
    }
}

struct TestRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct RuntimeTests {
    @Test(.enabled(if: solarb_thread_allocation_count() != UInt64.max, "allocation counting needs Linux/glibc"))
    func evaluateDoesNotAllocate() throws {
        let model = try InferenceModel(bytes: schemaTreeModel())
        let e = model.makeEvaluator()
        var f = OpportunityFeatures()
        var sink: Float = 0
        sink += e.evaluate(f).score  // warm-up
        let before = solarb_thread_allocation_count()
        for k in 0..<10_000 {
            f[0] = Float(k % 20)
            sink += e.evaluate(f).score
        }
        let after = solarb_thread_allocation_count()
        #expect(after - before == 0, "evaluate allocated \(after - before) times in 10,000 calls")
        // The counter itself works: an Array allocation is seen.
        let a0 = solarb_thread_allocation_count()
        let arr = [Float](repeating: sink, count: 64 + Int(sink.magnitude.truncatingRemainder(dividingBy: 2)))
        #expect(solarb_thread_allocation_count() > a0)
        #expect(arr.count >= 64)
    }

    @Test func hotReloadSwapsGoodModelsAndKeepsServingOnBadOnes() throws {
        let a = try InferenceModel(bytes: schemaTreeModel(bias: 0))
        let handle = ModelHandle(a)
        let session = handle.makeSession()
        var f = OpportunityFeatures()
        f[0] = 20  // right leaf: weight 1 + bias
        let first = session.evaluate(f)
        #expect(first.label == 1)
        #expect(abs(first.score - Float(1 / (1 + exp(-1.0)))) < 1e-6)

        // A truncated file, a wrong-schema model and an unsupported operator are all rejected; A keeps serving.
        let good = schemaTreeModel(bias: -3)  // right leaf weight −2
        #expect(throws: InferenceError.self) { try handle.replace(bytes: Array(good.prefix(good.count / 2))) }
        #expect(throws: InferenceError.self) { try handle.replace(bytes: schemaTreeModel(version: "2")) }
        #expect(handle.generation == 0)
        #expect(session.evaluate(f) == first)

        // A good file replaces it without stopping the session.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("solarb-reload-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("gate.onnx")
        try Data(good).write(to: url)
        try handle.replace(contentsOf: url)
        #expect(handle.generation == 1)
        let second = session.evaluate(f)
        #expect(second.label == 0)
        #expect(abs(second.score - Float(1 / (1 + exp(2.0)))) < 1e-6)

        // A missing file is an io error and changes nothing.
        #expect(throws: InferenceError.self) { try handle.replace(contentsOf: dir.appendingPathComponent("none.onnx")) }
        #expect(session.evaluate(f) == second)
    }

    @Test func concurrentReadersDuringReloads() async throws {
        let handle = ModelHandle(try InferenceModel(bytes: schemaTreeModel(bias: 0)))
        let models = [schemaTreeModel(bias: 0), schemaTreeModel(bias: -3)]
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    let s = handle.makeSession()
                    var f = OpportunityFeatures()
                    f[0] = 20
                    var seen = 0
                    for _ in 0..<20_000 {
                        let d = s.evaluate(f)
                        // Every decision comes from one whole model: label and score agree.
                        #expect((d.label == 1) == (d.score > 0.5))
                        seen += 1
                    }
                    return seen
                }
            }
            group.addTask {
                for k in 0..<200 { try handle.replace(bytes: models[k % 2]) }
                return 0
            }
            var total = 0
            for try await n in group { total += n }
            #expect(total == 40_000)
        }
        #expect(handle.generation == 200)
    }
}
